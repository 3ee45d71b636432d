"""Saved calculations: the one owner of tools_calculations (explicit columns, parameterised SQL).

A calculation belongs to the member who saved it: every read and the delete take the member's id, so
another person's number is simply not found (404 on the pages: ASVS 5.0 8.2.2).
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

COLUMNS = "id, user_id, company_id, kind, project, sku, inputs, results, created_at"
PROJECT_LIMIT = 120
PER_MEMBER = 500  # saved calculations one member may keep: more is a script, not an engineer


@dataclass(frozen=True)
class Saved:
    id: int
    user_id: int
    company_id: int | None
    kind: str            # lumen | cable
    project: str
    sku: str | None
    inputs: dict[str, Any]
    results: dict[str, Any]
    created_at: float


class Duplicate(Exception):
    """The save form's one-time value was used already: it saved `calculation_id` (of `user_id`)."""

    def __init__(self, calculation_id: int, user_id: int) -> None:
        super().__init__(calculation_id)
        self.calculation_id, self.user_id = calculation_id, user_id


def _row(row: tuple) -> Saved:
    return Saved(*row[:6], json.loads(row[6]), json.loads(row[7]), row[8])


def save(db: Database, user_id: int, company_id: int | None, kind: str, project: str, sku: str | None,
         inputs: dict[str, Any], results: dict[str, Any], nonce: str, at: float | None = None) -> int:
    """The new calculation's id; Duplicate when `nonce` saved one already (a double click, a resent form)."""
    try:
        with db.conn:
            cursor = db.conn.execute(
                "INSERT INTO tools_calculations (user_id, company_id, kind, project, sku, inputs, results, nonce, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [user_id, company_id, kind, project, sku, json.dumps(inputs, ensure_ascii=False),
                 json.dumps(results, ensure_ascii=False), nonce, time.time() if at is None else at])
    except sqlite3.IntegrityError:
        row = db.execute("SELECT id, user_id FROM tools_calculations WHERE nonce = ?", [nonce]).fetchone()
        if row is None:
            raise
        raise Duplicate(row[0], row[1]) from None
    return cursor.lastrowid


def count_of(db: Database, user_id: int) -> int:
    return db.execute("SELECT count(*) FROM tools_calculations WHERE user_id = ?", [user_id]).fetchone()[0]


def get(db: Database, calculation_id: int, user_id: int) -> Saved | None:
    """The member's own calculation, or None (also for another person's)."""
    row = db.execute(f"SELECT {COLUMNS} FROM tools_calculations WHERE id = ? AND user_id = ?",  # noqa: S608
                     [calculation_id, user_id]).fetchone()
    return _row(row) if row else None


def find(db: Database, calculation_id: int) -> Saved | None:
    """Any member's calculation: for the club's staff answering a request for advice that links to it."""
    row = db.execute(f"SELECT {COLUMNS} FROM tools_calculations WHERE id = ?", [calculation_id]).fetchone()  # noqa: S608
    return _row(row) if row else None


def saved_by(db: Database, user_id: int) -> list[Saved]:
    """The member's calculations, by project name, newest first within a project."""
    rows = db.execute(f"SELECT {COLUMNS} FROM tools_calculations WHERE user_id = ? "  # noqa: S608
                      "ORDER BY project COLLATE NOCASE, created_at DESC, id DESC", [user_id]).fetchall()
    return [_row(row) for row in rows]


def delete(db: Database, calculation_id: int, user_id: int) -> bool:
    """Remove the member's own calculation (a worksheet, not a record of money: it may go); False if not theirs."""
    with db.conn:
        cursor = db.conn.execute("DELETE FROM tools_calculations WHERE id = ? AND user_id = ?",
                                 [calculation_id, user_id])
    return cursor.rowcount == 1


def is_empty(db: Database) -> bool:
    return db.execute("SELECT 1 FROM tools_calculations LIMIT 1").fetchone() is None


def personal_data(db: Database, user_id: int) -> dict[str, list]:
    """The member's saved calculations for their data download (152-FZ art. 14)."""
    return {"tools_calculations": [
        {"id": s.id, "kind": s.kind, "project": s.project, "sku": s.sku, "inputs": s.inputs, "results": s.results,
         "created_at": s.created_at} for s in saved_by(db, user_id)]}


def first_demo_member(db: Database) -> tuple[int, int | None] | None:
    """(user id, company id) of the demo club's first member (company and phone, no staff role), if any."""
    row = db.execute("SELECT id, company_id FROM users WHERE company_id IS NOT NULL AND phone IS NOT NULL "
                     "AND role IS NULL AND email_confirmed_at IS NOT NULL ORDER BY id LIMIT 1").fetchone()
    return (row[0], row[1]) if row else None
