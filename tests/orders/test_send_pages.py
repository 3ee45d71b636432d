"""Sending the cart: a distributor of the member's region, the city, the date, the comment; the order is in
the cabinet at once and the distributor's people get it by mail with the lines as CSV and XLSX."""

import csv
import io
import time
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from portal.orders import cart, routing, store
from tests.orders.helpers import form_of, join, signed_in

SEND = "/orders/cart/send"


@pytest.fixture
def buyer(app, parties):
    sender, _firm, _dist, _agent = parties
    cart.add(app.state.portal.db, sender.id, [("TP2-30-840", 5), ("=CMD-1", 2)])
    with signed_in(app, sender.email) as client:
        yield client


def future(days: int = 10) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def send(client, **changes):
    values = form_of(client, SEND, "nonce")
    data = {**values, "distributor": "", "city": "Тверь", "wanted_on": future(), "comment": "Разгрузка с 9 до 18"}
    return client.post(SEND, data={**data, **changes}, follow_redirects=False)


def test_the_order_goes_to_the_distributor_with_the_lines_attached(app, db, parties, buyer, smtp):
    sender, firm, dist, agent = parties
    page = buyer.get(SEND)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "ООО «Опт-Свет»" in page.text and "не цена и не оплата" in page.text
    response = send(buyer, distributor=str(dist))
    assert response.status_code == 303
    order_id = int(response.headers["location"].split("/")[2])
    assert response.headers["location"] == f"/orders/{order_id}/?notice=sent"
    order = store.get(db, order_id)
    assert (order.city, order.distributor_id, order.region, order.comment) == ("Тверь", dist, "central",
                                                                             "Разгрузка с 9 до 18")
    assert cart.lines(db, sender.id) == []
    shown = buyer.get(response.headers["location"]).text
    assert "Заказ отправлен" in shown and "Трековый светильник 30 Вт" in shown and "Тверь" in shown
    received = {r.recipients[0]: r.message for r in smtp.wait_for(2)}
    assert set(received) == {sender.email, agent.email}
    to_agent = received[agent.email]
    assert "Order #" in str(to_agent["Subject"])  # the agent reads English
    parts = {part.get_filename(): part.get_payload(decode=True) for part in to_agent.iter_attachments()}
    rows = list(csv.reader(io.StringIO(parts[f"order-{order_id}.csv"].decode("utf-8-sig")), delimiter=";"))
    assert rows == [["No.", "SKU", "Product", "Quantity, pcs"], ["1", "TP2-30-840", "Трековый светильник 30 Вт", "5"],
                    ["2", "'=CMD-1", "'=HYPERLINK(\"http://x\")", "2"]]
    sheet = load_workbook(io.BytesIO(parts[f"order-{order_id}.xlsx"])).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()][1:] == [
        [1, "TP2-30-840", "Трековый светильник 30 Вт", 5], [2, "=CMD-1", "=HYPERLINK(\"http://x\")", 2]]
    assert sheet["B3"].data_type == "s"
    assert f"/orders/{order_id}/" in received[sender.email].get_body(("plain",)).get_content()


def test_a_double_submit_is_one_order(app, db, parties, buyer):
    _sender, firm, dist, _agent = parties
    values = form_of(buyer, SEND, "nonce")
    data = {**values, "distributor": str(dist), "city": "Тверь", "wanted_on": future(), "comment": ""}
    first = buyer.post(SEND, data=data, follow_redirects=False)
    second = buyer.post(SEND, data=data, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert len(store.for_company(db, firm)) == 1


@pytest.mark.parametrize(("changes", "field", "problem"), [
    ({"city": ""}, "city", "Укажите город доставки"),
    ({"city": "Г" * 101}, "city", "Не длиннее 100"),
    ({"wanted_on": "завтра"}, "wanted_on", "ГГГГ-ММ-ДД"),
    ({"wanted_on": "2026-02-30"}, "wanted_on", "ГГГГ-ММ-ДД"),
    ({"wanted_on": "2001-01-01"}, "wanted_on", "не может быть в прошлом"),
    ({"comment": "к" * 2001}, "comment", "не длиннее 2000"),
    ({"distributor": "abc"}, "distributor", "Выберите дистрибьютора"),
])
def test_bad_input_brings_the_form_back(db, parties, buyer, changes, field, problem):
    _sender, firm, dist, _agent = parties
    response = send(buyer, **{"distributor": str(dist), **changes})
    assert response.status_code == 400 and problem in response.text
    kept = changes.get("comment", "Разгрузка с 9 до 18")
    assert kept in response.text  # the input is kept
    assert store.for_company(db, firm) == []


def test_a_distributor_that_stopped_serving_the_region_is_409(db, parties, buyer):
    _sender, firm, dist, _agent = parties
    values = form_of(buyer, SEND, "nonce")
    routing.set_regions(db, dist, ("south",), by_id=None)
    response = buyer.post(SEND, data={**values, "distributor": str(dist), "city": "Тверь", "wanted_on": future()})
    assert response.status_code == 409 and "изменился" in response.text
    assert store.for_company(db, firm) == []


def test_an_emptied_cart_is_409(db, parties, buyer):
    sender, firm, dist, _agent = parties
    values = form_of(buyer, SEND, "nonce")
    cart.set_quantities(db, sender.id, {"TP2-30-840": 0, "=CMD-1": 0})
    response = buyer.post(SEND, data={**values, "distributor": str(dist), "city": "Тверь", "wanted_on": future()})
    assert response.status_code == 409 and "Корзина пуста" in response.text


def test_no_distributor_in_the_region_goes_to_the_club(app, db, parties, smtp):
    from tests.portal_fixtures import make_user

    staff = make_user(db, "olga@club.example", role="staff", name="Ольга Кураторова")
    far, firm = join(db, "far@vostok.example", "ООО «Восток»", segment="installers", region="far_east")
    cart.add(db, far.id, [("OL-36-840", 3)])
    with signed_in(app, far.email) as client:
        page = client.get(SEND).text
        assert "Дальневосточный ФО" in page and "сотрудники клуба" in page.lower()
        response = send(client, distributor="club")
    assert response.status_code == 303
    order = store.for_company(db, firm.id)[0]
    assert order.distributor_id is None and order.state == "sent"
    received = {r.recipients[0]: r.message for r in smtp.wait_for(2)}
    assert set(received) == {far.email, staff.email}
    assert "нужен дистрибьютор" in str(received[staff.email]["Subject"])


def test_a_member_without_a_company_is_told_what_to_do(app, db, catalogue):
    from portal.core.identity import ProfileUpdate, update_profile
    from tests.portal_fixtures import make_user

    user = make_user(db, "solo@example.ru")
    update_profile(db, user.id, ProfileUpdate(name=user.name, company_id=None, phone="+79120000009"))
    with signed_in(app, user.email) as client:
        assert client.get(SEND).status_code in (403,)


def test_sent_at_is_now(db, parties, buyer):
    _sender, firm, dist, _agent = parties
    before = time.time()
    assert send(buyer, distributor=str(dist)).status_code == 303
    assert store.for_company(db, firm)[0].sent_at >= before


def test_a_distributor_never_sends_to_itself(app, db, parties):
    _sender, _firm, dist, agent = parties
    cart.add(db, agent.id, [("OL-36-840", 1)])
    with signed_in(app, agent.email) as client:
        page = client.get(SEND).text
        assert f'<option value="{dist}"' not in page
        assert "No club distributor serves" in page
        assert send(client, distributor=str(dist)).status_code == 409
