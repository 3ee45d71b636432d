"""`/staff/points/`: find a company, grant or take points with a reason; refusals named, double submits one row."""

import re

from portal.core.companies import find_or_create_company
from portal.points import ledger
from tests.portal_fixtures import csrf_of


def nonce_of(html: str) -> str:
    return re.search(r'name="nonce" value="([^"]+)"', html).group(1)


def post(person, company_id: int, **data):
    page = person.client.get(f"/staff/points/{company_id}/").text
    form = {"csrf": csrf_of(page), "nonce": nonce_of(page), "direction": "grant", "amount": "", "reason": "", **data}
    return person.client.post(f"/staff/points/{company_id}/adjust", data=form, follow_redirects=False), form


def test_find_by_name_or_inn(app, manager):
    firm = find_or_create_company(app.state.portal.db, "ООО «Свет-Монтаж»", "7707083893")
    for query in ("свет монтаж", "7707083893", f"#{firm.id}"):
        response = manager.client.get("/staff/points/", params={"q": query}, follow_redirects=False)
        assert response.headers["location"] == f"/staff/points/{firm.id}/"
    assert "не найдена" in manager.client.get("/staff/points/", params={"q": "нет такой"}).text


def test_grant_then_take(app, manager):
    firm = find_or_create_company(app.state.portal.db, "ООО «Свет-Монтаж»")
    response, _ = post(manager, firm.id, amount="2000", reason="Награда года")
    assert response.status_code == 303
    response, _ = post(manager, firm.id, amount="500", reason="Ошибка", direction="take")
    assert response.status_code == 303
    page = manager.client.get(f"/staff/points/{firm.id}/").text
    assert "Награда года" in page and "Ольга Кураторова" in page
    assert ledger.balance(app.state.portal.db, firm.id, 0).available == 1500


def test_refusals_are_named_and_keep_the_input(app, manager):
    firm = find_or_create_company(app.state.portal.db, "ООО «Свет-Монтаж»")
    for amount in ("0", "-5", "abc", "1.5", ""):
        response, _ = post(manager, firm.id, amount=amount, reason="Повод")
        assert response.status_code == 400 and "целое число баллов" in response.text and "Повод" in response.text
    response, _ = post(manager, firm.id, amount="10")
    assert response.status_code == 400 and "Укажите основание" in response.text
    response, _ = post(manager, firm.id, amount="10", reason="Списание", direction="take")
    assert response.status_code == 409 and "доступно только 0" in response.text
    assert ledger.count(app.state.portal.db, firm.id) == 0


def test_a_double_submit_is_one_row(app, manager):
    firm = find_or_create_company(app.state.portal.db, "ООО «Свет-Монтаж»")
    response, form = post(manager, firm.id, amount="100", reason="Семинар")
    again = manager.client.post(f"/staff/points/{firm.id}/adjust", data=form, follow_redirects=False)
    assert response.status_code == again.status_code == 303
    assert ledger.count(app.state.portal.db, firm.id) == 1


def test_only_staff(app, client, member, company):
    assert client.get(f"/staff/points/{company.id}/").status_code == 403
    assert client.get("/staff/points/").status_code == 403


def test_unknown_company_is_404(manager):
    assert manager.client.get("/staff/points/999999/").status_code == 404


def test_without_csrf_nothing_is_written(app, manager):
    firm = find_or_create_company(app.state.portal.db, "ООО «Свет-Монтаж»")
    response = manager.client.post(f"/staff/points/{firm.id}/adjust", data={"amount": "5", "reason": "x",
                                                                            "direction": "grant", "nonce": "a" * 20})
    assert response.status_code in (400, 403) and ledger.count(app.state.portal.db, firm.id) == 0
