"""Staff tools: /staff/members is for staff only; finding people, suspending and restoring membership."""

from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from portal.core import identity, passwords
from tests.portal_fixtures import BASE_URL, SECRET_TEXT, csrf_of, make_user, sign_in, submit


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch):
    """argon2id with test-sized parameters: the same code paths, a fraction of the time."""
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def staff(app):
    """A staff member signed in on a TestClient of their own."""
    make_user(app.state.portal.db, "olga@club.example", role="staff", name="Ольга Кураторова")
    with TestClient(app, base_url=BASE_URL) as staff_client:
        sign_in(staff_client, "olga@club.example")
        yield staff_client


def set_membership(staff, user_id, action, reason=""):
    return submit(staff, "/staff/members", "/staff/members", {"user": str(user_id), "action": action,
                                                              "reason": reason})


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/staff/members", follow_redirects=False)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/account/login" and parse_qs(location.query) == {"next": ["/staff/members"]}


def test_members_get_a_readable_403(member):
    response = member.client.get("/staff/members")
    assert response.status_code == 403 and response.headers["content-type"].startswith("text/html")
    assert "Доступ запрещён" in response.text and "для сотрудников клуба" in response.text
    assert member.email not in response.text


def test_members_cannot_suspend_anyone_even_with_a_valid_form_token(app, member):
    token = csrf_of(member.client.get("/account/").text)
    response = member.client.post("/staff/members", data={"csrf": token, "user": str(member.user.id),
                                                          "action": "suspend", "reason": "сам себя"})
    assert response.status_code == 403
    assert identity.get_user(app.state.portal.db, member.user.id).suspended_at is None


def test_staff_see_the_people_list(staff, member):
    response = staff.get("/staff/members")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert "Участники клуба" in response.text
    assert member.email in response.text and "ООО «Свет-Монтаж»" in response.text and "+79123456789" in response.text
    assert "olga@club.example" in response.text and "(staff)" in response.text


@pytest.mark.parametrize("query", ["svet-montazh", "Светлова", "светлова", "свет-монтаж", "СВЕТЛОВА"],
                         ids=["email", "name", "name-lower-case", "company-lower-case", "name-upper-case"])
def test_staff_can_search_by_name_email_or_company(app, staff, member, query):
    make_user(app.state.portal.db, "boris@example.ru", name="Борис Лампов")
    html = staff.get("/staff/members", params={"q": query}).text
    assert member.email in html and "boris@example.ru" not in html
    assert f'value="{query}"' in html


def test_search_wildcards_are_plain_characters(app, staff, member):
    assert member.email not in staff.get("/staff/members", params={"q": "%"}).text


def test_suspending_a_member_closes_members_pages_and_tells_them_why(app, staff, member):
    assert SECRET_TEXT in member.client.get("/analytics/report/").text
    response = set_membership(staff, member.user.id, "suspend", "Реклама конкурентов на форуме")
    assert response.status_code == 303 and response.headers["location"] == "/staff/members"
    assert member.client.get("/account/status").json()["level"] == "registered"
    page = member.client.get("/analytics/report/").text
    assert SECRET_TEXT not in page and "Участие приостановлено" in page
    assert "The whole brief" in member.client.get("/analytics/brief/").text  # still a registered reader
    cabinet = member.client.get("/account/").text
    assert "Участие приостановлено сотрудниками клуба: Реклама конкурентов на форуме" in cabinet
    assert "Возобновить" in staff.get("/staff/members").text


def test_restoring_brings_membership_back(app, staff, member):
    set_membership(staff, member.user.id, "suspend", "проверка")
    response = set_membership(staff, member.user.id, "unsuspend")
    assert response.status_code == 303
    assert member.client.get("/account/status").json()["level"] == "member"
    assert SECRET_TEXT in member.client.get("/analytics/report/").text
    assert "приостановлено" not in member.client.get("/account/").text


def test_suspend_without_the_form_token_is_refused(app, staff, member):
    response = staff.post("/staff/members", data={"user": str(member.user.id), "action": "suspend",
                                                  "reason": "x"})
    assert response.status_code == 403 and "Форма устарела" in response.text
    assert identity.get_user(app.state.portal.db, member.user.id).suspended_at is None


def test_a_broken_user_id_is_a_readable_400(staff):
    response = set_membership(staff, "not-a-number", "suspend")
    assert response.status_code == 400 and "Форма пришла повреждённой" in response.text


def test_an_empty_search_lists_everyone(app, staff, member):
    make_user(app.state.portal.db, "boris@example.ru", name="Борис Лампов")
    html = staff.get("/staff/members", params={"q": ""}).text
    assert member.email in html and "boris@example.ru" in html


@pytest.mark.parametrize("role", ["moderator", "editor"])
def test_moderators_and_editors_see_no_phones_and_no_category_settings(app, role):
    make_user(app.state.portal.db, f"{role}@club.example", role=role, name="Сотрудник Клуба")
    with TestClient(app, base_url=BASE_URL) as client:
        sign_in(client, f"{role}@club.example")
        assert client.get("/staff/members").status_code == 403
        assert client.get("/staff/forum").status_code == 403


def test_only_admins_change_forum_categories(staff):
    assert staff.get("/staff/forum").status_code == 403


def test_staff_cannot_suspend_someone_of_equal_or_higher_role(app, staff):
    db = app.state.portal.db
    admin = make_user(db, "boss@club.example", role="admin", name="Борис Главный")
    colleague = make_user(db, "petr@club.example", role="staff", name="Пётр Коллегин")
    for target in (admin, colleague):
        assert set_membership(staff, target.id, "suspend", "проверка").status_code == 403
        assert identity.get_user(db, target.id).suspended_at is None
    assert set_membership(staff, 999_999, "suspend", "никого").status_code == 404
