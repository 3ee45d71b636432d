"""The company timeline hook: its requests and the club's replies, newest first (the staff company card
merges every capability's entries by time)."""

from __future__ import annotations

from sqlite_utils import Database

from portal.core.capability import TimelineEntry
from portal.feedback import store

KINDS = {"request": "timeline.feedback_request", "reply": "timeline.feedback_reply"}


def company_timeline(db: Database, company_id: int, limit: int) -> list[TimelineEntry]:
    return [TimelineEntry(at=at, kind=KINDS[kind], title=f"№{request_id} {subject}",
                          url=f"/staff/feedback/{request_id}", actor=who)
            for kind, at, request_id, subject, who in store.company_activity(db, company_id, limit)]
