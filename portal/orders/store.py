"""Orders to a distributor: the one owner of `orders`, `order_lines`, `order_events` and `order_overdue`.

An order is written with its lines (copied from the cart: name, SKU, quantity as they were) and its first
event in one write transaction, which also empties the sender's cart. Its state and its distributor are
those of its latest event (append-only, migration 25):

    sent | passed | answered → accepted | question | declined     (the distributor's people)
    question → answered                                           (the sender's company)
    sent | passed | question | answered | declined → passed       (staff: to another distributor)

A distributor of None means the club's staff route the order (no distributor served the region). Each
change checks the seq the person saw inside one BEGIN IMMEDIATE transaction: two people answering at once
make one change, the other gets Stale. The database refuses the rest (an illegal next state, edits).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.db import write_transaction
from portal.orders import cart

STATES = ("sent", "accepted", "question", "answered", "declined", "passed")
WAITING = ("sent", "passed", "answered")  # the distributor's turn
DISTRIBUTOR_MOVES = ("accepted", "question", "declined")
NEXT: dict[str, tuple[str, ...]] = {
    "sent": ("accepted", "question", "declined", "passed"), "passed": ("accepted", "question", "declined", "passed"),
    "question": ("answered", "declined", "passed"), "answered": ("accepted", "question", "declined", "passed"),
    "declined": ("passed",)}
NOTE_LIMIT = 2000
COMMENT_LIMIT = 2000
CITY_LIMIT = 100
_LATEST = ("JOIN order_events e ON e.order_id = o.id AND e.seq = "
           "(SELECT max(seq) FROM order_events WHERE order_id = o.id)")
_EVENTS = ("SELECT e.id, e.order_id, e.seq, e.state, e.distributor_id, d.name, e.note, e.by_id, u.name, e.at "
           "FROM order_events e LEFT JOIN companies d ON d.id = e.distributor_id LEFT JOIN users u ON u.id = e.by_id")
_COLUMNS = ("o.id, o.company_id, c.name, o.sent_by, u.name, o.region, o.city, o.wanted_on, o.comment, o.sent_at, "
            "e.state, e.seq, e.at, e.distributor_id, d.name")


class OrderError(ValueError):
    """A change the store refuses."""


class Stale(OrderError):  # noqa: N818 (callers show it as "the order has changed")
    def __init__(self, state: str) -> None:
        super().__init__(f"the order is {state} now")
        self.state = state


class Duplicate(OrderError):  # noqa: N818 (a form sent twice: what the first submit made)
    def __init__(self, made: int) -> None:
        super().__init__(f"sent already: {made}")
        self.made = made


class EmptyCart(OrderError):
    """Nothing to send."""


@dataclass(frozen=True)
class Order:
    id: int
    company_id: int
    company_name: str
    sent_by: int
    sent_by_name: str | None
    region: str
    city: str
    wanted_on: str
    comment: str
    sent_at: float
    state: str
    seq: int
    changed_at: float
    distributor_id: int | None
    distributor_name: str | None


@dataclass(frozen=True)
class Line:
    position: int
    sku: str
    name: str
    quantity: int
    source: str


@dataclass(frozen=True)
class Event:
    id: int
    order_id: int
    seq: int
    state: str
    distributor_id: int | None
    distributor_name: str | None
    note: str
    by_id: int | None
    by_name: str | None
    at: float


@dataclass(frozen=True)
class Filters:
    distributor_id: int | None = None
    region: str = ""
    state: str = ""


def _select(where: str, order: str = "o.id DESC") -> str:
    """The order query with the callers' fixed conditions (values always go as parameters)."""
    return (f"SELECT {_COLUMNS} FROM orders o {_LATEST} JOIN companies c ON c.id = o.company_id "  # noqa: S608
            f"LEFT JOIN companies d ON d.id = e.distributor_id LEFT JOIN users u ON u.id = o.sent_by "
            f"WHERE {where} ORDER BY {order}")


def create(db: Database, *, user_id: int, company_id: int, region: str, distributor_id: int | None, city: str,
           wanted_on: str, comment: str, names: dict[str, str], nonce: str, now: float) -> int:
    """The new order's id: the order, its lines (the sender's cart, named by `names`: SKU -> product name)
    and its first event in one transaction, the cart emptied. The same nonce again raises Duplicate with
    the first order's id; an empty cart raises EmptyCart; nothing is written in either case."""
    if not city.strip() or len(city) > CITY_LIMIT or len(comment) > COMMENT_LIMIT:
        raise OrderError("a city of 1 to CITY_LIMIT characters and a comment of at most COMMENT_LIMIT")
    with write_transaction(db):
        done = db.execute("SELECT id, sent_by FROM orders WHERE nonce = ?", [nonce]).fetchone()
        if done is not None:
            if done[1] != user_id:
                raise OrderError("the form's one-time value belongs to another person")
            raise Duplicate(int(done[0]))
        taken = cart.take_all(db, user_id)
        if not taken:
            raise EmptyCart("the cart is empty")
        cursor = db.conn.execute(
            "INSERT INTO orders (company_id, sent_by, region, city, wanted_on, comment, nonce, sent_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [company_id, user_id, region, city, wanted_on, comment, nonce, now])
        order_id = int(cursor.lastrowid)
        for position, line in enumerate(taken, start=1):
            db.conn.execute("INSERT INTO order_lines (order_id, position, sku, name, quantity, source) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            [order_id, position, line.sku, names.get(line.sku, line.sku), line.quantity, line.source])
        _insert_event(db, order_id, 1, "sent", distributor_id, note="", by_id=user_id, nonce="", at=now)
    return order_id


def _insert_event(db: Database, order_id: int, seq: int, state: str, distributor_id: int | None, *, note: str,
                  by_id: int | None, nonce: str, at: float) -> int:
    cursor = db.conn.execute(
        "INSERT INTO order_events (order_id, seq, state, distributor_id, note, by_id, nonce, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [order_id, seq, state, distributor_id, note, by_id, nonce, at])
    return int(cursor.lastrowid)


def change(db: Database, order_id: int, state: str, *, seen_seq: int, by_id: int | None, now: float,
           note: str = "", nonce: str = "", distributor_id: int | None = None) -> int:
    """Move the order to `state` if it is still as the person saw it: the new event's id. `passed` names
    the new distributor; the other states keep the current one. Duplicate for a nonce used already, Stale
    when the order changed meanwhile or `state` does not follow its state."""
    if state in ("declined", "question", "answered") and not note.strip():
        raise OrderError("a decline, a question and an answer need a text")
    if len(note) > NOTE_LIMIT or (state == "passed" and distributor_id is None):
        raise OrderError("a note too long, or a pass without a distributor")
    with write_transaction(db):
        done = db.execute("SELECT id, order_id FROM order_events WHERE nonce = ? AND nonce != ''", [nonce]).fetchone()
        if done is not None:
            if done[1] != order_id:
                raise OrderError("the form's one-time value belongs to another order")
            raise Duplicate(int(done[0]))
        current = get(db, order_id)
        if current is None:
            raise OrderError(f"no order {order_id}")
        if current.seq != seen_seq or state not in NEXT.get(current.state, ()):
            raise Stale(current.state)
        if state == "passed" and distributor_id == current.distributor_id:
            raise OrderError("passed to the distributor it has already")
        target = distributor_id if state == "passed" else current.distributor_id
        return _insert_event(db, order_id, current.seq + 1, state, target, note=note, by_id=by_id, nonce=nonce,
                             at=now)


def get(db: Database, order_id: int) -> Order | None:
    row = db.execute(_select("o.id = ?"), [order_id]).fetchone()
    return None if row is None else Order(*row)


def lines(db: Database, order_id: int) -> list[Line]:
    rows = db.execute("SELECT position, sku, name, quantity, source FROM order_lines WHERE order_id = ? "
                      "ORDER BY position", [order_id]).fetchall()
    return [Line(*row) for row in rows]


def history(db: Database, order_id: int) -> list[Event]:
    """The order's events, oldest first, with who made each and the distributor after it."""
    rows = db.execute(f"{_EVENTS} WHERE e.order_id = ? ORDER BY e.seq", [order_id]).fetchall()  # noqa: S608
    return [Event(*row) for row in rows]


def for_company(db: Database, company_id: int, limit: int = 50, offset: int = 0) -> list[Order]:
    """The orders the company sent, newest first."""
    rows = db.execute(_select("o.company_id = ?") + " LIMIT ? OFFSET ?", [company_id, limit, offset]).fetchall()
    return [Order(*row) for row in rows]


def incoming(db: Database, distributor_id: int, limit: int = 50, offset: int = 0) -> list[Order]:
    """The orders assigned to the distributor now, newest first (one passed on to another is not)."""
    rows = db.execute(_select("e.distributor_id = ?") + " LIMIT ? OFFSET ?",
                      [distributor_id, limit, offset]).fetchall()
    return [Order(*row) for row in rows]


def search(db: Database, filters: Filters, limit: int = 500, offset: int = 0) -> list[Order]:
    """Staff's list, newest first: by distributor (0: the club's staff route it), region and state."""
    where, values = ["1 = 1"], []
    if filters.distributor_id == 0:
        where.append("e.distributor_id IS NULL")
    elif filters.distributor_id is not None:
        where, values = [*where, "e.distributor_id = ?"], [*values, filters.distributor_id]
    for column, value in (("o.region", filters.region), ("e.state", filters.state)):
        if value:
            where, values = [*where, f"{column} = ?"], [*values, value]
    rows = db.execute(_select(" AND ".join(where)) + " LIMIT ? OFFSET ?", [*values, limit, offset]).fetchall()
    return [Order(*row) for row in rows]


def first_answers(db: Database, order_ids: Sequence[int]) -> dict[int, float]:
    """order id -> when a distributor first answered it (accepted, asked or declined)."""
    if not order_ids:
        return {}
    marks = ", ".join("?" * len(order_ids))
    rows = db.execute(f"SELECT order_id, min(at) FROM order_events WHERE state IN ('accepted', 'question', "  # noqa: S608
                      f"'declined') AND order_id IN ({marks}) GROUP BY order_id", list(order_ids)).fetchall()
    return {order_id: at for order_id, at in rows}


def waiting_since(db: Database, before: float) -> list[tuple[Event, Order]]:
    """Orders waiting for their distributor (sent, passed or answered) since before `before`: (the event
    they wait since, the order)."""
    rows = db.execute(
        f"SELECT o.id FROM orders o {_LATEST} WHERE e.state IN ('sent', 'passed', 'answered') AND e.at < ? "  # noqa: S608
        "ORDER BY o.id", [before]).fetchall()
    found = []
    for (order_id,) in rows:
        order = get(db, order_id)
        if order is not None:
            found.append((history(db, order_id)[-1], order))
    return found


def claim_overdue(db: Database, event: Event, now: float) -> bool:
    """True once per waiting event, for whoever asks first (the overdue letter goes once)."""
    cursor = db.execute("INSERT OR IGNORE INTO order_overdue (event_id, order_id, at) VALUES (?, ?, ?)",
                        [event.id, event.order_id, now])
    return cursor.rowcount == 1


def company_activity(db: Database, company_id: int, limit: int) -> list[tuple[Event, Order]]:
    """Events of orders the company sent or was assigned, newest first (its timeline)."""
    rows = db.execute(
        f"{_EVENTS} JOIN orders o ON o.id = e.order_id WHERE o.company_id = ? OR e.distributor_id = ? "  # noqa: S608
        "ORDER BY e.at DESC, e.id DESC LIMIT ?", [company_id, company_id, limit]).fetchall()
    orders: dict[int, Order | None] = {}
    found = []
    for event in (Event(*row) for row in rows):
        if event.order_id not in orders:
            orders[event.order_id] = get(db, event.order_id)
        if orders[event.order_id] is not None:
            found.append((event, orders[event.order_id]))
    return found


def personal_data(db: Database, user_id: int) -> dict[str, list]:
    """The orders this person sent and the answers and questions they wrote, for their data download."""
    sent = [Order(*row) for row in db.execute(_select("o.sent_by = ?"), [user_id]).fetchall()]
    notes = db.execute("SELECT order_id, state, note, at FROM order_events WHERE by_id = ? AND note != '' "
                       "ORDER BY id", [user_id]).fetchall()
    return {"orders": [{"id": o.id, "company": o.company_name, "city": o.city, "wanted_on": o.wanted_on,
                        "comment": o.comment, "state": o.state, "sent_at": o.sent_at,
                        "lines": [{"sku": x.sku, "name": x.name, "quantity": x.quantity} for x in lines(db, o.id)]}
                       for o in sent],
            "order_notes": [{"order": n[0], "state": n[1], "text": n[2], "at": n[3]} for n in notes]}
