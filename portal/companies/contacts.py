"""The contact schedule (company_contacts): planned and done calls, meetings, letters and visits.

The one module that reads and writes the table. A planned contact is done once (its `done_at` is set
with the outcome); recording one that was never planned is a planned-and-done row in one step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.companies import note_contact
from portal.core.db import write_transaction

CHANNELS = ("call", "meeting", "email", "visit", "other")
COLUMNS = "c.id, c.company_id, c.staff_id, u.name, c.channel, c.planned_at, c.done_at, c.note, c.outcome"


@dataclass(frozen=True)
class Contact:
    id: int
    company_id: int
    staff_id: int | None
    staff_name: str | None
    channel: str
    planned_at: float | None
    done_at: float | None
    note: str
    outcome: str

    @property
    def at(self) -> float:
        return self.done_at if self.done_at is not None else (self.planned_at or 0.0)


def plan(db: Database, company_id: int, staff_id: int | None, channel: str, at: float, note: str,
         by_id: int | None) -> int:
    """A contact planned for `at` (who at the club, how, about what)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    cursor = db.execute("INSERT INTO company_contacts (company_id, staff_id, channel, planned_at, note, created_by, "
                        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [company_id, staff_id, channel, at, note, by_id, time.time()])
    return cursor.lastrowid


def record(db: Database, company_id: int, staff_id: int | None, channel: str, at: float, note: str,
           outcome: str, by_id: int | None) -> int:
    """A contact that happened (not planned before); the company's last contact moves to it."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    with write_transaction(db):
        cursor = db.conn.execute("INSERT INTO company_contacts (company_id, staff_id, channel, done_at, note, "
                                 "outcome, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                 [company_id, staff_id, channel, at, note, outcome, by_id, time.time()])
        note_contact(db, company_id, at)
    return cursor.lastrowid


def mark_done(db: Database, contact_id: int, company_id: int, outcome: str, at: float | None = None) -> bool:
    """A planned contact happened; False when it is not this company's or was done already."""
    at = time.time() if at is None else at
    with write_transaction(db):
        cursor = db.conn.execute("UPDATE company_contacts SET done_at = ?, outcome = ? WHERE id = ? AND "
                                 "company_id = ? AND done_at IS NULL", [at, outcome, contact_id, company_id])
        if cursor.rowcount:
            note_contact(db, company_id, at)
    return cursor.rowcount > 0


def next_planned(db: Database, company_id: int) -> Contact | None:
    row = db.execute(f"SELECT {COLUMNS} FROM company_contacts c LEFT JOIN users u ON u.id = c.staff_id "  # noqa: S608
                     "WHERE c.company_id = ? AND c.done_at IS NULL ORDER BY c.planned_at LIMIT 1",
                     [company_id]).fetchone()
    return Contact(*row) if row else None


def planned(db: Database, company_id: int) -> list[Contact]:
    rows = db.execute(f"SELECT {COLUMNS} FROM company_contacts c LEFT JOIN users u ON u.id = c.staff_id "  # noqa: S608
                      "WHERE c.company_id = ? AND c.done_at IS NULL ORDER BY c.planned_at", [company_id]).fetchall()
    return [Contact(*row) for row in rows]


def latest(db: Database, company_id: int, limit: int) -> list[Contact]:
    """Planned and done contacts, newest first (by when they happen or happened)."""
    rows = db.execute(f"SELECT {COLUMNS} FROM company_contacts c LEFT JOIN users u ON u.id = c.staff_id "  # noqa: S608
                      "WHERE c.company_id = ? ORDER BY coalesce(c.done_at, c.planned_at) DESC LIMIT ?",
                      [company_id, limit]).fetchall()
    return [Contact(*row) for row in rows]
