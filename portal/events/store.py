"""Event registrations: the one owner of event_registrations and event_registration_log.

Every change runs in one write transaction (BEGIN IMMEDIATE, core.db.write_transaction): counting the
seats and writing the row are one step for every worker process, so two people can never take the
last seat twice (issue 14: "registering is a race"). Every change of a row writes a log row in the
same transaction; the log's triggers refuse UPDATE and DELETE.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlite_utils import Database

from portal.core.db import write_transaction
from portal.core.identity import User
from portal.events.model import ACTIVE, HOLDING, Outcome, Refused, Registration, open_problem
from site_builder.contract import EventEntry

COLUMNS = ("r.id, r.event, r.user_id, r.company_id, r.status, r.answers, r.registered_by, r.position, r.revision, "
           "r.created_at, r.updated_at, r.offer_expires_at, r.sequence, coalesce(u.name, ''), coalesce(u.email, '')")
FROM = "FROM event_registrations r LEFT JOIN users u ON u.id = r.user_id "
ACTIVE_SQL = "('registered', 'waiting', 'offered')"


def _row(row: tuple) -> Registration:
    try:
        answers = json.loads(row[5]) if row[5] else {}
    except ValueError:
        answers = {}
    return Registration(*row[:5], answers if isinstance(answers, dict) else {}, *row[6:])


def log(db: Database, registration_id: int, event: str, action: str, old: str | None, new: str | None,
        by_id: int | None, at: float) -> None:
    """Inside the caller's transaction: one line of the registration's history."""
    db.conn.execute("INSERT INTO event_registration_log (registration_id, event, action, old, new, by_id, at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", [registration_id, event, action, old, new, by_id, at])


def get(db: Database, registration_id: int) -> Registration | None:
    row = db.execute(f"SELECT {COLUMNS} {FROM} WHERE r.id = ?", [registration_id]).fetchone()  # noqa: S608
    return _row(row) if row else None


def active_of(db: Database, event: str, user_id: int) -> Registration | None:
    """The person's registered, waiting or offered row for the event, if any."""
    row = db.execute(f"SELECT {COLUMNS} {FROM} WHERE r.event = ? AND r.user_id = ? "  # noqa: S608
                     f"AND r.status IN {ACTIVE_SQL}", [event, user_id]).fetchone()
    return _row(row) if row else None


def seats_taken(db: Database, event: str) -> int:
    return db.execute("SELECT count(*) FROM event_registrations WHERE event = ? AND status IN ('registered', "
                      "'offered')", [event]).fetchone()[0]


def seats_left(db: Database, event: EventEntry) -> int | None:
    """Free seats (never below 0); None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - seats_taken(db, event.slug), 0)


def counts(db: Database) -> dict[str, dict[str, int]]:
    """Per event slug: how many rows of each status."""
    found: dict[str, dict[str, int]] = {}
    for event, status, number in db.execute("SELECT event, status, count(*) FROM event_registrations "
                                            "GROUP BY event, status").fetchall():
        found.setdefault(event, {})[status] = number
    return found


def register(db: Database, event: EventEntry, person: User, by: User, answers: dict[str, str],
             now: float, staff: bool = False) -> Outcome:
    """Register `person` (by themselves or by colleague `by`): a seat if one is free, else the waiting list.

    Refused (with its reason) past the deadline, for a cancelled event or one without registration, and
    when the person's company already has `per_company` people in (registered, offered or waiting: a
    company at its quota is told so, not put on the waiting list). A person already in gets their row
    back, so a double submit makes no second row. `staff`: staff adding the person, who may do so past the
    deadline until the event starts (every other rule holds for them too).
    """
    problem = open_problem(event, now, staff)
    if problem:
        raise Refused(problem)
    with write_transaction(db):
        existing = active_of(db, event.slug, person.id)
        if existing is not None:
            return Outcome(existing)
        if event.per_company is not None and person.company_id is not None:
            in_company = db.execute("SELECT count(*) FROM event_registrations WHERE event = ? AND company_id = ? "
                                    "AND status IN ('registered', 'waiting', 'offered')",
                                    [event.slug, person.company_id]).fetchone()[0]
            if in_company >= event.per_company:
                raise Refused("events.refused.quota", limit=event.per_company)
        # Seats freed by a larger capacity (a rebuild) go to the people already waiting, before a newcomer.
        offered = _fill_seats(db, event, now)
        free = event.capacity is None or seats_taken(db, event.slug) < event.capacity
        status = "registered" if free else "waiting"
        position = db.execute("SELECT coalesce(max(position), 0) + 1 FROM event_registrations WHERE event = ?",
                              [event.slug]).fetchone()[0]
        cursor = db.conn.execute(
            "INSERT INTO event_registrations (event, user_id, company_id, status, answers, registered_by, position, "
            "revision, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [event.slug, person.id, person.company_id, status, json.dumps(answers, ensure_ascii=False), by.id,
             position, event.revision, now, now])
        log(db, cursor.lastrowid, event.slug, status, None, status, by.id, now)
        return Outcome(get(db, cursor.lastrowid), created=True, offered=offered)


def _set_status(db: Database, row: Registration, status: str, action: str, by_id: int | None, now: float,
                expires: float | None = None, bump: int = 0) -> None:
    # `bump`: a change that sends a CANCEL raises the .ics SEQUENCE with the status, so the letter's
    # SEQUENCE is always above the last REQUEST's (RFC 5546 2.1.4) and a retry sends the same number.
    db.conn.execute("UPDATE event_registrations SET status = ?, offer_expires_at = ?, updated_at = ?, "
                    "sequence = sequence + ? WHERE id = ?", [status, expires, now, bump, row.id])
    log(db, row.id, row.event, action, row.status, status, by_id, now)


def _fill_seats(db: Database, entry: EventEntry, now: float) -> list[Registration]:
    """Inside the caller's transaction: offer each free seat to the next person waiting, in arrival order.

    Offered seats count as taken, so one freed seat makes exactly one offer.
    """
    offered: list[Registration] = []
    event, capacity = entry.slug, entry.capacity
    while True:
        if capacity is not None and seats_taken(db, event) >= capacity:
            return offered
        row = db.execute(f"SELECT {COLUMNS} {FROM} WHERE r.event = ? AND r.status = 'waiting' "  # noqa: S608
                         "ORDER BY r.position LIMIT 1", [event]).fetchone()
        if row is None:
            return offered
        waiting = _row(row)
        _set_status(db, waiting, "offered", "offered", None, now, now + entry.offer_hours * 3600)
        offered.append(get(db, waiting.id))


def _change(db: Database, event: EventEntry, user_id: int, by_id: int | None, now: float,
            allowed: Iterable[str], status: str, action: str, bump: int = 0) -> Outcome | None:
    with write_transaction(db):
        row = active_of(db, event.slug, user_id)
        if row is None or row.status not in allowed:
            return None
        _set_status(db, row, status, action, by_id, now, bump=bump)
        offered = _fill_seats(db, event, now) if row.status in HOLDING else []
        return Outcome(get(db, row.id), offered=offered)


def cancel(db: Database, event: EventEntry, user_id: int, by_id: int | None, now: float) -> Outcome | None:
    """A registered person (or one holding an offer) gives the seat back; it is offered to the first waiting.
    The row's sequence rises by one: the cancellation letter's METHOD:CANCEL carries it."""
    return _change(db, event, user_id, by_id, now, HOLDING, "cancelled", "cancelled", bump=1)


def leave_waiting_list(db: Database, event: EventEntry, user_id: int, by_id: int | None,
                       now: float) -> Outcome | None:
    """A waiting person (or one declining an offer) leaves the list; a declined offer passes on."""
    return _change(db, event, user_id, by_id, now, ("waiting", "offered"), "left", "left")


def accept_offer(db: Database, event: EventEntry, user_id: int, now: float) -> Registration | None:
    """The offered person takes the seat while the offer holds; None when there is no live offer."""
    with write_transaction(db):
        row = active_of(db, event.slug, user_id)
        if row is None or row.status != "offered" or (row.offer_expires_at or 0) <= now or event.cancelled:
            return None
        _set_status(db, row, "registered", "accepted", user_id, now)
        return get(db, row.id)


def set_answers(db: Database, row: Registration, answers: dict[str, str], by_id: int | None, now: float) -> None:
    """Replace the row's answers (the person's own, checked by the caller); the old ones stay in the log."""
    with write_transaction(db):
        db.conn.execute("UPDATE event_registrations SET answers = ?, updated_at = ? WHERE id = ?",
                        [json.dumps(answers, ensure_ascii=False), now, row.id])
        log(db, row.id, row.event, "answers", json.dumps(row.answers, ensure_ascii=False),
            json.dumps(answers, ensure_ascii=False), by_id, now)


def expire_offers(db: Database, events: dict[str, EventEntry], now: float) -> tuple[list[Registration],
                                                                                     list[Registration]]:
    """Offers past their time leave the list and pass on to the next waiting person: (expired, offered)."""
    expired: list[Registration] = []
    offered: list[Registration] = []
    with write_transaction(db):
        rows = [_row(row) for row in db.execute(
            f"SELECT {COLUMNS} {FROM} WHERE r.status = 'offered' AND r.offer_expires_at <= ? "  # noqa: S608
            "ORDER BY r.event, r.position", [now]).fetchall()]
        for row in rows:
            _set_status(db, row, "left", "expired", None, now)
            expired.append(get(db, row.id))
        for slug in sorted({row.event for row in rows}):
            event = events.get(slug)
            if event is not None and not event.cancelled and open_problem(event, now) is None:
                offered += _fill_seats(db, event, now)
    return expired, offered


def apply_revision(db: Database, event: EventEntry, now: float) -> list[Registration]:
    """The event's time or place changed (a new `revision` in events.json): every active row told an older
    one takes the new revision and a sequence one higher (RFC 5546 2.1.4), each with a log line
    ('updated', old and new revision). Returns the changed rows; a second caller finds none to change."""
    with write_transaction(db):
        rows = [row for row in of_event(db, event.slug) if row.active and row.revision != event.revision]
        for row in rows:
            db.conn.execute("UPDATE event_registrations SET revision = ?, sequence = sequence + 1, updated_at = ? "
                            "WHERE id = ?", [event.revision, now, row.id])
            log(db, row.id, row.event, "updated", row.revision, event.revision, None, now)
        return [get(db, row.id) for row in rows]


def cancel_event(db: Database, event: EventEntry, now: float) -> list[tuple[str, Registration]]:
    """The whole event is cancelled: every active row becomes 'cancelled' (log action 'event_cancelled', by
    no one) with its sequence raised for the CANCEL. Returns (status before, row now) for each."""
    with write_transaction(db):
        rows = [row for row in of_event(db, event.slug) if row.active]
        for row in rows:
            _set_status(db, row, "cancelled", "event_cancelled", None, now, bump=1)
        return [(row.status, get(db, row.id)) for row in rows]


def of_event(db: Database, event: str) -> list[Registration]:
    """Every row of the event, in arrival order."""
    return [_row(row) for row in db.execute(f"SELECT {COLUMNS} {FROM} WHERE r.event = ? "  # noqa: S608
                                            "ORDER BY r.position", [event]).fetchall()]


def of_user(db: Database, user_id: int) -> list[Registration]:
    """The person's rows, newest first."""
    return [_row(row) for row in db.execute(f"SELECT {COLUMNS} {FROM} WHERE r.user_id = ? "  # noqa: S608
                                            "ORDER BY r.created_at DESC, r.id DESC", [user_id]).fetchall()]


def of_company(db: Database, company_id: int, limit: int = 200) -> list[Registration]:
    """The company's active rows (its people registered, waiting or offered), newest first."""
    return [_row(row) for row in db.execute(
        f"SELECT {COLUMNS} {FROM} WHERE r.company_id = ? AND r.status IN {ACTIVE_SQL} "  # noqa: S608
        "ORDER BY r.created_at DESC, r.id DESC LIMIT ?", [company_id, limit]).fetchall()]


def company_activity(db: Database, company_id: int, limit: int) -> list[Registration]:
    """Every row of the company's people (for its timeline), newest first."""
    return [_row(row) for row in db.execute(
        f"SELECT {COLUMNS} {FROM} WHERE r.company_id = ? ORDER BY r.created_at DESC, r.id DESC "  # noqa: S608
        "LIMIT ?", [company_id, limit]).fetchall()]


def personal_data(db: Database, user_id: int) -> dict[str, list]:
    """The person's registrations with their answers, for their data download (152-FZ art. 14)."""
    return {"event_registrations": [
        {"event": row.event, "status": row.status, "answers": row.answers, "registered_by": row.registered_by,
         "created_at": row.created_at, "updated_at": row.updated_at, "offer_expires_at": row.offer_expires_at}
        for row in of_user(db, user_id)]}


def claim_letter(db: Database, registration_id: int, kind: str, now: float) -> bool:
    """Claim a follow-up letter (`kind`: update:<revision>, event_cancelled, reminder_day, reminder_hour, after)
    for one registration: True once, for the first process to ask; False ever after."""
    cursor = db.conn.execute("INSERT OR IGNORE INTO event_letters (registration_id, kind, at) VALUES (?, ?, ?)",
                             [registration_id, kind, now])
    return cursor.rowcount == 1  # the connection autocommits (core.db): the claim is final at once


def letters_claimed(db: Database, registration_id: int) -> list[str]:
    return [row[0] for row in db.execute("SELECT kind FROM event_letters WHERE registration_id = ? ORDER BY at",
                                         [registration_id]).fetchall()]


__all__ = ["ACTIVE", "Refused", "accept_offer", "apply_revision", "cancel", "cancel_event", "expire_offers",
           "leave_waiting_list", "register"]
