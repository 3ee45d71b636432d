"""The cart: the one owner of `orders_cart`. One cart per person, a list being made (editable, not money
data): adding a SKU that is there already adds to its quantity; sending an order copies the lines and
empties the cart in the order's own transaction (store.create calls take_all)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.db import write_transaction

MAX_QUANTITY = 100_000  # pieces of one SKU; more is a typo (the column's CHECK agrees)
MAX_LINES = 200          # lines in one cart
SOURCE_LIMIT = 40


class CartFull(ValueError):
    """Adding would make the cart longer than MAX_LINES or a quantity larger than MAX_QUANTITY."""


@dataclass(frozen=True)
class CartLine:
    sku: str
    quantity: int
    source: str
    added_at: float


def lines(db: Database, user_id: int) -> list[CartLine]:
    rows = db.execute("SELECT sku, quantity, source, added_at FROM orders_cart WHERE user_id = ? "
                      "ORDER BY added_at, rowid", [user_id]).fetchall()
    return [CartLine(*row) for row in rows]


def count(db: Database, user_id: int) -> int:
    return int(db.execute("SELECT count(*) FROM orders_cart WHERE user_id = ?", [user_id]).fetchone()[0])


def add(db: Database, user_id: int, items: Iterable[tuple[str, int]], source: str = "",
        now: float | None = None) -> None:
    """Add each (sku, quantity); a SKU in the cart already gets the quantity added. All or nothing:
    CartFull (nothing written) when the cart would hold too many lines or too many pieces of one SKU."""
    now = time.time() if now is None else now
    with write_transaction(db):
        held = {line.sku: line.quantity for line in lines(db, user_id)}
        for sku, quantity in items:
            total = held.get(sku, 0) + quantity
            if total > MAX_QUANTITY or (sku not in held and len(held) >= MAX_LINES):
                raise CartFull(sku)
            db.conn.execute(
                "INSERT INTO orders_cart (user_id, sku, quantity, source, added_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (user_id, sku) DO UPDATE SET quantity = excluded.quantity",
                [user_id, sku, total, source[:SOURCE_LIMIT], now])
            held[sku] = total


def set_line(db: Database, user_id: int, sku: str, quantity: int, source: str = "", now: float | None = None) -> None:
    """The SKU's line holds `quantity` from now on (added if new): sending the same form twice is one change."""
    with write_transaction(db):
        if sku not in {line.sku for line in lines(db, user_id)} and count(db, user_id) >= MAX_LINES:
            raise CartFull(sku)
        db.conn.execute(
            "INSERT INTO orders_cart (user_id, sku, quantity, source, added_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id, sku) DO UPDATE SET quantity = excluded.quantity, source = excluded.source",
            [user_id, sku, quantity, source[:SOURCE_LIMIT], time.time() if now is None else now])


def set_quantities(db: Database, user_id: int, quantities: dict[str, int]) -> None:
    """New quantities for SKUs in the cart (0 removes the line); SKUs not in the cart are ignored."""
    with write_transaction(db):
        for sku, quantity in quantities.items():
            if quantity <= 0:
                db.conn.execute("DELETE FROM orders_cart WHERE user_id = ? AND sku = ?", [user_id, sku])
            else:
                db.conn.execute("UPDATE orders_cart SET quantity = ? WHERE user_id = ? AND sku = ?",
                                [min(quantity, MAX_QUANTITY), user_id, sku])


def remove(db: Database, user_id: int, sku: str) -> None:
    with write_transaction(db):
        db.conn.execute("DELETE FROM orders_cart WHERE user_id = ? AND sku = ?", [user_id, sku])


def take_all(db: Database, user_id: int) -> list[CartLine]:
    """Inside the caller's write transaction: the cart's lines, and the cart emptied."""
    found = lines(db, user_id)
    db.conn.execute("DELETE FROM orders_cart WHERE user_id = ?", [user_id])
    return found
