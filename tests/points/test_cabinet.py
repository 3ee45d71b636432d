"""`/account/points/` and the cabinet card: the company's balance for every member of it."""

import time

from portal.core.companies import set_representative
from portal.points import ledger
from tests.portal_fixtures import make_user, sign_in


def test_a_member_sees_the_company_balance_and_history(app, client, member, company):
    db = app.state.portal.db
    now = time.time()
    ledger.earn(db, company.id, 3680, reason="Закупки за сентябрь", source="accrual:2026-09", now=now,
                earned_at=now - 700 * 86400)
    ledger.hold(db, company.id, 1500, reason="Коммерческое предложение", source="request:1", by_id=None, now=now)
    response = client.get("/account/points/")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    text = response.text
    assert "2180" in text and "1500" in text and "Закупки за 2026-09" in text
    assert "Сгорит в ближайшие 90 дн." in text and "2180 баллов сгорят" in text
    assert "не назначен" in text
    assert "2180" in client.get("/account/").text  # the cabinet card


def test_the_representative_is_named_to_colleagues(app, client, member, company):
    db = app.state.portal.db
    colleague = make_user(db, "ivan@svet-montazh.ru", member=True, name="Иван Петров")
    set_representative(db, company.id, colleague.id, None)
    assert "Иван Петров" in client.get("/account/points/").text
    set_representative(db, company.id, member.user.id, None)
    assert "Вы — представитель" in client.get("/account/points/").text


def test_without_a_company_the_page_says_how_to_get_points(client, registered):
    response = client.get("/account/points/")
    assert response.status_code == 200 and "Укажите в профиле компанию и телефон" in response.text


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/account/points/", follow_redirects=False).status_code == 303


def test_history_pages(app, client, member, company):
    db = app.state.portal.db
    for index in range(55):
        ledger.earn(db, company.id, 1, reason=f"r{index}", source=f"s{index}", now=1000.0 + index)
    first = client.get("/account/points/").text
    assert "r54" in first and "<td>r4 " not in first and "page=2" in first
    assert "<td>r4 " in client.get("/account/points/?page=2").text
    assert client.get("/account/points/?page=x").status_code == 200


def test_english(app, client, member, company):
    db = app.state.portal.db
    user = make_user(db, "en@svet-montazh.ru", member=True)
    db.execute("UPDATE users SET language = 'en' WHERE id = ?", [user.id])
    sign_in(client, user.email)
    assert "Add your company and phone" not in client.get("/account/points/").text
    assert "Held for requests" in client.get("/account/points/").text
