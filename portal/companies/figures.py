"""The companies' columns of the partner health table: the account manager and the last contact.

Read from `companies` through its owner (core.companies.roster), one query each for every company.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from portal.core.companies import roster
from portal.core.dashboard import HealthColumn
from portal.core.settings import Settings
from portal.web.context import club_zone, load_club_config


def managers(db: Database, settings: Settings, now: float) -> dict[int, str]:
    """Company -> its account manager's name (companies without one are missing: "—")."""
    return {row.id: row.manager for row in roster(db) if row.manager}


def last_contacts(db: Database, settings: Settings, now: float) -> dict[int, str]:
    """Company -> the day of its latest contact of any kind (ISO, in the club's time zone)."""
    zone = club_zone(load_club_config(settings.club_config))
    return {row.id: datetime.fromtimestamp(row.last_contact_at, zone).date().isoformat()
            for row in roster(db) if row.last_contact_at is not None}


# First in the table, right after name, segment and region (the page's own columns).
HEALTH_COLUMNS = (
    HealthColumn("manager", "companies.health.manager", managers, kind="text", better="", order=1),
    HealthColumn("last_contact", "companies.health.last_contact", last_contacts, kind="date", order=2),
)
