"""Events: registration for the event pages the build publishes (site/events.json) — seats, the company
quota, the waiting list with offers of freed seats, calendar invitations and the letters that follow
(updates, the event called off, reminders, the letter after it), the personal calendar feed, the staff
pages with exports, check-in from a phone, certificates of attendance and the 0-10 question after it."""

from __future__ import annotations

from portal.core.capability import CabinetCard, Capability, Command, Job, MenuEntry
from portal.events import (
    after,
    cabinet,
    catalogue,
    certificate_pages,
    checkin,
    cli,
    demo,
    feed_pages,
    figures,
    followups,
    offers,
    pages,
    personal,
    rating_pages,
    staff_mail,
    staff_pages,
)
from portal.events.migrations import MIGRATIONS
from portal.events.timeline import company_timeline
from portal.events.words import WORDS

CAPABILITY = Capability(
    name="events",
    routes=(*cabinet.ROUTES, *feed_pages.ROUTES, *pages.ROUTES, *staff_pages.ROUTES, *staff_mail.ROUTES,
            *checkin.ROUTES, *certificate_pages.ROUTES, *rating_pages.ROUTES),
    url_prefixes=("/account/events/", "/staff/events/", "/certificates/"),
    words=WORDS,
    migrations=MIGRATIONS,
    commands=(Command("events", cli.add_parser, cli.run),),
    jobs=(Job("event offers", offers.offers_job), Job("event letters", followups.letters_job),
          Job("event certificates", after.after_job)),
    cabinet_cards=(CabinetCard("events/_cabinet_events.html", cabinet.card, level="registered", order=30),),
    staff_menu=(MenuEntry("/staff/events/", "events.staff.nav", staff_pages.EVENT_ROLES, order=25),),
    timeline=company_timeline,
    personal_data=personal.personal_data,
    on_start=(catalogue.open_catalogue,),
    on_demo=(demo.seed_demo_registrations,),
    dashboard_panels=(figures.PANEL,),
    health_columns=figures.HEALTH_COLUMNS,
)
