"""Staff: the staff home (`/staff/`: the tools the visitor's roles allow) and the members' directory."""

from __future__ import annotations

from portal.core.capability import Capability, MenuEntry
from portal.staff import health, home, members
from portal.staff.health_words import HEALTH_WORDS
from portal.staff.words import WORDS

CAPABILITY = Capability(
    name="staff",
    routes=(*home.ROUTES, *members.ROUTES, *health.ROUTES),
    url_prefixes=("/staff/",),
    words={**WORDS, **HEALTH_WORDS},
    staff_menu=(MenuEntry("/staff/members", "nav.staff", members.MEMBER_DATA_ROLES, order=10),
                MenuEntry(health.PATH, "health.nav", health.HEALTH_ROLES, order=6),),
)
