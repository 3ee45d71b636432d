"""Points: a company's append-only ledger of points earned for purchases and spent on privileges."""

from __future__ import annotations

from portal.core.capability import CabinetCard, Capability, Command, Job, MenuEntry
from portal.core.happenings import Attended
from portal.points import (
    activities,
    analytics_pages,
    cabinet,
    catalogue,
    cli,
    config,
    demo,
    effect_demo,
    effect_pages,
    effect_panel,
    effect_words,
    expiry,
    figures,
    ledger,
    privilege_pages,
    request_demo,
    request_pages,
    request_timeline,
    requests,
    schedule,
    staff_pages,
    staff_requests,
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
            *analytics_pages.ROUTES, *SCORECARD_ROUTES, *STAFF_SCORECARD_ROUTES, *request_pages.ROUTES,
            *staff_requests.ROUTES, *effect_pages.ROUTES),
    url_prefixes=("/account/points/", "/staff/points/"),
    words={**WORDS, **effect_words.WORDS},
    migrations=MIGRATIONS,
    commands=(Command("points", cli.add_parser, cli.run),),
    jobs=(Job("points expiry", expiry.expiry_job), Job("points accrual", schedule.accrual_job)),
    cabinet_cards=(CabinetCard("points/_cabinet_points.html", cabinet.card, level="registered", order=35),),
    staff_menu=(MenuEntry("/staff/points/", "points.staff.nav", staff_pages.POINTS_ROLES, order=27),
                MenuEntry(staff_requests.QUEUE, "points.requests.staff.nav", staff_pages.POINTS_ROLES, order=28),),
    # The staff's "done" form carries the result files: bodies up to CLUB_MAX_UPLOAD_BYTES there.
    upload_prefixes=(staff_requests.QUEUE,),
    timeline=request_timeline.company_timeline,
    personal_data=requests.personal_data,
    on_start=(ledger.configure, catalogue.open_catalogue, tiers.configure),
    on_demo=(demo.seed_demo_points, demo.seed_demo_scores, request_demo.seed_demo_requests,
             effect_demo.seed_demo_effect),
    config_checks=(config.check_points_config,),
    happening_handlers={Attended: activities.award_attendance},
    dashboard_panels=(figures.PANEL, effect_panel.PANEL),
    health_columns=figures.HEALTH_COLUMNS,
)
