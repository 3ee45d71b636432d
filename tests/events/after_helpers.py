"""Events that took place: a past event on the site, a person registered for it, checked in or not."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from portal.events import attendance, store
from portal.events.model import Registration
from tests.events.helpers import event, person, publish

ZONE = timezone(timedelta(hours=5))


def past_event(slug: str = "akademiya", hours_ago: float = 3, **changes):
    """An event that started `hours_ago` and ended an hour later; registration closed a day before it."""
    start = datetime.now(ZONE) - timedelta(hours=hours_ago)
    return event(slug, starts=start.isoformat(), ends=(start + timedelta(hours=1)).isoformat(),
                 register_until=(start - timedelta(days=1)).isoformat(), questions=(), **changes)


def attend(db, entry, user, present: bool | None = True) -> Registration:
    """Register `user` before the deadline and mark attendance (None: never marked)."""
    before = datetime.fromisoformat(entry.register_until).timestamp() - 3600
    row = store.register(db, entry, user, user, {}, before).registration
    if present is not None:
        attendance.mark(db, row, present, None, time.time())
    return row


def on_site(site, *entries) -> None:
    publish(site, *entries)


__all__ = ["attend", "on_site", "past_event", "person"]
