"""Events: registration for the event pages the build publishes (site/events.json) — seats, the company
quota, the waiting list with offers of freed seats, the cabinet's list, plain confirmation letters and
`club events` (issue 14, first slice: no .ics yet)."""

from __future__ import annotations

from portal.core.capability import CabinetCard, Capability, Command, Job
from portal.events import cabinet, catalogue, cli, demo, offers, pages, personal
from portal.events.migrations import MIGRATIONS
from portal.events.timeline import company_timeline
from portal.events.words import WORDS

CAPABILITY = Capability(
    name="events",
    routes=(*cabinet.ROUTES, *pages.ROUTES),
    url_prefixes=("/account/events/",),
    words=WORDS,
    migrations=MIGRATIONS,
    commands=(Command("events", cli.add_parser, cli.run),),
    jobs=(Job("event offers", offers.offers_job),),
    cabinet_cards=(CabinetCard("events/_cabinet_events.html", cabinet.card, level="registered", order=30),),
    timeline=company_timeline,
    personal_data=personal.personal_data,
    on_start=(catalogue.open_catalogue,),
    on_demo_club=(demo.seed_demo_registrations,),
)
