"""Staff: all orders with filters, overdue flags and response times (the median per distributor), the CSV
export with the formula guard, passing an order to another distributor, and the distributors' regions."""

import csv
import io
import time

import pytest

from portal.core.companies import find_or_create_company, set_details
from portal.orders import routing, store
from tests.orders.helpers import hidden, join, made, signed_in
from tests.portal_fixtures import make_user

LIST = "/staff/orders/"


@pytest.fixture
def staff(app, db):
    user = make_user(db, "olga@club.example", role="staff", name="Ольга Кураторова")
    with signed_in(app, user.email) as client:
        client.user = user
        yield client


@pytest.fixture
def second(db):
    firm = find_or_create_company(db, "=ООО «Второй опт»")
    set_details(db, firm.id, "distributors", "south", by_id=None)
    return firm.id


def test_the_list_filters_and_shows_response_times(db, parties, staff, second):
    sender, firm, dist, agent = parties
    now = time.time()
    answered = made(db, sender.id, firm, dist, now=now - 7200)
    store.change(db, answered, "accepted", seen_seq=1, by_id=agent.id, now=now - 3600)
    late = made(db, sender.id, firm, dist, nonce="l" * 16, now=now - 10 * 86400)
    club = made(db, sender.id, firm, None, nonce="c" * 16, now=now)
    page = staff.get(LIST)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "1 ч" in page.text and "просрочен" in page.text and "Сотрудники клуба" in page.text
    ids = lambda html: {n for n in (answered, late, club) if f'href="/staff/orders/{n}"' in html}  # noqa: E731
    assert ids(staff.get(LIST + "?overdue=1").text) == {late}
    assert ids(staff.get(LIST + "?distributor=0").text) == {club}
    assert ids(staff.get(f"{LIST}?distributor={dist}&state=accepted").text) == {answered}
    assert ids(staff.get(LIST + "?region=south").text) == set()
    for junk in ("?distributor=abc", "?state=<x>", "?region=" + "r" * 500, "?distributor=99999999999999999999999"):
        assert staff.get(LIST + junk).status_code == 200


def test_the_export_guards_formulas(db, parties, staff, second):
    sender, firm, _dist, _agent = parties
    order_id = made(db, sender.id, firm, second)
    response = staff.get(LIST + "export.csv")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Заказ", "Отправлен", "Компания"]
    assert rows[1][0] == str(order_id) and rows[1][4] == "'=ООО «Второй опт»"


def test_staff_pass_an_order_to_another_distributor(app, db, parties, staff, second, smtp):
    sender, firm, dist, _agent = parties
    other_agent, _ = join(db, "ivan@vtoroy.example", "=ООО «Второй опт»", name="Иван Второв")
    order_id = made(db, sender.id, firm, dist)
    page = staff.get(f"{LIST}{order_id}").text
    values = hidden(page, "csrf", "nonce", "seq")
    bad = staff.post(f"{LIST}{order_id}/pass", data={**values, "distributor": str(dist)})
    assert bad.status_code == 400 and "Выберите дистрибьютора" in bad.text
    done = staff.post(f"{LIST}{order_id}/pass", data={**values, "distributor": str(second)}, follow_redirects=False)
    again = staff.post(f"{LIST}{order_id}/pass", data={**values, "distributor": str(second)}, follow_redirects=False)
    assert done.status_code == again.status_code == 303
    assert store.get(db, order_id).distributor_id == second and len(store.history(db, order_id)) == 2
    letters = {r.recipients[0]: r.message for r in smtp.wait_for(2)}
    assert set(letters) == {sender.email, other_agent.email}
    assert [p.get_filename() for p in letters[other_agent.email].iter_attachments()] == [
        f"order-{order_id}.csv", f"order-{order_id}.xlsx"]
    stale = staff.post(f"{LIST}{order_id}/pass", data={**values, "nonce": "q" * 16, "distributor": str(dist)})
    assert stale.status_code == 409


def test_staff_pages_are_for_staff_only(app, parties):
    sender, firm, dist, _agent = parties
    order_id = made(app.state.portal.db, sender.id, firm, dist)
    with signed_in(app, sender.email) as client:
        for path in (LIST, LIST + "export.csv", f"{LIST}{order_id}", LIST + "distributors/"):
            assert client.get(path).status_code == 403, path
    assert staff_page_404(app, order_id + 5)


def staff_page_404(app, order_id: int) -> bool:
    user = make_user(app.state.portal.db, "admin2@club.example", role="admin")
    with signed_in(app, user.email) as client:
        return client.get(f"{LIST}{order_id}").status_code == 404


def test_staff_set_the_regions_a_distributor_serves(db, parties, staff, second):
    page = staff.get(LIST + "distributors/")
    assert page.status_code == 200 and "=ООО «Второй опт»" in page.text
    token = hidden(page.text, "csrf")["csrf"]
    wanted = {"csrf": token, "company": str(second), "region": ["south", "volga"]}
    done = staff.post(LIST + "distributors/", data=wanted, follow_redirects=False)
    assert done.status_code == 303 and routing.regions_of(db, second) == ("south", "volga")
    unknown = staff.post(LIST + "distributors/", data={"csrf": token, "company": str(second), "region": ["mars"]})
    assert unknown.status_code == 400 and "Неизвестный регион" in unknown.text
    _sender, firm, _dist, _agent = parties
    not_a_distributor = staff.post(LIST + "distributors/", data={"csrf": token, "company": str(firm), "region": []})
    assert not_a_distributor.status_code == 400 and routing.regions_of(db, firm) == ()
    assert staff.post(LIST + "distributors/", data={"company": str(second)}).status_code == 403
    assert "Ольга Кураторова" in staff.get(LIST + "distributors/").text  # who changed it, in the history
