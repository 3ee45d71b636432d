"""The companies' columns of the partner health table: the account manager and the last contact.

Read from `companies` through its owner (core.companies.contacts_and_managers), one query each for every company.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from portal.core.companies import contacts_and_managers
from portal.core.dashboard import HealthColumn
from portal.core.settings import Settings
from portal.web.context import club_of, club_zone


def managers(db: Database, settings: Settings, now: float) -> dict[int, str]:
    """Company -> its account manager's name (companies without one are missing: "—")."""
    return {company: name for company, _at, name in contacts_and_managers(db) if name}


def last_contacts(db: Database, settings: Settings, now: float) -> dict[int, str]:
    """Company -> the day of its latest contact of any kind (ISO, in the club's time zone)."""
    zone = club_zone(club_of(settings))
    return {company: datetime.fromtimestamp(at, zone).date().isoformat()
            for company, at, _name in contacts_and_managers(db) if at is not None}


# First in the table, right after name, segment and region (the page's own columns).
HEALTH_COLUMNS = (
    HealthColumn("manager", "companies.health.manager", managers, kind="text", better="", order=1),
    HealthColumn("last_contact", "companies.health.last_contact", last_contacts, kind="date", order=2),
)
