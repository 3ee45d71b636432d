"""Points: a company's append-only ledger of points earned for purchases and spent on privileges."""

from __future__ import annotations

from portal.core.capability import CabinetCard, Capability, Command, Job, MenuEntry
from portal.points import (
    activities,
    analytics_pages,
    cabinet,
    catalogue,
    cli,
    config,
    demo,
    expiry,
    ledger,
    privilege_pages,
    schedule,
    staff_pages,
    tiers,
    unmatched_pages,
)
from portal.points.migrations import MIGRATIONS
from portal.points.scorecard_pages import ROUTES as SCORECARD_ROUTES  # the dealer scorecard (h-score)
from portal.points.staff_scorecard import ROUTES as STAFF_SCORECARD_ROUTES
from portal.points.words import WORDS

CAPABILITY = Capability(
    name="points",
    routes=(*cabinet.ROUTES, *privilege_pages.ROUTES, *unmatched_pages.ROUTES, *staff_pages.ROUTES,
            *analytics_pages.ROUTES, *SCORECARD_ROUTES, *STAFF_SCORECARD_ROUTES),
    url_prefixes=("/account/points/", "/staff/points/"),
    words=WORDS,
    migrations=MIGRATIONS,
    commands=(Command("points", cli.add_parser, cli.run),),
    jobs=(Job("points expiry", expiry.expiry_job), Job("points accrual", schedule.accrual_job)),
    cabinet_cards=(CabinetCard("points/_cabinet_points.html", cabinet.card, level="registered", order=35),),
    staff_menu=(MenuEntry("/staff/points/", "points.staff.nav", staff_pages.POINTS_ROLES, order=27),),
    on_start=(ledger.configure, catalogue.open_catalogue, activities.start, tiers.configure),
    on_demo=(demo.seed_demo_points, demo.seed_demo_scores),
    config_checks=(config.check_points_config,),
)
