"""Feedback: members write to the club (complaint, question, advice, idea) with files; they follow their
requests in the cabinet, staff answer them in the inbox; ideas collect support; the company timeline
and demo requests for the demo club (`club serve --demo`)."""

from __future__ import annotations

from portal.core.capability import CabinetCard, Capability, MenuEntry, NavLink
from portal.core.happenings import Detracted
from portal.feedback import cabinet, demo, detractors, figures, member_pages, personal, staff_actions, staff_pages
from portal.feedback.migrations import MIGRATIONS
from portal.feedback.model import STAFF_ROLES
from portal.feedback.timeline import company_timeline
from portal.feedback.words import WORDS

CAPABILITY = Capability(
    name="feedback",
    routes=(*member_pages.ROUTES, *cabinet.ROUTES, *staff_pages.ROUTES, *staff_actions.ROUTES),
    url_prefixes=("/feedback/", "/staff/feedback", "/account/requests"),
    words=WORDS,
    migrations=MIGRATIONS,
    upload_prefixes=("/feedback/",),  # the form with files: bodies up to CLUB_MAX_UPLOAD_BYTES
    cabinet_cards=(CabinetCard("feedback/_cabinet_feedback.html", cabinet.card, level="member", order=35),),
    nav_links=(NavLink("/feedback/new", "feedback.title", level="member", order=20),),
    staff_menu=(MenuEntry("/staff/feedback/", "feedback.inbox", STAFF_ROLES, order=35),),
    timeline=company_timeline,
    personal_data=personal.personal_data,
    on_demo=(demo.seed_demo_requests,),
    dashboard_panels=(figures.PANEL,),
    health_columns=figures.HEALTH_COLUMNS,
    # A detractor's survey answer opens a request for the company's account manager.
    happening_handlers={Detracted: detractors.open_request},
)
