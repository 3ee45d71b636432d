"""The personal cabinet: levels, profile, company records, newsletters, sessions, export, deletion."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher
from markupsafe import escape
from starlette.testclient import TestClient

from portal import accounts, passwords
from portal.companies import get_company

from .portal_fixtures import BASE_URL, PASSWORD, last_link, make_user, sign_in, submit

PROFILE = {"name": "Борис Лампов", "company": 'ООО "Свет-Монтаж"', "inn": "", "phone": "8 (912) 345-67-89",
           "position": "Главный инженер", "segment": "installers", "region": "ural",
           "topics": ["products", "analytics"], "language": "ru", "next": ""}


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch):
    """argon2id with test-sized parameters: the same code paths, a fraction of the time."""
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def save_profile(client, **changes):
    return submit(client, "/account/profile", "/account/profile", {**PROFILE, **changes})


def second_client(app, email, user_agent="Firefox-Laptop/1.0"):
    other = TestClient(app, base_url=BASE_URL, headers={"user-agent": user_agent})
    sign_in(other, email)
    return other


def user_of(app, email):
    return accounts.find_user_by_email(app.state.portal.db, email)


# --- the cabinet page and the level -------------------------------------------------------------


def test_cabinet_requires_sign_in_and_comes_back(client):
    response = client.get("/account/", follow_redirects=False)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/account/login" and parse_qs(location.query) == {"next": ["/account/"]}


def test_registered_reader_sees_the_level_and_the_way_to_membership(registered):
    html = registered.client.get("/account/").text
    assert re.search(r'p-level--registered">\s*Зарегистрирован\s*<', html)
    assert "Укажите компанию и телефон в профиле" in html
    assert "Участник клуба" not in html


def test_member_sees_the_member_level_without_the_hint(member):
    response = member.client.get("/account/")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert re.search(r'p-level--member">\s*Участник клуба\s*<', response.text)
    assert "Укажите компанию и телефон в профиле" not in response.text
    assert "+7 912 345-67-89" in response.text and "ООО «Свет-Монтаж»" in response.text


# --- profile ------------------------------------------------------------------------------------


def test_company_and_phone_make_a_member_and_the_phone_is_stored_as_e164(app, registered):
    response = save_profile(registered.client)
    assert response.status_code == 303 and response.headers["location"] == "/account/?notice=saved"
    assert registered.client.get("/account/status").json()["level"] == "member"
    user = user_of(app, registered.email)
    assert user.phone == "+79123456789"
    assert (user.segment, user.region, user.topics) == ("installers", "ural", ["products", "analytics"])
    assert "Сохранено." in registered.client.get(response.headers["location"]).text


def test_profile_page_shows_the_current_values(member):
    html = member.client.get("/account/profile").text
    assert f'value="{escape("ООО «Свет-Монтаж»")}"' in html and 'value="+7 912 345-67-89"' in html


def test_company_without_phone_does_not_make_a_member(registered):
    assert save_profile(registered.client, phone="").status_code == 303
    assert registered.client.get("/account/status").json()["level"] == "registered"


def assert_kept(html, sent, skip):
    for name in ("name", "company", "inn", "phone", "position"):  # the wrong value too, to be corrected
        assert f'value="{escape(sent[name])}"' in html, name
    for name in ("segment", "region"):
        if name != skip:  # an unknown choice cannot be shown as selected
            assert f'<option value="{sent[name]}" selected>' in html, name
    assert 'value="products" checked' in html


@pytest.mark.parametrize(("field", "value", "message"), [
    ("phone", "12-34", "Не удалось разобрать номер"),
    ("inn", "7707083894", "ИНН не сходится по контрольной сумме"),
    ("segment", "astronauts", "Выберите значение из списка"),
    ("region", "atlantis", "Выберите значение из списка"),
    ("topics", ["products", "gossip"], "Выберите значение из списка"),
], ids=["phone", "inn", "segment", "region", "topics"])
def test_bad_profile_input_is_a_400_naming_the_problem_and_keeping_the_input(app, registered, field, value, message):
    sent = {**PROFILE, "inn": "7707083893", field: value}
    response = save_profile(registered.client, **sent)
    assert response.status_code == 400
    assert message in response.text and "Проверьте выделенные поля." in response.text
    assert re.search(rf'p-field p-field--error">\s*(<label for="f-{field}"|<legend>)', response.text)
    assert_kept(response.text, sent, skip=field)
    user = user_of(app, registered.email)
    assert user.company_id is None and user.phone is None


def test_a_company_name_of_only_a_legal_form_is_refused(app, registered):
    for name in ("ООО", "«ИП»"):  # both reduce to an empty key; the second used to crash the portal
        response = save_profile(registered.client, company=name)
        assert response.status_code == 400 and "Укажите компанию" in response.text
    assert user_of(app, registered.email).company_id is None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:x"])
def test_next_after_saving_the_profile_stays_on_this_site(registered, target):
    page = registered.client.get("/account/profile", params={"next": target}).text
    assert "evil" not in page and "javascript:" not in page
    response = save_profile(registered.client, next=target)
    assert response.status_code == 303 and urlsplit(response.headers["location"]).path == "/account/"
    assert not urlsplit(response.headers["location"]).netloc


def test_next_after_saving_the_profile_returns_to_a_site_path(registered):
    page = registered.client.get("/account/profile?next=/analytics/report/").text
    assert 'name="next" value="/analytics/report/"' in page
    response = save_profile(registered.client, next="/analytics/report/")
    assert response.headers["location"] == "/analytics/report/"


def test_two_members_typing_the_company_differently_share_one_record(app, registered, db):
    make_user(db, "vera@example.ru", name="Вера Светова")
    with second_client(app, "vera@example.ru") as vera:
        assert save_profile(registered.client, company='ООО "Свет-Монтаж"').status_code == 303
        assert save_profile(vera, company="свет  монтаж", phone="+7 495 123-45-67").status_code == 303
    boris, vera_user = user_of(app, registered.email), user_of(app, "vera@example.ru")
    assert boris.company_id == vera_user.company_id is not None
    assert db.execute("SELECT count(*) FROM companies").fetchone()[0] == 1
    assert get_company(db, boris.company_id).name == 'ООО "Свет-Монтаж"'


def test_an_inn_given_later_is_attached_to_the_same_company(app, registered, db):
    make_user(db, "vera@example.ru", name="Вера Светова")
    assert save_profile(registered.client, company="ООО Люмен", inn="").status_code == 303
    first = user_of(app, registered.email).company_id
    with second_client(app, "vera@example.ru") as vera:
        assert save_profile(vera, company="Люмен", inn="7707 083 893").status_code == 303
    assert user_of(app, "vera@example.ru").company_id == first
    assert get_company(db, first).inn == "7707083893"
    assert 'value="7707083893"' in registered.client.get("/account/profile").text


# --- newsletters --------------------------------------------------------------------------------


def test_newsletter_choices_are_saved_and_unknown_lists_ignored(app, member):
    response = submit(member.client, "/account/", "/account/newsletters", {"lists": ["news", "events", "spam"]})
    assert response.status_code == 303 and response.headers["location"] == "/account/?notice=saved"
    assert accounts.get_subscriptions(app.state.portal.db, member.user.id) == {"news", "events"}
    html = member.client.get("/account/").text
    assert 'value="news" checked' in html and 'value="events" checked' in html and 'value="promo">' in html
    submit(member.client, "/account/", "/account/newsletters", {})
    assert accounts.get_subscriptions(app.state.portal.db, member.user.id) == set()


# --- sessions -----------------------------------------------------------------------------------


def other_session_ids(html):
    return re.findall(r'name="end" value="([0-9a-f]{64})"', html)


def test_cabinet_lists_this_and_other_sessions(app, member):
    with second_client(app, member.email):
        html = member.client.get("/account/").text
    assert "Firefox-Laptop/1.0" in html and "testclient" in html
    assert html.count("(это устройство)") == 1 and len(other_session_ids(html)) == 1


def test_sign_out_everywhere_else_keeps_this_session(app, member):
    with second_client(app, member.email) as other:
        response = submit(member.client, "/account/", "/account/sessions", {"end": "others"})
        assert response.status_code == 303
        assert other.get("/account/status").json() == {"signed_in": False}
    assert member.client.get("/account/status").json()["signed_in"]


def test_ending_one_session_by_its_id(app, member):
    with second_client(app, member.email) as other, second_client(app, member.email, "Phone/2.0") as phone:
        html = member.client.get("/account/").text
        laptop_id = re.search(r'Firefox-Laptop/1\.0.*?name="end" value="([0-9a-f]{64})"', html, re.S).group(1)
        submit(member.client, "/account/", "/account/sessions", {"end": laptop_id})
        assert other.get("/account/status").json() == {"signed_in": False}
        assert phone.get("/account/status").json()["signed_in"]
    assert member.client.get("/account/status").json()["signed_in"]


def test_ending_someone_elses_session_does_nothing(app, member, db):
    make_user(db, "vera@example.ru", name="Вера Светова")
    with second_client(app, "vera@example.ru") as vera:
        vera_id = db.execute("SELECT id_hash FROM sessions WHERE user_id = ?",
                             [user_of(app, "vera@example.ru").id]).fetchone()[0]
        response = submit(member.client, "/account/", "/account/sessions", {"end": vera_id})
        assert response.status_code == 303
        assert vera.get("/account/status").json()["signed_in"]


# --- export -------------------------------------------------------------------------------------


def test_export_is_a_private_json_attachment_with_the_profile(app, member):
    accounts.set_subscriptions(app.state.portal.db, member.user.id, {"news", "magazine"})
    response = member.client.get("/account/export")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["cache-control"] == "no-store"
    data = response.json()
    assert data["account"]["email"] == member.email and data["account"]["name"] == "Анна Светлова"
    assert data["profile"]["company"] == "ООО «Свет-Монтаж»" and data["profile"]["phone"] == "+79123456789"
    assert data["subscriptions"] == ["magazine", "news"]
    assert len(data["sessions"]) == 1
    assert "argon2" not in response.text and "password" not in response.text


def test_export_needs_sign_in(client):
    response = client.get("/account/export", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/account/login")


# --- deletion -----------------------------------------------------------------------------------


def test_deleting_with_a_wrong_password_keeps_the_account(app, member):
    response = submit(member.client, "/account/delete", "/account/delete", {"password": "ne-tot-parol"})
    assert response.status_code == 400 and "Неверный пароль." in response.text
    assert user_of(app, member.email) is not None
    assert member.client.get("/account/status").json()["signed_in"]


def test_deleting_the_account_erases_it_and_frees_the_address(app, member, smtp, db):
    company_id = member.user.company_id
    response = submit(member.client, "/account/delete", "/account/delete", {"password": PASSWORD})
    assert response.status_code == 200 and "Аккаунт удалён." in response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("club_session=") and ('club_session=""' in cookie or "Max-Age=0" in cookie)
    assert user_of(app, member.email) is None
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
    assert get_company(db, company_id) is not None  # the company stays for its other members
    assert member.client.get("/account/status").json() == {"signed_in": False}
    again = submit(member.client, "/account/register", "/account/register",
                   {"name": "Анна Светлова", "email": member.email, "password": "novaya-zhizn-2026",
                    "consent": "yes"})
    assert again.status_code == 200 and "Проверьте почту" in again.text
    assert last_link(smtp, 1, "/account/confirm")  # a new account, not "you are registered already"
    assert user_of(app, member.email).confirmed is False


def test_delete_without_the_form_token_is_refused(app, member):
    response = member.client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 403
    assert user_of(app, member.email) is not None


# --- status -------------------------------------------------------------------------------------


def test_status_for_an_anonymous_visitor(client):
    response = client.get("/account/status")
    assert response.json() == {"signed_in": False}
    assert response.headers["cache-control"] == "no-store"


def test_status_for_a_member(member):
    data = member.client.get("/account/status").json()
    assert data == {"signed_in": True, "name": "Анна Светлова", "level": "member", "level_label": "Участник клуба",
                    "account_url": "/account/"}
