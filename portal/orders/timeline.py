"""The company timeline hook: orders the company sent or answered, newest first."""

from __future__ import annotations

from sqlite_utils import Database

from portal.core.capability import TimelineEntry
from portal.orders import store


def company_timeline(db: Database, company_id: int, limit: int) -> list[TimelineEntry]:
    return [TimelineEntry(at=event.at, kind=f"orders.timeline.{event.state}", title=f"№{order.id} {order.company_name}"
                          + (f" → {event.distributor_name}" if event.distributor_name else ""),
                          url=f"/staff/orders/{order.id}", actor=event.by_name, detail=event.note[:200])
            for event, order in store.company_activity(db, company_id, limit)]
