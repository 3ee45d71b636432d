"""Accounts: joining, confirming, signing in and out, password reset, external sign-in (OIDC), the
cabinet with the profile, newsletter settings, sessions and data; staff accounts and members import
on the command line."""

from __future__ import annotations

from portal.accounts import cabinet, cli, demo, figures, import_cli, oidc_pages, pages, password_reset
from portal.accounts.words import WORDS
from portal.core.capability import CabinetCard, Capability, Command

CAPABILITY = Capability(
    name="accounts",
    routes=(*pages.ROUTES, *password_reset.ROUTES, *cabinet.ROUTES, *oidc_pages.ROUTES),
    url_prefixes=("/account/",),
    words=WORDS,
    commands=(Command("user", cli.add_parser, cli.run), Command("members", import_cli.add_parser, import_cli.run)),
    cabinet_cards=(CabinetCard("_cabinet_profile.html", cabinet.profile_card, order=10),
                   CabinetCard("_cabinet_newsletters.html", cabinet.newsletters_card, order=30),
                   CabinetCard("_cabinet_sessions.html", cabinet.sessions_card, order=80),
                   CabinetCard("_cabinet_data.html", order=90)),
    on_start=(oidc_pages.start_client,),
    on_demo=(demo.seed_demo_people,),
    dashboard_panels=figures.PANELS,
)
