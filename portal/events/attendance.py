"""Attendance: the one owner of event_attendance. Append-only (the table's triggers refuse UPDATE and
DELETE): a check-in is a row, a correction is a later row, and the latest row per registration says
whether the person was there. Only registered people can be checked in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from portal.core import happenings
from portal.core.db import write_transaction
from portal.events.model import Registration

MAX_NOTE = 500


@dataclass(frozen=True)
class Mark:
    registration_id: int
    present: bool
    note: str
    by_id: int | None
    by_name: str
    at: float


class NotRegistered(Exception):
    """Attendance is marked for registered people only (not the waiting list, not a cancelled row)."""


def mark(db: Database, registration: Registration, present: bool, by_id: int | None, now: float,
         note: str = "", title: str = "") -> bool:
    """Record that the person was (or was not) there; False when that is already the latest mark.

    A second tap on the same person writes nothing, so a double submit from a phone is one row. A mark
    that changes something is recorded as a happening (Attended, with the event's `title`) in the same
    transaction: other capabilities (points for attendance) act on it through core, never on this table.
    """
    if registration.status != "registered":
        raise NotRegistered(registration.id)
    with write_transaction(db):
        if present_now(db, registration.id) == present:
            return False
        db.conn.execute("INSERT INTO event_attendance (registration_id, event, present, note, by_id, at) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [registration.id, registration.event, int(present), note.strip()[:MAX_NOTE], by_id, now])
        happenings.record(db, happenings.Attended(registration.company_id, registration.user_id, registration.event,
                                                  title or registration.event, present, now, by_id))
        return True


def present_now(db: Database, registration_id: int) -> bool | None:
    """The latest mark: True (was there), False (marked absent) or None (never marked)."""
    row = db.execute("SELECT present FROM event_attendance WHERE registration_id = ? ORDER BY id DESC LIMIT 1",
                     [registration_id]).fetchone()
    return None if row is None else bool(row[0])


def of_event(db: Database, event: str) -> dict[int, bool]:
    """Registration id -> present, by each registration's latest mark."""
    rows = db.execute("SELECT a.registration_id, a.present FROM event_attendance a WHERE a.event = ? AND a.id = "
                      "(SELECT max(b.id) FROM event_attendance b WHERE b.registration_id = a.registration_id)",
                      [event]).fetchall()
    return {registration_id: bool(present) for registration_id, present in rows}


def history(db: Database, registration_id: int) -> list[Mark]:
    """Every mark of one registration, oldest first, with who made it."""
    rows = db.execute("SELECT a.registration_id, a.present, a.note, a.by_id, coalesce(u.name, ''), a.at "
                      "FROM event_attendance a LEFT JOIN users u ON u.id = a.by_id WHERE a.registration_id = ? "
                      "ORDER BY a.id", [registration_id]).fetchall()
    return [Mark(r[0], bool(r[1]), r[2], r[3], r[4], r[5]) for r in rows]
