"""Demo for `club serve --demo`: ЭлектроОпт Юг (the demo's distributor) serves the south, the centre, the
Volga and the North Caucasus, and four orders between the demo companies show each path: one accepted,
one with the distributor's question waiting for the buyer, one unanswered for days (overdue in the staff
list), one routed by staff from a region without a distributor and then declined. Only on a club with no
orders yet and a built catalogue; nothing is sent."""

from __future__ import annotations

import time
from datetime import date, timedelta

from sqlite_utils import Database

from portal.core.catalogue import catalogue_for
from portal.core.companies import find_company, get_company
from portal.core.identity import find_user_by_email
from portal.core.settings import Settings
from portal.orders import cart, routing, store

HOUR = 3600.0
DISTRIBUTOR = "ЭлектроОпт Юг"
SERVED = ("south", "central", "volga", "north_caucasus")
STAFF = "sergey@lior.example"
# sender e-mail, (product index, quantity)..., city, days to delivery, comment, hours ago sent
ORDERS = (
    ("anna@svet-montazh.example", ((0, 40), (1, 12)), "Москва", 21,
     "Объект — шоурум на Покровке, разгрузка с торца здания", 170),
    ("pavel@svet-montazh.example", ((2, 120), (3, 60)), "Тула", 30, "Нужна поставка двумя партиями", 50),
    ("nikolay@fonarev.example", ((1, 8),), "Самара", 14, "", 80),
    ("elena@proekt-lux.example", ((4, 25), (0, 6)), "Санкт-Петербург", 45,
     "Под проект школы в Приморском районе, нужны паспорта на светильники", 120),
)
# order index -> the moves after sending: (state, note, hours after sending, by: "distributor"/"sender"/"staff")
MOVES = {
    0: (("accepted", "", 3, "distributor"),),
    1: (("question", "Вторую партию отгружаем со склада в Ростове — устроит ли срок на неделю позже?", 5,
         "distributor"),),
    3: (("passed", "", 20, "staff"),
        ("declined", "На Северо-Западе не работаем: доставка выйдет дороже самих светильников", 26, "distributor")),
}


def seed_demo_orders(db: Database, settings: Settings) -> str | None:
    distributor = find_company(db, DISTRIBUTOR)
    products = catalogue_for(settings.site_dir).products()
    if distributor is None or len(products) < 3 or db.execute("SELECT count(*) FROM orders").fetchone()[0]:
        return None
    routing.set_regions(db, distributor.id, SERVED, by_id=None)
    agent = find_user_by_email(db, "maria@elopt-yug.example")
    staff = find_user_by_email(db, STAFF)
    now, made = time.time(), 0
    for index, (email, items, city, days, comment, hours_ago) in enumerate(ORDERS):
        sender = find_user_by_email(db, email)
        company = get_company(db, sender.company_id) if sender else None
        if sender is None or company is None:
            continue
        sent = now - hours_ago * HOUR
        cart.add(db, sender.id, [(products[i % len(products)].sku, quantity) for i, quantity in items], "catalogue",
                 now=sent)
        serves = company.region in SERVED
        order_id = store.create(
            db, user_id=sender.id, company_id=company.id, region=company.region or "",
            distributor_id=distributor.id if serves else None, city=city,
            wanted_on=(date.today() + timedelta(days=days)).isoformat(), comment=comment,
            names={p.sku: p.name for p in products}, nonce=f"demo-order-{index:02d}-{int(now)}", now=sent)
        for seq, (state, note, after, by) in enumerate(MOVES.get(index, ()), start=1):
            who = {"distributor": agent, "staff": staff, "sender": sender}[by]
            store.change(db, order_id, state, seen_seq=seq, by_id=who.id if who else None, now=sent + after * HOUR,
                         note=note, distributor_id=distributor.id if state == "passed" else None)
        made += 1
    return f"orders: {made} demo orders, {DISTRIBUTOR} serves {', '.join(SERVED)}"
