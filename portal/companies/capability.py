"""Partner companies: the company page in the cabinet, the staff directory with its CSV, the company
card (people, representative, account manager, contact schedule, the timeline every capability
adds to), and `club companies list|show|merge|representative`."""

from __future__ import annotations

from portal.companies import cabinet, card, cli, demo, figures, staff_pages
from portal.companies.migrations import MIGRATIONS
from portal.companies.words import WORDS
from portal.core.capability import CabinetCard, Capability, Command, MenuEntry

CAPABILITY = Capability(
    name="companies",
    routes=(*cabinet.ROUTES, *staff_pages.ROUTES),
    url_prefixes=("/account/company", "/staff/companies"),
    words=WORDS,
    migrations=MIGRATIONS,
    commands=(Command("companies", cli.add_parser, cli.run),),
    cabinet_cards=(CabinetCard("companies/_cabinet_company.html", cabinet.my_company, level="member", order=15),),
    staff_menu=(MenuEntry("/staff/companies/", "companies.nav", staff_pages.COMPANY_ROLES, order=5),),
    timeline=card.company_timeline,
    on_demo=(demo.seed_demo_companies,),
    health_columns=figures.HEALTH_COLUMNS,
)
