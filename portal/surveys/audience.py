"""Whom a new wave asks: members (company and phone, confirmed, not suspended, not staff) narrowed by the
wave's audience, less those who opted out and those asked in the last `min_days` days by any wave.

Tiers come from points/api.py and attendance from events/api.py (declared APIs: capabilities never read
each other's tables). What a person is when asked (segment, region, tier, company size) is kept with the
wave (store.create_wave), so a report shows the wave as it was.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlite_utils import Database

from portal.events import api as events_api
from portal.points import api as points_api
from portal.surveys import store
from portal.surveys.model import Audience, Candidate

_MEMBERS = ("SELECT u.id, u.company_id, u.segment, u.region, (SELECT count(*) FROM users m "
            "WHERE m.company_id = u.company_id AND m.suspended_at IS NULL) FROM users u "
            "WHERE coalesce(u.role, '') = '' AND u.email_confirmed_at IS NOT NULL AND u.suspended_at IS NULL "
            "AND u.company_id IS NOT NULL AND coalesce(u.phone, '') != ''")
_FILTERS = {"segments": "u.segment", "regions": "u.region", "roles": "u.job_role"}


def members(db: Database, audience: Audience) -> list[tuple[int, int, str | None, str | None, int]]:
    """(user id, company id, segment, region, company size) of the members the lists allow."""
    sql, params = _MEMBERS, []
    for key, column in _FILTERS.items():
        values = getattr(audience, key)
        if values:
            sql += f" AND {column} IN (SELECT value FROM json_each(?))"  # noqa: S608 - a constant column
            params.append(json.dumps(values, ensure_ascii=False))
    return db.execute(sql + " ORDER BY u.id", params).fetchall()


def candidates(db: Database, club: Any, audience: Audience, now: float, min_days: int,
               today: date | None = None) -> list[Candidate]:
    """The people a wave with this audience would ask now."""
    rows = members(db, audience)
    if audience.event:
        present = events_api.attendees(db, audience.event)
        rows = [row for row in rows if row[0] in present]
    skip = store.recently_asked(db, now - min_days * 86400) | store.opted_out_users(db)
    rows = [row for row in rows if row[0] not in skip]
    tiers = points_api.company_tiers(db, club, {row[1] for row in rows}, today or date.fromtimestamp(now))
    found = [Candidate(user_id, company_id, segment, region, tiers.get(company_id), size)
             for user_id, company_id, segment, region, size in rows]
    return [person for person in found if not audience.tiers or person.tier in audience.tiers]
