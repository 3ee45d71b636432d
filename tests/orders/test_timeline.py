"""Orders on the staff company card (both the sender's and the distributor's), in the person's data download,
and the distributor's cabinet card."""

import json
import time

from portal.orders import store
from portal.orders.timeline import company_timeline
from tests.orders.helpers import made, signed_in
from tests.portal_fixtures import make_user


def test_both_companies_see_the_order_on_their_timeline(app, db, parties):
    sender, firm, dist, agent = parties
    order_id = made(db, sender.id, firm, dist)
    store.change(db, order_id, "declined", seen_seq=1, by_id=agent.id, now=time.time() + 5, note="Нет на складе")
    for company in (firm, dist):
        entries = company_timeline(db, company, 10)
        assert [e.kind for e in entries] == ["orders.timeline.declined", "orders.timeline.sent"]
        assert entries[0].url == f"/staff/orders/{order_id}" and entries[0].detail == "Нет на складе"
    staff = make_user(db, "olga@club.example", role="staff")
    with signed_in(app, staff.email) as client:
        card = client.get(f"/staff/companies/{dist}").text
        assert "Заказ отклонён" in card and f"/staff/orders/{order_id}" in card


def test_the_data_download_holds_the_orders(app, db, parties):
    sender, firm, dist, _agent = parties
    made(db, sender.id, firm, dist)
    with signed_in(app, sender.email) as client:
        data = json.loads(client.get("/account/export").content)
    assert data["orders"][0]["lines"] == [{"sku": "TP2-30-840", "name": "Трековый светильник 30 Вт", "quantity": 5}]


def test_the_distributor_sees_what_waits_on_the_cabinet_card(app, db, parties):
    sender, firm, dist, agent = parties
    made(db, sender.id, firm, dist)
    with signed_in(app, agent.email) as client:
        card = client.get("/account/?lang=en").text
        assert "1 waiting for your answer" in card and "/orders/incoming/" in card
