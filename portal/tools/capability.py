"""Tools: the lumen-method and voltage-drop calculators (pure formulas in formulas.py), their pages and
JSON endpoints for members, and calculations saved under a project name."""

from __future__ import annotations

from portal.core.capability import CabinetCard, Capability, NavLink
from portal.tools import demo, pages, saved_pages, store
from portal.tools.migrations import MIGRATIONS
from portal.tools.words import WORDS

CAPABILITY = Capability(
    name="tools",
    routes=(*pages.ROUTES, *saved_pages.ROUTES),
    url_prefixes=("/tools/",),
    words=WORDS,
    migrations=MIGRATIONS,
    cabinet_cards=(CabinetCard("tools/_cabinet_tools.html", saved_pages.card, level="member", order=38),),
    nav_links=(NavLink("/tools/", "tools.nav", level="member", order=25),),
    personal_data=store.personal_data,
    on_start=(pages.open_catalogue,),
    on_demo=(demo.seed_demo_calculations,),
)
