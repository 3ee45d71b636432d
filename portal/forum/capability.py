"""The members' forum: categories, topics, replies, moderation, watching and the weekly digest,
search; categories for admins; `club forum digest|reindex`; demo conversations for the demo club."""

from __future__ import annotations

from portal.core.capability import CabinetCard, Capability, Command, MenuEntry, NavLink
from portal.forum import (
    admin,
    cli,
    demo,
    figures,
    file_pages,
    like_pages,
    moderation,
    pages,
    personal,
    solution_pages,
    watch,
)
from portal.forum.migrations import MIGRATIONS
from portal.forum.rules import MODERATOR_ROLES
from portal.forum.words import WORDS

CAPABILITY = Capability(
    name="forum",
    routes=(*pages.ROUTES, *like_pages.ROUTES, *solution_pages.ROUTES, *moderation.ROUTES, *watch.ROUTES,
            *admin.ROUTES, *file_pages.ROUTES),
    url_prefixes=("/forum", "/staff/forum"),
    upload_prefixes=("/forum/c/", "/forum/t/"),  # new topics and replies carry files: CLUB_MAX_UPLOAD_BYTES
    words=WORDS,
    migrations=MIGRATIONS,
    commands=(Command("forum", cli.add_parser, cli.run),),
    cabinet_cards=(CabinetCard("forum/_cabinet_forum.html", watch.digest_card, level="member", order=40),),
    nav_links=(NavLink("/forum/", "forum.title", level="registered", order=10),),
    staff_menu=(MenuEntry("/staff/forum", "forum.categories_admin", admin.CATEGORY_ROLES, order=20),
                MenuEntry("/forum/mod/flags", "forum.flags", MODERATOR_ROLES, header=False, order=41),
                MenuEntry("/forum/mod/ban", "forum.bans", MODERATOR_ROLES, header=False, order=42),
                MenuEntry("/forum/mod/log", "forum.mod_log", MODERATOR_ROLES, header=False, order=43)),
    personal_data=personal.personal_data,
    on_dev_start=(admin.seed_starter_categories,),
    on_demo=(demo.seed_demo_forum,),
    dashboard_panels=figures.PANELS,
)
