"""Points: a company's append-only ledger of points earned for purchases and spent on privileges."""

from __future__ import annotations

from portal.core.capability import Capability
from portal.points import catalogue, privilege_pages
from portal.points.migrations import MIGRATIONS
from portal.points.words import WORDS

CAPABILITY = Capability(
    name="points",
    words=WORDS,
    migrations=MIGRATIONS,
    routes=(*privilege_pages.ROUTES,),
    url_prefixes=("/account/points/",),
    on_start=(catalogue.open_catalogue,),
)
