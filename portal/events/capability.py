"""Events: registration for the event pages the build publishes (site/events.json) — seats, the company
quota, the waiting list with offers of freed seats, the cabinet's list, plain confirmation letters and
`club events` (issue 14, first slice: no .ics yet)."""

from __future__ import annotations

from portal.core.capability import CabinetCard, Capability, Command, Job
from portal.events import cabinet, catalogue, checkin, cli, feed_pages, followups, offers, pages, personal
from portal.events.migrations import MIGRATIONS
from portal.events.timeline import company_timeline
from portal.events.words import WORDS

CAPABILITY = Capability(
    name="events",
    routes=(*cabinet.ROUTES, *feed_pages.ROUTES, *pages.ROUTES, *checkin.ROUTES),
    url_prefixes=("/account/events/", "/staff/events/"),
    words=WORDS,
    migrations=MIGRATIONS,
    commands=(Command("events", cli.add_parser, cli.run),),
    jobs=(Job("event offers", offers.offers_job), Job("event letters", followups.letters_job)),
    cabinet_cards=(CabinetCard("events/_cabinet_events.html", cabinet.card, level="registered", order=30),),
    timeline=company_timeline,
    personal_data=personal.personal_data,
    on_start=(catalogue.open_catalogue,),
)
