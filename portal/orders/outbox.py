"""The orders' letters outbox: the one owner of `order_letters`, `order_letter_deliveries` and
`order_letters_done`. A letter is queued when its change is written; each address that got it is recorded;
one that reached everyone is done. What is not done within RETRY_HOURS is given up (logged by the sender)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

RETRY_HOURS = 48


@dataclass(frozen=True)
class Letter:
    id: int
    order_id: int
    kind: str
    note: str
    hours: int
    at: float


def queue(db: Database, order_id: int, kind: str, note: str, hours: int, now: float) -> int:
    cursor = db.execute("INSERT INTO order_letters (order_id, kind, note, hours, at) VALUES (?, ?, ?, ?, ?)",
                        [order_id, kind, note, hours, now])
    return int(cursor.lastrowid)


def get(db: Database, letter_id: int) -> Letter | None:
    row = db.execute("SELECT id, order_id, kind, note, hours, at FROM order_letters WHERE id = ?",
                     [letter_id]).fetchone()
    return None if row is None else Letter(*row)


def delivered(db: Database, letter_id: int) -> set[str]:
    rows = db.execute("SELECT address FROM order_letter_deliveries WHERE letter_id = ?", [letter_id]).fetchall()
    return {row[0] for row in rows}


def mark_delivered(db: Database, letter_id: int, address: str, now: float) -> None:
    db.execute("INSERT OR IGNORE INTO order_letter_deliveries (letter_id, address, at) VALUES (?, ?, ?)",
               [letter_id, address, now])


def mark_done(db: Database, letter_id: int, now: float) -> None:
    db.execute("INSERT OR IGNORE INTO order_letters_done (letter_id, at) VALUES (?, ?)", [letter_id, now])


def pending(db: Database, queued_before: float, now: float) -> list[Letter]:
    """Letters not done, queued before `queued_before` (the page's own try has had its chance) and within
    RETRY_HOURS of `now`, oldest first."""
    rows = db.execute(
        "SELECT l.id, l.order_id, l.kind, l.note, l.hours, l.at FROM order_letters l "
        "WHERE l.at < ? AND l.at >= ? AND NOT EXISTS (SELECT 1 FROM order_letters_done d WHERE d.letter_id = l.id) "
        "ORDER BY l.id", [queued_before, now - RETRY_HOURS * 3600]).fetchall()
    return [Letter(*row) for row in rows]
