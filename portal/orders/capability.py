"""Orders: a cart in the cabinet, orders sent to a distributor company serving the member's region, the
distributor's answer (accept, question, decline), overdue orders flagged to staff and passed on."""

from __future__ import annotations

from portal.core.capability import CabinetCard, Capability, Command, Job, MenuEntry, NavLink
from portal.orders import (
    cabinet,
    cart_pages,
    cli,
    demo,
    figures,
    order_pages,
    overdue,
    send_pages,
    staff_pages,
    store,
    terms,
    timeline,
)
from portal.orders.access import STAFF_ROLES
from portal.orders.migrations import MIGRATIONS
from portal.orders.words import WORDS

CAPABILITY = Capability(
    name="orders",
    routes=(*cart_pages.ROUTES, *send_pages.ROUTES, *order_pages.ROUTES, *staff_pages.ROUTES),
    url_prefixes=("/orders/", "/staff/orders/"),
    words=WORDS,
    migrations=MIGRATIONS,
    commands=(Command("orders", cli.add_parser, cli.run),),
    jobs=(Job("orders overdue", overdue.overdue_job),),
    cabinet_cards=(CabinetCard("orders/_cabinet_orders.html", cabinet.card, level="member", order=37),),
    staff_menu=(MenuEntry(staff_pages.LIST, "orders.staff.nav", STAFF_ROLES, order=29),),
    nav_links=(NavLink("/orders/", "orders.nav", level="member", order=60),),
    # The cart's CSV upload: bodies up to CLUB_MAX_UPLOAD_BYTES there.
    upload_prefixes=("/orders/cart/upload",),
    timeline=timeline.company_timeline,
    personal_data=store.personal_data,
    on_demo=(demo.seed_demo_orders,),
    config_checks=(terms.check_orders_config,),
    dashboard_panels=(figures.PANEL,),
)
