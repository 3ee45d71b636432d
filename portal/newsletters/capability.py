"""Segmented newsletters: the staff pages (queue, cancel, statistics), tracking and one-click
unsubscribe, the sending worker (`club worker`, and a thread in `club serve`), `club newsletter`."""

from __future__ import annotations

from portal.core.capability import Capability, Command, Job, MenuEntry
from portal.newsletters import cli, figures, personal, staff_pages, stats_pages, timeline, tracking, worker_cli
from portal.newsletters.migrations import MIGRATIONS
from portal.newsletters.queue import NEWSLETTER_ROLES
from portal.newsletters.words import WORDS

CAPABILITY = Capability(
    name="newsletters",
    routes=(*staff_pages.ROUTES, *stats_pages.ROUTES, *tracking.ROUTES),
    url_prefixes=("/staff/newsletters", "/_club/n/"),
    words=WORDS,
    migrations=MIGRATIONS,
    commands=(Command("newsletter", cli.add_parser, cli.run), Command("worker", worker_cli.add_parser, worker_cli.run)),
    jobs=(Job("newsletter worker", worker_cli.background_worker),),
    staff_menu=(MenuEntry("/staff/newsletters/", "nl.nav", NEWSLETTER_ROLES, order=30),),
    timeline=timeline.company_timeline,
    personal_data=personal.personal_data,
    dashboard_panels=figures.PANELS,
)
