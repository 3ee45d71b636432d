"""Surveys: NPS waves — staff start one (an audience, the 0-10 question, "why"), the newsletter worker sends
its letter with signed score links, members answer on a page (or from a cabinet card), staff read the score
with its margin, breakdowns and trend; a detractor's answer opens a request for the account manager."""

from __future__ import annotations

from portal.core.capability import CabinetCard, Capability, Command, MenuEntry
from portal.surveys import answer_pages, cabinet, cli, config, dashboard, demo, staff_pages, store
from portal.surveys.migrations import MIGRATIONS
from portal.surveys.words import WORDS

CAPABILITY = Capability(
    name="surveys",
    routes=(*answer_pages.ROUTES, *staff_pages.ROUTES),
    url_prefixes=("/surveys/", "/account/surveys/", "/staff/surveys/"),
    words=WORDS,
    migrations=MIGRATIONS,
    commands=(Command("nps", cli.add_parser, cli.run),),
    cabinet_cards=(CabinetCard("surveys/_cabinet_survey.html", cabinet.card, level="member", order=15),),
    staff_menu=(MenuEntry("/staff/surveys/", "surveys.staff.nav", staff_pages.SURVEY_ROLES, order=40),),
    personal_data=store.personal_data,
    on_demo=(demo.seed_demo_surveys,),
    config_checks=(config.check_surveys_config,),
    dashboard_panels=(dashboard.PANEL,),
    health_columns=dashboard.HEALTH,
)
