"""Real HTTP through several uvicorn workers on one SQLite file: two people of the distributor answer the same
order at the same moment (one change, the other told the order has changed), and the sender presses "send"
in two tabs at once (one order)."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest

from portal.core.db import connect
from portal.orders import cart, store
from tests.live_portal import live_portal, sign_in
from tests.orders.helpers import distributor, join, made, publish

pytestmark = pytest.mark.slow


@pytest.fixture
def env(settings) -> dict[str, str]:
    return {"CLUB_DATABASE": str(settings.database), "CLUB_SITE_DIR": str(settings.site_dir),
            "CLUB_BASE_URL": settings.base_url, "CLUB_SMTP_URL": settings.smtp_url or "",
            "CLUB_CONFIG": str(settings.club_config), "CLUB_SECRET_KEY": settings.secret_key}


def seed(settings) -> tuple[int, int, int]:
    publish(settings.site_dir)
    db = connect(settings.database)
    try:
        sender, firm = join(db, "buyer@race.example", "ООО «Гонка»", segment="installers", region="central")
        dist = distributor(db)
        for index in range(2):
            join(db, f"agent{index}@opt.example", "ООО «Опт-Свет»")
        return sender.id, firm.id, dist
    finally:
        db.conn.close()


def fields(html: str, *names: str) -> dict[str, str]:
    return {name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1) for name in names}


def at_once(clients, send) -> list:
    start = threading.Barrier(len(clients))

    def go(index: int):
        start.wait()
        return send(index)

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(go, range(len(clients))))


def test_two_distributor_people_answering_at_once_make_one_change(settings, env):
    sender_id, firm, dist = seed(settings)
    db = connect(settings.database)
    try:
        order_id = made(db, sender_id, firm, dist)
    finally:
        db.conn.close()
    page = f"/orders/{order_id}/"
    with live_portal(env, workers=2) as live:
        clients = [live.client() for _ in range(2)]
        try:
            forms = []
            for index, client in enumerate(clients):
                assert sign_in(client, f"agent{index}@opt.example").status_code == 303
                forms.append(fields(client.get(page).text, "csrf", "nonce", "seq"))
            actions = ({"action": "accept"}, {"action": "decline", "note": "Нет на складе"})
            responses = at_once(clients, lambda i: clients[i].post(f"{page}answer", data={**forms[i], **actions[i]}))
        finally:
            for client in clients:
                client.close()
    assert sorted(r.status_code for r in responses) == [303, 409]
    assert "уже изменился" in next(r for r in responses if r.status_code == 409).text
    db = connect(settings.database)
    try:
        assert len(store.history(db, order_id)) == 2
    finally:
        db.conn.close()


def test_send_pressed_in_two_tabs_is_one_order(settings, env):
    sender_id, firm, dist = seed(settings)
    db = connect(settings.database)
    try:
        cart.add(db, sender_id, [("TP2-30-840", 4)])
    finally:
        db.conn.close()
    wanted = (date.today() + timedelta(days=5)).isoformat()
    with live_portal(env, workers=3) as live:
        clients = [live.client() for _ in range(3)]
        try:
            forms = []
            for client in clients:
                assert sign_in(client, "buyer@race.example").status_code == 303
                forms.append(fields(client.get("/orders/cart/send").text, "csrf", "nonce"))
            data = [{**form, "distributor": str(dist), "city": "Тверь", "wanted_on": wanted} for form in forms]
            responses = at_once(clients, lambda i: clients[i].post("/orders/cart/send", data=data[i]))
        finally:
            for client in clients:
                client.close()
    # three tabs, three forms: the first takes the cart, the others find it empty (409), never a second order
    assert sorted(r.status_code for r in responses) == [303, 409, 409]
    db = connect(settings.database)
    try:
        assert len(store.for_company(db, firm)) == 1 and cart.lines(db, sender_id) == []
    finally:
        db.conn.close()
