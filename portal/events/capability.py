"""Events: registration for the event pages the build publishes (site/events.json) — seats, the company
quota, the waiting list with offers of freed seats, the cabinet's list, plain confirmation letters and
`club events` (issue 14, first slice: no .ics yet)."""

from __future__ import annotations

from portal.core.capability import CabinetCard, Capability, Command, Job, MenuEntry
from portal.events import cabinet, catalogue, cli, offers, pages, personal, staff_mail, staff_pages
from portal.events.migrations import MIGRATIONS
from portal.events.timeline import company_timeline
from portal.events.words import WORDS

CAPABILITY = Capability(
    name="events",
    routes=(*cabinet.ROUTES, *pages.ROUTES, *staff_pages.ROUTES, *staff_mail.ROUTES),
    url_prefixes=("/account/events/", "/staff/events/"),
    words=WORDS,
    migrations=MIGRATIONS,
    commands=(Command("events", cli.add_parser, cli.run),),
    jobs=(Job("event offers", offers.offers_job),),
    cabinet_cards=(CabinetCard("events/_cabinet_events.html", cabinet.card, level="registered", order=30),),
    staff_menu=(MenuEntry("/staff/events/", "events.staff.nav", staff_pages.EVENT_ROLES, order=25),),
    timeline=company_timeline,
    personal_data=personal.personal_data,
    on_start=(catalogue.open_catalogue,),
)
