"""The company timeline hook: each change of its privilege requests, newest first (the staff company card
merges every capability's entries by time)."""

from __future__ import annotations

from sqlite_utils import Database

from portal.core.capability import TimelineEntry
from portal.points import requests


def company_timeline(db: Database, company_id: int, limit: int) -> list[TimelineEntry]:
    return [TimelineEntry(at=event.at, kind=f"timeline.points_request_{event.state}",
                          title=f"№{found.id} {found.privilege_name}", url=f"/staff/points/requests/{found.id}",
                          actor=event.by_name, detail=event.note)
            for event, found in requests.company_activity(db, company_id, limit)]
