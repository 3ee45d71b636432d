"""Staff: the staff home (`/staff/`: the dashboard of every capability's panels and the tools the visitor's roles
allow), its downloads and lookups (migration 32), and the members' directory."""

from __future__ import annotations

from portal.core.capability import Capability, MenuEntry
from portal.staff import health, home, members
from portal.staff.health_words import HEALTH_WORDS
from portal.staff.migrations import MIGRATIONS
from portal.staff.words import WORDS

CAPABILITY = Capability(
    name="staff",
    routes=(*home.ROUTES, *members.ROUTES, *health.ROUTES),
    url_prefixes=("/staff/",),
    words={**WORDS, **HEALTH_WORDS},
    migrations=MIGRATIONS,
    on_start=(home.warm_up,),
    staff_menu=(MenuEntry("/staff/members", "nav.staff", members.MEMBER_DATA_ROLES, order=10),
                MenuEntry(health.PATH, "health.nav", health.HEALTH_ROLES, order=6),),
)
