"""The question after the event, "how useful was it, 0–10, and why": the one owner of event_feedback.

One answer per registration (the table's primary key): the first one stays, a second submit (or two at
once from two tabs) writes nothing, so nobody can change a score after seeing how it is used. The NPS
report (a later issue) reads `scores` and `answers`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from portal.events.model import Registration, timestamp
from site_builder.contract import EventEntry

MAX_COMMENT = 2000
SCORES = range(0, 11)


@dataclass(frozen=True)
class Rating:
    registration_id: int
    event: str
    user_id: int | None
    score: int
    comment: str
    at: float


def may_rate(event: EventEntry, row: Registration | None, now: float) -> bool:
    """The person's registered row, once the event has started (attended or not), unless it was cancelled."""
    started = timestamp(event.starts)
    return (row is not None and row.status == "registered" and not event.cancelled
            and started is not None and now >= started)


COLUMNS = "registration_id, event, user_id, score, comment, at"


def save(db: Database, registration: Registration, score: int, comment: str, now: float) -> bool:
    """Store the person's answer; False when they had answered already (nothing is overwritten)."""
    if score not in SCORES:
        raise ValueError(f"score {score!r} is not 0..10")
    cursor = db.conn.execute(
        f"INSERT OR IGNORE INTO event_feedback ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
        [registration.id, registration.event, registration.user_id, score, comment.strip()[:MAX_COMMENT], now])
    return cursor.rowcount == 1  # the connection autocommits (core.db): the primary key decides a race


def of_registration(db: Database, registration_id: int) -> Rating | None:
    row = db.execute(f"SELECT {COLUMNS} FROM event_feedback WHERE registration_id = ?",  # noqa: S608
                     [registration_id]).fetchone()
    return Rating(*row) if row else None


def answers(db: Database, event: str) -> list[Rating]:
    """Every answer for the event, oldest first."""
    return [Rating(*row) for row in db.execute(
        f"SELECT {COLUMNS} FROM event_feedback WHERE event = ? ORDER BY at, registration_id",  # noqa: S608
        [event]).fetchall()]


def scores(db: Database, event: str) -> list[int]:
    """The event's scores (0–10), oldest answer first: what an NPS is computed from."""
    return [row.score for row in answers(db, event)]


def of_user(db: Database, user_id: int) -> list[dict]:
    """The person's answers, for their data download (152-FZ art. 14)."""
    return [{"event": row.event, "score": row.score, "comment": row.comment, "at": row.at}
            for row in (Rating(*r) for r in db.execute(
                f"SELECT {COLUMNS} FROM event_feedback WHERE user_id = ? ORDER BY at",  # noqa: S608
                [user_id]).fetchall())]
