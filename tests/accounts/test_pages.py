"""Joining, confirming, signing in and out, resetting a password — over HTTP with a real SMTP server."""

import re
import time

from portal.accounts import store as account_store
from portal.core import identity, passwords, throttle
from tests.portal_fixtures import (
    OLD_NAME,
    OLD_NAME_CLEANED,
    PASSWORD,
    addressed_to,
    csrf_of,
    last_link,
    make_user,
    sign_in,
    submit,
)

JOIN = {"name": "Иван Петров", "email": "Ivan@Example.ru", "password": "svetlyi-put-2026", "consent": "yes",
        "next": "/analytics/report/"}


def register(client, **changes):
    return submit(client, "/account/register", "/account/register", {**JOIN, **changes})


def confirm(client, link):
    page = client.get(link)
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    return client.post("/account/confirm", data={"csrf": csrf_of(page.text), "token": token,
                                                 "next": "/analytics/report/"}, follow_redirects=False)


def test_registration_page_explains_the_benefits_and_names_the_fields(client):
    html = client.get("/account/register?next=/analytics/report/").text
    assert "Что даёт клуб" in html and "Закрытая аналитика" in html
    for name, autocomplete in (("name", "name"), ("email", "email"), ("password", "new-password")):
        assert re.search(rf'name="{name}"[^>]*autocomplete="{autocomplete}"', html, re.S)
    assert 'name="consent"' in html and 'value="/analytics/report/"' in html


def test_register_confirm_sign_in_round_trip(client, smtp, db):
    response = register(client)
    assert response.status_code == 200 and "Проверьте почту" in response.text
    link = last_link(smtp, 1, "/account/confirm")
    assert smtp.received[0].recipients == ["ivan@example.ru"]
    page = client.get(link)  # a link scanner opening the link does not confirm anything
    assert page.status_code == 200 and "Подтвердить адрес" in page.text
    assert identity.find_user_by_email(db, "ivan@example.ru").confirmed is False
    response = confirm(client, link)
    # Pressing the button signs the person in on this browser and takes them where they were going.
    assert response.status_code == 303 and response.headers["location"] == "/analytics/report/"
    assert identity.find_user_by_email(db, "ivan@example.ru").confirmed
    assert client.get("/account/status").json()["level"] == "registered"
    client.cookies.clear()
    response = sign_in(client, "ivan@example.ru", JOIN["password"], "/analytics/report/")
    assert response.headers["location"] == "/analytics/report/"


def test_confirming_without_a_destination_lands_in_the_cabinet_with_a_notice(client, smtp):
    register(client)
    page = client.get(last_link(smtp, 1, "/account/confirm"))
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    response = client.post("/account/confirm", data={"csrf": csrf_of(page.text), "token": token},
                           follow_redirects=False)
    assert response.headers["location"] == "/account/?notice=confirmed"
    assert "Адрес подтверждён, вы вошли в клуб." in client.get(response.headers["location"]).text


def test_a_used_link_signs_no_one_in(client, smtp):
    register(client)
    link = last_link(smtp, 1, "/account/confirm")
    assert confirm(client, link).status_code == 303
    client.cookies.clear()
    again = confirm(client, link)
    assert again.status_code == 400 and client.get("/account/status").json() == {"signed_in": False}


def test_confirmation_link_works_once(client, smtp):
    register(client)
    link = last_link(smtp, 1, "/account/confirm")
    assert confirm(client, link).status_code == 303
    again = confirm(client, link)
    assert again.status_code == 400 and "уже использована" in again.text


def test_tampered_or_missing_token_is_a_readable_400(client):
    for url in ("/account/confirm?token=abc", "/account/confirm", "/account/password/reset/confirm?token=x.y.z"):
        response = client.get(url)
        assert response.status_code == 400 and "Ссылка неверна" in response.text


def test_registration_errors_keep_the_input_and_name_the_problem(client, db):
    response = register(client, name="", email="not-an-address", password="short", consent="")
    assert response.status_code == 400
    html = response.text
    assert "Укажите имя" in html and "не похоже на адрес" in html and "короче 8" in html and "согласия" in html
    assert 'value="not-an-address"' in html
    assert identity.find_user_by_email(db, "not-an-address") is None


def test_long_passphrases_are_fine_without_composition_rules(client, smtp):
    response = register(client, password="все буквы строчные и это нормально " * 5)
    assert response.status_code == 200 and "Проверьте почту" in response.text


def test_registering_a_known_address_looks_the_same_and_tells_the_owner(client, smtp, db):
    make_user(db, "ivan@example.ru", name="Иван Петров")
    known = register(client)
    unknown = register(client, email="new@example.ru")
    assert known.status_code == unknown.status_code == 200
    def strip(html):
        return re.sub(r'value="[^"]+"|[\w.]+@example\.ru', "", html)

    assert strip(known.text) == strip(unknown.text)
    first, second = smtp.wait_for(2)
    assert "/account/password/reset" in first.message.get_body(("plain",)).get_content()
    assert "/account/confirm" in second.message.get_body(("plain",)).get_content()


def test_registering_one_address_again_and_again_sends_only_a_few_letters(client, smtp, db):
    make_user(db, "ivan@example.ru", name="Иван Петров")
    pages = [register(client) for _ in range(8)]
    assert {page.status_code for page in pages} == {200}  # the same answer every time
    letters = throttle.FREE_FAILURES["register_mail"]
    smtp.wait_for(letters)
    time.sleep(0.5)  # a ninth letter would have arrived by now
    assert len(smtp.received) == letters


def test_registrations_from_one_address_are_limited_before_any_hashing(client, smtp, db, monkeypatch):
    free = throttle.FREE_FAILURES["register"]
    for i in range(free):
        assert register(client, email=f"person{i}@example.ru").status_code == 200
    hashed = []
    monkeypatch.setattr(passwords, "hash_password", lambda password: hashed.append(password) or "x")
    for email in ("ivan@example.ru", "new-person@example.ru"):  # known or not: the same refusal
        refused = register(client, email=email, name="Ирина Новикова")
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert "Попробуйте через" in refused.text and 'value="Ирина Новикова"' in refused.text
    assert hashed == [] and identity.find_user_by_email(db, "new-person@example.ru") is None


def test_unconfirmed_sign_in_is_refused_and_resends_the_link(client, smtp, db):
    make_user(db, "late@example.ru", confirmed=False)
    response = submit(client, "/account/login", "/account/login", {"email": "late@example.ru", "password": PASSWORD})
    assert response.status_code == 400 and "не подтверждён" in response.text
    assert last_link(smtp, 1, "/account/confirm")


def test_whoever_registered_an_address_first_never_keeps_a_password_on_it(client, smtp, db):
    # Pre-account hijacking: someone registers the address without owning the mailbox; the owner
    # registers later and confirms. The account must end up with the owner's password only.
    register(client, password="chuzhoy-parol-2026")  # the squatter; their link goes to the owner's mailbox
    squatters_link = last_link(smtp, 1, "/account/confirm")
    register(client, password="moy-parol-2026")  # the owner
    owners_link = last_link(smtp, 2, "/account/confirm")
    stale = confirm(client, squatters_link)
    assert stale.status_code == 400 and "зарегистрировали ещё раз" in stale.text
    assert not identity.find_user_by_email(db, "ivan@example.ru").confirmed
    assert confirm(client, owners_link).status_code == 303
    assert sign_in(client, "ivan@example.ru", "moy-parol-2026", "/").headers["location"] == "/"
    client.cookies.clear()
    refused = submit(client, "/account/login", "/account/login",
                     {"email": "ivan@example.ru", "password": "chuzhoy-parol-2026"})
    assert refused.status_code == 400 and "Неверный e-mail или пароль" in refused.text


def test_an_imported_reader_who_registers_gets_the_password_they_chose(client, smtp, db):
    user = make_user(db, "ivan@example.ru", confirmed=False)
    db.execute("UPDATE users SET password_hash = NULL WHERE id = ?", [user.id])  # as `club members import` leaves it
    register(client, password="moy-parol-2026")
    assert confirm(client, last_link(smtp, 1, "/account/confirm")).status_code == 303
    assert sign_in(client, "ivan@example.ru", "moy-parol-2026", "/").headers["location"] == "/"


def test_wrong_password_and_unknown_email_get_the_same_answer(client, db):
    make_user(db, "anna@example.ru")
    wrong = submit(client, "/account/login", "/account/login", {"email": "anna@example.ru", "password": "nope-nope"})
    unknown = submit(client, "/account/login", "/account/login", {"email": "zoe@example.ru", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert "Неверный e-mail или пароль" in wrong.text and "Неверный e-mail или пароль" in unknown.text
    assert 'value="anna@example.ru"' in wrong.text  # input kept


def test_sign_out_ends_the_session(member):
    client = member.client
    assert client.get("/account/status").json()["signed_in"]
    cookie = client.cookies.get("club_session")
    response = submit(client, "/account/", "/account/logout", {})
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert 'club_session=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    client.cookies.set("club_session", cookie)  # replaying the old cookie does not bring the session back
    assert client.get("/account/status").json() == {"signed_in": False}


def test_logout_page_asks_before_signing_out(member):
    assert "Выйти из клуба на этом устройстве?" in member.client.get("/account/logout").text
    assert member.client.get("/account/status").json()["signed_in"]


def test_password_reset_sets_a_new_password_and_ends_other_sessions(app, client, smtp, db):
    from starlette.testclient import TestClient

    make_user(db, "anna@example.ru")
    other = TestClient(app, base_url=str(client.base_url))
    sign_in(other, "anna@example.ru")
    response = submit(client, "/account/password/reset", "/account/password/reset", {"email": "anna@example.ru"})
    assert response.status_code == 200 and "письмо со ссылкой" in response.text
    link = last_link(smtp, 1, "/account/password/reset/confirm")
    page = client.get(link)
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    short = client.post("/account/password/reset/confirm", data={"csrf": csrf_of(page.text), "token": token,
                                                                  "password": "short"}, follow_redirects=False)
    assert short.status_code == 400 and "короче 8" in short.text  # the link still works after this
    form = {"csrf": csrf_of(page.text), "token": token, "password": "novyi-parol-2026"}
    done = client.post("/account/password/reset/confirm", data=form, follow_redirects=False)
    assert done.status_code == 303
    assert client.get("/account/status").json()["signed_in"]
    assert other.get("/account/status").json() == {"signed_in": False}
    assert "пароль" in smtp.wait_for(2)[1].message["Subject"].lower()
    again = client.post("/account/password/reset/confirm", data={"csrf": csrf_of(page.text), "token": token,
                                                                  "password": "treti-parol-2026"})
    assert again.status_code == 400
    sign_in(TestClient(app, base_url=str(client.base_url)), "anna@example.ru", "novyi-parol-2026")


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, smtp):
    response = submit(client, "/account/password/reset", "/account/password/reset", {"email": "nobody@example.ru"})
    assert response.status_code == 200 and "письмо со ссылкой" in response.text
    assert smtp.received == []


def test_reset_link_dies_when_the_password_changes(client, smtp, db):
    from portal.core import passwords

    user = make_user(db, "anna@example.ru")
    submit(client, "/account/password/reset", "/account/password/reset", {"email": "anna@example.ru"})
    link = last_link(smtp, 1, "/account/password/reset/confirm")
    identity.set_password_hash(db, user.id, passwords.hash_password("changed-elsewhere"))
    assert client.get(link).status_code == 400


def test_english_on_request(client):
    html = client.get("/account/register?lang=en").text
    assert "Join the club" in html and 'lang="en"' in html
    assert "Join the club" in client.get("/account/register").text  # the choice is remembered
    assert "Вступить в клуб" in client.get("/account/register?lang=ru").text


def test_signed_in_visitor_skips_the_forms(member):
    response = member.client.get("/account/login?next=/analytics/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/analytics/"


def test_newsletters_are_opt_in_at_registration(client, smtp, db):
    register(client)
    register(client, email="subscriber@example.ru", newsletters="yes")
    assert not account_store.is_subscribed(db, identity.find_user_by_email(db, "ivan@example.ru").id)
    subscriber = identity.find_user_by_email(db, "subscriber@example.ru")
    assert account_store.get_subscriptions(db, subscriber.id) == {"newsletters"}  # the one consent row
    assert subscriber.topics == [] and subscriber.mail_tracking  # every topic, tracking as the club decides


def test_sign_in_upgrades_an_old_password_hash(client, db):
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    user = make_user(db, "old@example.ru")
    identity.set_password_hash(db, user.id, weak)
    sign_in(client, "old@example.ru")
    upgraded = identity.get_user(db, user.id).password_hash
    assert upgraded != weak and upgraded.startswith("$argon2id$") and "m=65536" in upgraded


def test_a_name_typed_with_control_characters_is_stored_on_one_line(client, smtp, db):
    response = register(client, name="Иван\r\nПетров\x00 \u202eмладший\u2028")
    assert response.status_code == 200 and "Проверьте почту" in response.text
    assert identity.find_user_by_email(db, "ivan@example.ru").name == "Иван Петров младший"
    [received] = smtp.wait_for(1)
    assert addressed_to(received) == ("Иван Петров младший", "ivan@example.ru")


def test_confirmation_and_reset_mail_reach_a_stored_name_with_control_characters(client, smtp, db):
    late, known = make_user(db, "late@example.ru", confirmed=False), make_user(db, "known@example.ru")
    db.execute("UPDATE users SET name = ? WHERE id IN (?, ?)", [OLD_NAME, late.id, known.id])  # from before the fix
    refused = submit(client, "/account/login", "/account/login", {"email": "late@example.ru", "password": PASSWORD})
    assert refused.status_code == 400 and "не подтверждён" in refused.text  # and the link goes out again
    assert submit(client, "/account/password/reset", "/account/password/reset",
                  {"email": "known@example.ru"}).status_code == 200
    assert register(client, email="late@example.ru").status_code == 200  # registering again: a new link
    confirm_mail, reset_mail, again = smtp.wait_for(3)
    for received, address in ((confirm_mail, "late@example.ru"), (reset_mail, "known@example.ru"),
                              (again, "late@example.ru")):
        assert addressed_to(received) == (OLD_NAME_CLEANED, address)
        assert f"Здравствуйте, {OLD_NAME_CLEANED}" in received.message.get_body(("plain",)).get_content()
    assert last_link(smtp, 1, "/account/confirm") and last_link(smtp, 2, "/account/password/reset/confirm")
    assert confirm(client, last_link(smtp, 3, "/account/confirm")).status_code == 303
