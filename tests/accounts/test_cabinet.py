"""The personal cabinet: levels, profile, company records, newsletters, sessions, export, deletion."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher
from markupsafe import escape
from starlette.testclient import TestClient

from portal.accounts import store as account_store
from portal.core import identity, passwords
from portal.core.companies import get_company
from tests.portal_fixtures import BASE_URL, PASSWORD, last_link, make_user, sign_in, submit

PROFILE = {"name": "Борис Лампов", "company": 'ООО "Свет-Монтаж"', "inn": "", "phone": "8 (912) 345-67-89",
           "position": "Главный инженер", "segment": "installers", "region": "ural",
           "job_role": "engineering", "language": "ru", "next": ""}


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
    return identity.find_user_by_email(app.state.portal.db, email)


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
    assert (user.segment, user.region, user.job_role) == ("installers", "ural", "engineering")
    assert "Сохранено." in registered.client.get(response.headers["location"]).text


def test_name_company_and_position_are_stored_on_one_line(app, registered):
    response = save_profile(registered.client, name="Борис\r\nЛампов\x00", company='ООО\n"Свет\u202e-Монтаж"',
                            position="Главный\u2028инженер\t")
    assert response.status_code == 303
    user = user_of(app, registered.email)
    company = get_company(app.state.portal.db, user.company_id)
    assert (user.name, company.name, user.position) == ("Борис Лампов", 'ООО "Свет-Монтаж"', "Главный инженер")


def test_profile_page_shows_the_current_values(member):
    html = member.client.get("/account/profile").text
    assert f'value="{escape("ООО «Свет-Монтаж»")}"' in html and 'value="+7 912 345-67-89"' in html


def test_company_without_phone_does_not_make_a_member(registered):
    assert save_profile(registered.client, phone="").status_code == 303
    assert registered.client.get("/account/status").json()["level"] == "registered"


def assert_kept(html, sent, skip):
    for name in ("name", "company", "inn", "phone", "position"):  # the wrong value too, to be corrected
        assert f'value="{escape(sent[name])}"' in html, name
    for name in ("segment", "region", "job_role"):
        if name != skip:  # an unknown choice cannot be shown as selected
            assert f'<option value="{sent[name]}" selected>' in html, name


@pytest.mark.parametrize(("field", "value", "message"), [
    ("phone", "12-34", "Не удалось разобрать номер"),
    ("inn", "7707083894", "ИНН не сходится по контрольной сумме"),
    ("segment", "astronauts", "Выберите значение из списка"),
    ("region", "atlantis", "Выберите значение из списка"),
    ("job_role", "astrologer", "Выберите значение из списка"),
], ids=["phone", "inn", "segment", "region", "job_role"])
def test_bad_profile_input_is_a_400_naming_the_problem_and_keeping_the_input(app, registered, field, value, message):
    sent = {**PROFILE, "inn": "7707083893", field: value}
    response = save_profile(registered.client, **sent)
    assert response.status_code == 400
    assert message in response.text and "Проверьте выделенные поля." in response.text
    assert re.search(rf'p-field p-field--error">\s*<label for="f-{field}"', response.text)
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


def newsletter_state(db, user_id):
    user = identity.get_user(db, user_id)
    return account_store.is_subscribed(db, user_id), user.topics, user.mail_tracking


def test_newsletter_choices_are_saved_and_unknown_topics_ignored(app, member):
    db = app.state.portal.db
    response = submit(member.client, "/account/newsletters", "/account/newsletters",
                      {"newsletters": "yes", "topics": ["analytics", "products", "gossip"], "no_tracking": "yes"})
    assert response.status_code == 303 and response.headers["location"] == "/account/newsletters?notice=saved"
    assert newsletter_state(db, member.user.id) == (True, ["products", "analytics"], False)  # club's order
    html = member.client.get(response.headers["location"]).text
    assert "Сохранено." in html and 'name="newsletters" value="yes" checked' in html
    assert 'value="products" checked' in html and 'value="analytics" checked' in html
    assert 'value="design">' in html and "gossip" not in html
    assert 'name="no_tracking" value="yes" checked' in html
    submit(member.client, "/account/newsletters", "/account/newsletters", {})
    assert newsletter_state(db, member.user.id) == (False, [], True)
    html = member.client.get("/account/newsletters").text
    assert 'name="newsletters" value="yes">' in html and 'name="no_tracking" value="yes">' in html


def test_no_topic_ticked_means_every_topic_and_the_page_says_so(app, member):
    html = member.client.get("/account/newsletters").text
    assert "Не отмечено ни одной темы — присылаем письма на все темы." in html
    submit(member.client, "/account/newsletters", "/account/newsletters", {"newsletters": "yes"})
    assert newsletter_state(app.state.portal.db, member.user.id) == (True, [], True)
    assert "Вы получаете рассылки клуба на все темы." in member.client.get("/account/").text
    submit(member.client, "/account/newsletters", "/account/newsletters", {"newsletters": "on", "topics": "design"})
    assert "на темы: Тренды и дизайн освещения." in member.client.get("/account/").text


def test_the_cabinet_summarises_the_newsletters_and_links_to_their_page(member):
    html = member.client.get("/account/").text
    assert "Вы не получаете рассылки клуба." in html and 'href="/account/newsletters"' in html
    assert "Настроить рассылки" in html


def test_newsletters_page_needs_sign_in_and_the_form_token(app, member, client):
    with TestClient(app, base_url=BASE_URL) as anonymous:
        response = anonymous.get("/account/newsletters", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/account/login")
    refused = member.client.post("/account/newsletters", data={"newsletters": "yes"}, follow_redirects=False)
    assert refused.status_code == 403
    assert not account_store.is_subscribed(app.state.portal.db, member.user.id)


def test_a_bouncing_address_is_named_and_can_be_tried_again(app, member):
    db = app.state.portal.db
    db.execute("UPDATE users SET bounced_at = '2026-11-20T09:30:00+00:00', bounce_reason = '550 no such user' "
               "WHERE id = ?", [member.user.id])
    note = f"Письма на адрес {member.email} не доставляются; проверьте адрес или свяжитесь с нами."
    assert note in member.client.get("/account/").text
    page = member.client.get("/account/newsletters").text
    assert note in page and "Попробовать снова" in page and 'href="mailto:club@localhost"' in page
    response = submit(member.client, "/account/newsletters", "/account/newsletters/retry", {})
    assert response.status_code == 303 and response.headers["location"] == "/account/newsletters?notice=retry"
    assert db.execute("SELECT bounced_at, bounce_reason FROM users WHERE id = ?",
                      [member.user.id]).fetchone() == (None, None)
    page = member.client.get(response.headers["location"]).text
    assert note not in page and "Следующую рассылку попробуем отправить на этот адрес снова." in page


def test_no_bounce_note_for_a_working_address(member):
    assert "не доставляются" not in member.client.get("/account/newsletters").text
    assert "не доставляются" not in member.client.get("/account/").text


def test_newsletters_page_in_english(member):
    html = member.client.get("/account/newsletters?lang=en").text
    assert "Receive the club&#39;s newsletters" in html and "No topic ticked means letters on every topic." in html
    assert "Do not track opens and clicks in my newsletters" in html


def test_the_role_in_the_company_is_shown_in_the_cabinet(app, registered):
    assert save_profile(registered.client).status_code == 303
    html = registered.client.get("/account/").text
    assert "Роль в компании" in html and "Проектирование и инженерия" in html and "Уральский ФО" in html
    page = registered.client.get("/account/profile").text
    assert '<option value="engineering" selected>' in page and 'name="topics"' not in page


def test_saving_the_profile_keeps_the_newsletter_topics(app, registered):
    db = app.state.portal.db
    account_store.set_newsletter_choice(db, registered.user.id, account_store.NewsletterChoice(True, ["design"], False))
    assert save_profile(registered.client).status_code == 303
    assert newsletter_state(db, registered.user.id) == (True, ["design"], False)


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
    notice = member.client.get(response.headers["location"]).text
    assert "Все остальные устройства вышли из аккаунта." in notice and "Сохранено." not in notice


def test_ending_one_session_by_its_id(app, member):
    with second_client(app, member.email) as other, second_client(app, member.email, "Phone/2.0") as phone:
        html = member.client.get("/account/").text
        laptop_id = re.search(r'Firefox-Laptop/1\.0.*?name="end" value="([0-9a-f]{64})"', html, re.S).group(1)
        response = submit(member.client, "/account/", "/account/sessions", {"end": laptop_id})
        assert response.headers["location"].endswith("notice=signed_out_one")
        assert other.get("/account/status").json() == {"signed_in": False}
        assert phone.get("/account/status").json()["signed_in"]
    assert member.client.get("/account/status").json()["signed_in"]


def test_ending_someone_elses_session_does_nothing(app, member, db):
    make_user(db, "vera@example.ru", name="Вера Светова")
    with second_client(app, "vera@example.ru") as vera:
        vera_id = db.execute("SELECT id_hash FROM sessions WHERE user_id = ?",
                             [user_of(app, "vera@example.ru").id]).fetchone()[0]
        response = submit(member.client, "/account/", "/account/sessions", {"end": vera_id})
        assert response.status_code == 303 and "notice" not in response.headers["location"]
        assert vera.get("/account/status").json()["signed_in"]


# --- export -------------------------------------------------------------------------------------


def test_export_is_a_private_json_attachment_with_the_profile(app, member):
    db = app.state.portal.db
    account_store.set_newsletter_choice(db, member.user.id, account_store.NewsletterChoice(True, ["design"], False))
    db.execute("UPDATE users SET job_role = 'sales', bounced_at = '2026-11-20T09:30:00+00:00', "
               "bounce_reason = '550 mailbox unavailable' WHERE id = ?", [member.user.id])
    response = member.client.get("/account/export")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["cache-control"] == "no-store"
    data = response.json()
    assert data["account"]["email"] == member.email and data["account"]["name"] == "Анна Светлова"
    assert data["profile"]["company"] == "ООО «Свет-Монтаж»" and data["profile"]["phone"] == "+79123456789"
    assert data["profile"]["job_role"] == "sales"
    assert data["newsletters"] == {"subscribed": True, "topics": ["design"], "mail_tracking": False,
                                   "bounced_at": "2026-11-20T09:30:00+00:00",
                                   "bounce_reason": "550 mailbox unavailable", "imported_at": None}
    assert data["subscriptions"] == ["newsletters"] and data["newsletter_mail"] == []
    assert len(data["sessions"]) == 1
    assert "argon2" not in response.text and "password" not in response.text


def test_export_lists_the_newsletters_sent_and_what_was_recorded(app, member):
    db = app.state.portal.db
    newsletter = db.execute(
        "INSERT INTO newsletters (page, url, subject, access, audience, mail, scheduled_at, created_at) "
        "VALUES ('newsletters/x', '/newsletters/x/', 'Новинки ноября', 'public', '{}', '{}', 0, '2026-11-01')")
    send = db.execute("INSERT INTO newsletter_sends (newsletter_id, user_id, email, name, variant, tracking, status, "
                      "sent_at) VALUES (?, ?, ?, 'Анна', 'full', 1, 'sent', 1790000000)",
                      [newsletter.lastrowid, member.user.id, member.email])
    db.execute("INSERT INTO newsletter_events (send_id, kind, link, at) VALUES (?, 'click', 2, 1790000100)",
               [send.lastrowid])
    data = member.client.get("/account/export").json()
    assert data["newsletter_mail"] == [{"subject": "Новинки ноября", "email": member.email, "status": "sent",
                                        "sent_at": 1790000000,
                                        "events": [{"kind": "click", "link": 2, "at": 1790000100}]}]


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
    del data["menu"], data["sign_out"]  # the club menu: test_status_gives_the_static_sites_header_the_club_menu...
    assert data == {"signed_in": True, "name": "Анна Светлова", "level": "member", "level_label": "Участник клуба",
                    "account_url": "/account/"}


def test_the_profile_names_segments_and_roles_in_the_readers_language(member):
    russian = member.client.get("/account/profile").text
    english = member.client.get("/account/profile?lang=en").text
    assert "Монтажные организации" in russian and "Продажи" in russian
    assert "Installers" in english and "Sales" in english and "Монтажные организации" not in english


def test_status_gives_the_static_sites_header_the_club_menu_and_a_working_sign_out(member, manager):
    status = member.client.get("/account/status").json()
    urls = [item["url"] for item in status["menu"]]
    assert urls[0] == "/account/" and "/forum/" in urls and "/feedback/new" in urls and "/staff/" not in urls
    assert status["menu"][0]["label"] == "Кабинет"
    assert status["sign_out"]["url"] == "/account/logout" and status["sign_out"]["label"] == "Выйти"
    assert "/staff/" in [item["url"] for item in manager.client.get("/account/status").json()["menu"]]
    response = member.client.post("/account/logout", data={"csrf": status["sign_out"]["csrf"]},
                                  follow_redirects=False)
    assert response.status_code == 303
    assert member.client.get("/account/status").json() == {"signed_in": False}
