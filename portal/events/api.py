"""The events capability's declared API for other capabilities (../shared/layout.md rule 3): who attended.

Surveys may ask the people who attended an event; they read the attendance here, never from the events'
tables. A person attended when their registration's latest mark says present (attendance.py).
"""

from __future__ import annotations

from sqlite_utils import Database


def attended_events(db: Database) -> list[tuple[str, int]]:
    """(event slug, people marked present) for every event with anyone present, most recent mark first."""
    rows = db.execute(
        "SELECT a.event, count(DISTINCT r.user_id), max(a.at) FROM event_attendance a "
        "JOIN event_registrations r ON r.id = a.registration_id WHERE a.present = 1 AND a.id = "
        "(SELECT max(b.id) FROM event_attendance b WHERE b.registration_id = a.registration_id) "
        "GROUP BY a.event ORDER BY 3 DESC").fetchall()
    return [(slug, count) for slug, count, _at in rows]


def attendees(db: Database, event_slug: str) -> set[int]:
    """The user ids of the people whose latest mark at `event_slug` is present."""
    rows = db.execute(
        "SELECT DISTINCT r.user_id FROM event_attendance a JOIN event_registrations r ON r.id = a.registration_id "
        "WHERE a.event = ? AND a.present = 1 AND r.user_id IS NOT NULL AND a.id = "
        "(SELECT max(b.id) FROM event_attendance b WHERE b.registration_id = a.registration_id)",
        [event_slug]).fetchall()
    return {row[0] for row in rows}
