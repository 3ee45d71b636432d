"""Ideas: members see each other's ideas (subject, text, support count; never who wrote them) and
support another member's idea once. The one owner of feedback_votes."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.db import write_transaction
from portal.core.identity import User

IDEAS_LIMIT = 200


@dataclass(frozen=True)
class Idea:
    id: int
    subject: str
    html: str
    supporters: int
    status: str
    mine: bool
    supported: bool


def list_ideas(db: Database, reader: User) -> list[Idea]:
    """Open ideas, most supported first, with whether the reader wrote or supports each."""
    rows = db.execute(
        "SELECT r.id, r.subject, r.html, r.supporters, r.status, r.author_id = ?, v.user_id IS NOT NULL "
        "FROM feedback_requests r LEFT JOIN feedback_votes v ON v.request_id = r.id AND v.user_id = ? "
        "WHERE r.kind = 'idea' AND r.status != 'closed' ORDER BY r.supporters DESC, r.id DESC LIMIT ?",
        [reader.id, reader.id, IDEAS_LIMIT]).fetchall()
    return [Idea(row[0], row[1], row[2], row[3], row[4], bool(row[5]), bool(row[6])) for row in rows]


def support(db: Database, request_id: int, user: User) -> bool | None:
    """Support an idea once: True when counted now, False when already supported (or the reader's own),
    None when there is no such open idea. The primary key makes a race of two clicks one row, and the
    counter moves only with the row that was inserted."""
    with write_transaction(db):
        row = db.conn.execute("SELECT author_id FROM feedback_requests WHERE id = ? AND kind = 'idea' "
                              "AND status != 'closed'", [request_id]).fetchone()
        if row is None:
            return None
        if row[0] == user.id:
            return False
        inserted = db.conn.execute("INSERT OR IGNORE INTO feedback_votes (request_id, user_id, created_at) "
                                   "VALUES (?, ?, ?)", [request_id, user.id, time.time()]).rowcount
        if inserted:
            db.conn.execute("UPDATE feedback_requests SET supporters = supporters + 1 WHERE id = ?", [request_id])
    return bool(inserted)


def votes(db: Database, request_id: int) -> int:
    return db.execute("SELECT count(*) FROM feedback_votes WHERE request_id = ?", [request_id]).fetchone()[0]


def personal_data(db: Database, user_id: int) -> dict[str, list[int]]:
    """The ideas (request numbers) the person supports, for their data download."""
    return {"feedback_supported_ideas": [row[0] for row in db.execute(
        "SELECT request_id FROM feedback_votes WHERE user_id = ? ORDER BY request_id", [user_id]).fetchall()]}
