"""What staff see of orders, computed from the store's rows: whether an order is overdue, its response
time (first answer − sent) and the median response time per distributor. Pure functions over rows and the
club's settings (no web)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from portal.orders import store, terms
from portal.orders.store import Order


@dataclass(frozen=True)
class Row:
    order: Order
    overdue: bool
    response_seconds: float | None  # first answer − sent; None while unanswered


def rows(orders: Sequence[Order], answers: dict[int, float], now: float, hours: int, zone: ZoneInfo) -> list[Row]:
    return [Row(order, order.state in store.WAITING and terms.is_overdue(order.changed_at, now, hours, zone),
                answers[order.id] - order.sent_at if order.id in answers else None) for order in orders]


def medians(found: Sequence[Row]) -> list[tuple[str, float, int]]:
    """(distributor name, median response seconds, answered orders) per distributor, by name."""
    by_name: dict[str, list[float]] = {}
    for row in found:
        if row.response_seconds is not None and row.order.distributor_name:
            by_name.setdefault(row.order.distributor_name, []).append(row.response_seconds)
    return [(name, statistics.median(times), len(times)) for name, times in sorted(by_name.items())]


def duration(seconds: float | None, language: str) -> str:
    """"1 д 2 ч 5 мин" / "1 d 2 h 5 min"; "—" for none."""
    if seconds is None:
        return "—"
    minutes = int(round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    units = ("д", "ч", "мин") if language == "ru" else ("d", "h", "min")
    parts = [f"{value} {unit}" for value, unit in zip((days, hours, minutes), units, strict=True) if value]
    return " ".join(parts) or f"0 {units[2]}"
