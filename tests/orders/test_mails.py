"""The letters about orders: who gets which, each in their own language; a relay that is down loses no order."""

import time
from datetime import date, timedelta

from portal.core.identity import suspend_user
from portal.orders import cart, mails, store
from portal.web.context import build_portal
from tests.orders.helpers import form_of, join, made, signed_in
from tests.portal_fixtures import make_user, with_settings


def subjects(portal, order_id: int, kind: str, note: str = "") -> dict[str, str]:
    return {str(mail.to.addr_spec): mail.subject for mail in mails.letters(portal, order_id, kind, note)}


def test_each_change_reaches_the_other_side(app, db, parties):
    sender, firm, dist, agent = parties
    portal = app.state.portal
    order_id = made(db, sender.id, firm, dist)
    assert subjects(portal, order_id, "sent") == {
        sender.email: f"Заказ №{order_id} от ООО «Монтаж-Центр»: новый",
        agent.email: f"Order #{order_id} from ООО «Монтаж-Центр»: new"}
    store.change(db, order_id, "question", seen_seq=1, by_id=agent.id, now=time.time(), note="Какой цвет?")
    assert list(subjects(portal, order_id, "question", "Какой цвет?")) == [sender.email]
    assert list(subjects(portal, order_id, "answered", "Белый")) == [agent.email]
    [letter] = mails.letters(portal, order_id, "question", "Какой цвет?")
    assert "Какой цвет?" in letter.text and f"/orders/{order_id}/" in letter.text and not letter.attachments


def test_suspended_people_and_duplicates_are_skipped(app, db, parties):
    sender, firm, dist, agent = parties
    suspend_user(db, agent.id, "left the company")
    order_id = made(db, sender.id, firm, dist)
    assert list(subjects(app.state.portal, order_id, "sent")) == [sender.email]


def test_staff_get_the_overdue_letter_with_the_staff_link(app, db, parties):
    sender, firm, dist, _agent = parties
    staff = make_user(db, "olga@club.example", role="staff")
    order_id = made(db, sender.id, firm, dist)
    [letter] = mails.letters(app.state.portal, order_id, "overdue")
    assert letter.to.addr_spec == staff.email and f"/staff/orders/{order_id}" in letter.text
    assert "24" in mails.letters(app.state.portal, order_id, "overdue", hours=24)[0].text


def test_the_region_is_named_in_each_readers_language(app, db, parties):
    sender, firm, _dist, _agent = parties
    russian = make_user(db, "olga@club.example", role="staff")
    english, _ = join(db, "john@club.example", "Лиор", name="John Staff", role="staff", language="en")
    order_id = made(db, sender.id, firm, None)
    letters = {str(mail.to.addr_spec): mail.text for mail in mails.letters(app.state.portal, order_id, "sent")}
    assert "«Центральный ФО»" in letters[russian.email]
    assert '"Central Federal District"' in letters[english.email]  # issue 18: not the Russian name


def test_a_relay_that_is_down_loses_no_order(settings, catalogue):
    from starlette.testclient import TestClient

    from portal.app import create_app
    from tests.orders.helpers import distributor
    from tests.portal_fixtures import BASE_URL, sign_in

    down = with_settings(settings, smtp_url="smtp://127.0.0.1:9")  # nothing listens on the discard port
    application = create_app(down)
    db = application.state.portal.db
    sender, firm = join(db, "buyer@down.example", "ООО «Без почты»", segment="installers", region="central")
    dist = distributor(db)
    cart.add(db, sender.id, [("OL-36-840", 2)])
    try:
        with TestClient(application, base_url=BASE_URL) as client:
            sign_in(client, sender.email)
            values = form_of(client, "/orders/cart/send", "nonce")
            response = client.post("/orders/cart/send", data={
                **values, "distributor": str(dist), "city": "Тверь",
                "wanted_on": (date.today() + timedelta(days=3)).isoformat()}, follow_redirects=False)
            assert response.status_code == 303
            assert "Тверь" in client.get(response.headers["location"]).text
        assert store.for_company(db, firm.id)[0].state == "sent"
    finally:
        db.conn.close()


def test_the_pages_work_in_english(app, parties):
    sender, firm, dist, _agent = parties
    order_id = made(app.state.portal.db, sender.id, firm, dist)
    with signed_in(app, sender.email) as client:
        for path, text in (("/orders/cart/?lang=en", "Paste a list"), (f"/orders/{order_id}/?lang=en", "Sent"),
                           ("/orders/?lang=en", "Company orders"), ("/orders/cart/send?lang=en", "Send the order")):
            response = client.get(path)
            assert response.status_code == 200 and text in response.text, path
            assert "orders." not in response.text.replace("/orders/", ""), path  # no untranslated key


def test_letters_are_built_for_a_missing_order_as_none(app, catalogue):
    assert mails.letters(build_portal(app.state.portal.settings, app.state.portal.db, ()), 999, "sent") == []


def test_letters_that_did_not_go_are_sent_again_once(settings, db, parties, smtp):
    import asyncio

    from portal.orders import outbox, overdue

    sender, firm, dist, agent = parties
    order_id = made(db, sender.id, firm, dist)
    down = build_portal(with_settings(settings, smtp_url="smtp://127.0.0.1:9"), db, ())
    assert asyncio.run(mails.send(down, order_id, "sent")) == 0
    [letter] = outbox.pending(db, time.time() + 1, time.time())
    up = build_portal(settings, db, ())
    assert overdue.retry_letters(up, time.time()) == 0  # too fresh: the page's own try may still be running
    assert overdue.retry_letters(up, time.time() + overdue.RETRY_AFTER + 1) == 2
    assert {r.recipients[0] for r in smtp.wait_for(2)} == {sender.email, agent.email}
    assert overdue.retry_letters(up, time.time() + overdue.RETRY_AFTER + 2) == 0 and len(smtp.received) == 2
    assert outbox.delivered(db, letter.id) == {sender.email, agent.email}
    assert asyncio.run(mails.send(down, order_id, "sent")) == 0
    soon, late = time.time() + 10, time.time() + outbox.RETRY_HOURS * 3600 + 10
    assert len(outbox.pending(db, soon, soon)) == 1 and outbox.pending(db, late, late) == []  # given up at last


def test_people_of_the_distributor_without_a_phone_get_no_order(app, db, parties):
    from portal.core.identity import ProfileUpdate, update_profile

    sender, firm, dist, agent = parties
    update_profile(db, agent.id, ProfileUpdate(name=agent.name, company_id=dist, phone=None, language="en"))
    order_id = made(db, sender.id, firm, dist)
    assert list(subjects(app.state.portal, order_id, "sent")) == [sender.email]
