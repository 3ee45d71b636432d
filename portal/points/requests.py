"""Privilege requests: the one owner of `points_requests`, `points_request_events` and `points_request_files`.

A request is made by the company's representative and holds its cost at once (the ledger's hold row is
written in the same write transaction as the request, so there is never a request without its hold or a
hold without its request). Its state is the latest of its events (append-only, migration 15):

    requested → confirmed | rejected | cancelled      (cancelled: the representative, before confirmation)
    confirmed → in_progress | done | rejected
    in_progress → done | rejected

Rejected and cancelled release the hold; done debits it (the points are spent for good). Each change
checks the state the person saw (its seq) and writes inside one BEGIN IMMEDIATE transaction, so two
staff pressing buttons at once make one change and the other is told the request has changed (Stale).
The database refuses the rest: an illegal next state, a second event with the same seq, edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.db import write_transaction
from portal.points import ledger

STATES = ("requested", "confirmed", "in_progress", "done", "rejected", "cancelled")
OPEN = ("requested", "confirmed", "in_progress")
NEXT: dict[str, tuple[str, ...]] = {"requested": ("confirmed", "rejected", "cancelled"),
                                    "confirmed": ("in_progress", "done", "rejected"),
                                    "in_progress": ("done", "rejected")}
TASK_LIMIT = 4000  # characters of the task description
NOTE_LIMIT = 2000  # characters of a reason or a comment
_LATEST = ("JOIN points_request_events e ON e.request_id = r.id AND e.seq = "
           "(SELECT max(seq) FROM points_request_events WHERE request_id = r.id)")
_COLUMNS = ("r.id, r.company_id, c.name, r.privilege_id, r.privilege_name, r.cost, r.task, r.requested_by, u.name, "
            "r.hold_id, r.created_at, e.state, e.seq, e.at")


class RequestError(ValueError):
    """A change the store refuses."""


class Stale(RequestError):  # noqa: N818 (callers show it as "the request has changed")
    """The request is not in the state the person saw (someone else changed it), or the change is not
    a legal next state."""

    def __init__(self, state: str) -> None:
        super().__init__(f"the request is {state} now")
        self.state = state


class Duplicate(RequestError):  # noqa: N818 (a form sent twice: what the first submit made)
    """The form's one-time value was used already: `made` is the request (or the event) it made."""

    def __init__(self, made: int) -> None:
        super().__init__(f"sent already: {made}")
        self.made = made


@dataclass(frozen=True)
class PrivilegeRequest:
    id: int
    company_id: int
    company_name: str
    privilege_id: str
    privilege_name: str
    cost: int
    task: str
    requested_by: int
    requested_by_name: str | None
    hold_id: int
    created_at: float
    state: str
    seq: int
    changed_at: float

    @property
    def is_open(self) -> bool:
        return self.state in OPEN


@dataclass(frozen=True)
class Event:
    id: int
    request_id: int
    seq: int
    state: str
    note: str
    by_id: int | None
    by_name: str | None
    at: float


@dataclass(frozen=True)
class ResultFile:
    id: int
    request_id: int
    event_id: int
    filename: str
    stored_name: str
    content_type: str
    size: int
    at: float


def _select(where: str, order: str = "r.id DESC") -> str:
    """The request query with the callers' fixed conditions (values always go as parameters)."""
    return (f"SELECT {_COLUMNS} FROM points_requests r {_LATEST} JOIN companies c ON c.id = r.company_id "  # noqa: S608
            f"LEFT JOIN users u ON u.id = r.requested_by WHERE {where} ORDER BY {order}")


def create(db: Database, *, company_id: int, privilege_id: str, privilege_name: str, cost: int, task: str,
           by_id: int, nonce: str, now: float) -> int:
    """The new request's id: the request, its hold and its first event in one write transaction.
    NotEnoughPoints (nothing written) when the company has fewer points available than `cost`. The same
    `nonce` again (a double submit) raises Duplicate with the first request's id and writes nothing."""
    if not task.strip() or len(task) > TASK_LIMIT:
        raise RequestError("a task of 1 to TASK_LIMIT characters")
    ledger.expire_company(db, company_id, now)  # committed on its own: a refused request still expires lots
    with write_transaction(db):
        done = db.execute("SELECT id, company_id FROM points_requests WHERE nonce = ?", [nonce]).fetchone()
        if done is not None:
            if done[1] != company_id:
                raise RequestError("the form's one-time value belongs to another company")
            raise Duplicate(int(done[0]))
        # Inside BEGIN IMMEDIATE nobody else can take the next id, so the hold can name its request.
        request_id = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM points_requests").fetchone()[0])
        hold_id = ledger.hold(db, company_id, cost, reason=privilege_name, source=f"request:{request_id}",
                              by_id=by_id, now=now)
        db.conn.execute(
            "INSERT INTO points_requests (id, company_id, privilege_id, privilege_name, cost, task, requested_by, "
            "hold_id, nonce, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [request_id, company_id, privilege_id, privilege_name, cost, task, by_id, hold_id, nonce, now])
        _insert_event(db, request_id, 1, "requested", note="", by_id=by_id, nonce="", at=now)
    return request_id


def _insert_event(db: Database, request_id: int, seq: int, state: str, *, note: str, by_id: int | None,
                  nonce: str, at: float) -> int:
    cursor = db.conn.execute(
        "INSERT INTO points_request_events (request_id, seq, state, note, by_id, nonce, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", [request_id, seq, state, note, by_id, nonce, at])
    return int(cursor.lastrowid)


def change(db: Database, request_id: int, state: str, *, seen_seq: int, by_id: int | None, now: float,
           note: str = "", nonce: str = "", files: Sequence[tuple[str, str, str, int]] = ()) -> int:
    """Move the request to `state` if it is still as the person saw it (`seen_seq`): the event's id.
    Rejected and cancelled release the hold, done debits it, and `files` ((filename, stored name, type,
    size), for done) are recorded, all in the same transaction. The same `nonce` again raises Duplicate
    with the first event's id. Stale when the request changed meanwhile or `state` does not follow its state."""
    if state == "rejected" and not note.strip():
        raise RequestError("a rejection needs a reason")
    if len(note) > NOTE_LIMIT or (files and state != "done"):
        raise RequestError("a note too long, or files with a state other than done")
    with write_transaction(db):
        done = db.execute("SELECT id, request_id FROM points_request_events WHERE nonce = ? AND nonce != ''",
                          [nonce]).fetchone()
        if done is not None:
            if done[1] != request_id:
                raise RequestError("the form's one-time value belongs to another request")
            raise Duplicate(int(done[0]))  # the same form again (a double click): one change
        current = get(db, request_id)
        if current is None:
            raise RequestError(f"no request {request_id}")
        if current.seq != seen_seq or state not in NEXT.get(current.state, ()):
            raise Stale(current.state)
        event_id = _insert_event(db, request_id, current.seq + 1, state, note=note, by_id=by_id, nonce=nonce, at=now)
        _settle(db, current, state, note=note, by_id=by_id, now=now)
        for filename, stored, content_type, size in files:
            db.conn.execute(
                "INSERT INTO points_request_files (request_id, event_id, filename, stored_name, content_type, size, "
                "at) VALUES (?, ?, ?, ?, ?, ?, ?)", [request_id, event_id, filename, stored, content_type, size, now])
    return event_id


def _settle(db: Database, current: PrivilegeRequest, state: str, *, note: str, by_id: int | None,
            now: float) -> None:
    reason = f"{current.privilege_name}: {note}" if note else current.privilege_name
    if state in ("rejected", "cancelled"):
        ledger.release(db, current.hold_id, reason=reason, by_id=by_id, now=now)
    elif state == "done":
        ledger.debit(db, current.hold_id, reason=current.privilege_name, by_id=by_id, now=now)


def get(db: Database, request_id: int) -> PrivilegeRequest | None:
    row = db.execute(_select("r.id = ?"), [request_id]).fetchone()
    return None if row is None else PrivilegeRequest(*row)


def for_company(db: Database, company_id: int, states: Sequence[str] = STATES, limit: int = 50,
                offset: int = 0) -> list[PrivilegeRequest]:
    """The company's requests in `states`, newest first."""
    marks = ", ".join("?" * len(states))
    rows = db.execute(_select(f"r.company_id = ? AND e.state IN ({marks})") + " LIMIT ? OFFSET ?",
                      [company_id, *states, limit, offset]).fetchall()
    return [PrivilegeRequest(*row) for row in rows]


def queue(db: Database, states: Sequence[str] = OPEN, company_id: int | None = None, limit: int = 50,
          offset: int = 0) -> list[PrivilegeRequest]:
    """Staff's list: requests in `states` (of one company, if given), newest first."""
    marks = ", ".join("?" * len(states))
    where, values = f"e.state IN ({marks})", list(states)
    if company_id is not None:
        where, values = where + " AND r.company_id = ?", [*values, company_id]
    rows = db.execute(_select(where) + " LIMIT ? OFFSET ?", [*values, limit, offset]).fetchall()
    return [PrivilegeRequest(*row) for row in rows]


def history(db: Database, request_id: int) -> list[Event]:
    """The request's events, oldest first, with who made each."""
    rows = db.execute(
        "SELECT e.id, e.request_id, e.seq, e.state, e.note, e.by_id, u.name, e.at FROM points_request_events e "
        "LEFT JOIN users u ON u.id = e.by_id WHERE e.request_id = ? ORDER BY e.seq", [request_id]).fetchall()
    return [Event(*row) for row in rows]


def files(db: Database, request_id: int) -> list[ResultFile]:
    rows = db.execute(
        "SELECT id, request_id, event_id, filename, stored_name, content_type, size, at FROM points_request_files "
        "WHERE request_id = ? ORDER BY id", [request_id]).fetchall()
    return [ResultFile(*row) for row in rows]


def get_file(db: Database, request_id: int, file_id: int) -> ResultFile | None:
    """The file `file_id` if it is one of request `request_id`'s (the caller checked the request)."""
    row = db.execute(
        "SELECT id, request_id, event_id, filename, stored_name, content_type, size, at FROM points_request_files "
        "WHERE id = ? AND request_id = ?", [file_id, request_id]).fetchone()
    return None if row is None else ResultFile(*row)


def company_activity(db: Database, company_id: int, limit: int) -> list[tuple[Event, PrivilegeRequest]]:
    """The company's request events, newest first (its timeline)."""
    rows = db.execute(
        "SELECT e.id, e.request_id, e.seq, e.state, e.note, e.by_id, u.name, e.at FROM points_request_events e "
        "JOIN points_requests r ON r.id = e.request_id LEFT JOIN users u ON u.id = e.by_id "
        "WHERE r.company_id = ? ORDER BY e.at DESC, e.id DESC LIMIT ?", [company_id, limit]).fetchall()
    found = {}
    events = [Event(*row) for row in rows]
    for event in events:
        if event.request_id not in found:
            found[event.request_id] = get(db, event.request_id)
    return [(event, found[event.request_id]) for event in events]


def personal_data(db: Database, user_id: int) -> dict[str, list]:
    """The requests this person made (their task texts), for their data download."""
    rows = db.execute(_select("r.requested_by = ?"), [user_id]).fetchall()
    return {"points_requests": [
        {"id": r.id, "company": r.company_name, "privilege": r.privilege_name, "cost": r.cost, "task": r.task,
         "state": r.state, "created_at": r.created_at} for r in (PrivilegeRequest(*row) for row in rows)]}
