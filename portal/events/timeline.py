"""The company timeline hook: its people's event registrations, newest first."""

from __future__ import annotations

from sqlite_utils import Database

from portal.core.capability import TimelineEntry
from portal.events import store


def company_timeline(db: Database, company_id: int, limit: int) -> list[TimelineEntry]:
    return [TimelineEntry(at=row.created_at, kind="timeline.event_registration", title=row.event,
                          actor=row.user_name or None, detail=row.status)
            for row in store.company_activity(db, company_id, limit)]
