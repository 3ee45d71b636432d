"""Staff: the staff home (`/staff/`: the tools the visitor's roles allow) and the members' directory."""

from __future__ import annotations

from portal.core.capability import Capability, MenuEntry
from portal.staff import home, members
from portal.staff.migrations import MIGRATIONS
from portal.staff.words import WORDS

CAPABILITY = Capability(
    name="staff",
    routes=(*home.ROUTES, *members.ROUTES),
    url_prefixes=("/staff/",),
    words=WORDS,
    migrations=MIGRATIONS,
    staff_menu=(MenuEntry("/staff/members", "nav.staff", members.MEMBER_DATA_ROLES, order=10),),
)
