"""Server-side sessions: opaque cookie, new id at sign-in, gone at sign-out, idle and absolute expiry."""

import hashlib
import time

from starlette.testclient import TestClient

from portal.core.sessions import TOUCH_EVERY, hash_session_id
from tests.portal_fixtures import make_user, sign_in, submit


def session_rows(db):
    return db.execute("SELECT id_hash, user_id, created, last_seen FROM sessions").fetchall()


def test_cookie_is_opaque_httponly_and_only_its_hash_is_stored(app, client, db):
    make_user(db, "anna@example.ru")
    response = sign_in(client, "anna@example.ru")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    raw = client.cookies["club_session"]
    assert len(raw) >= 43 and "anna" not in raw
    assert [row[0] for row in session_rows(db)] == [hashlib.sha256(raw.encode()).hexdigest()]


def test_sign_in_rotates_the_session_id(app, client, db):
    make_user(db, "anna@example.ru")
    sign_in(client, "anna@example.ru")
    first = client.cookies["club_session"]
    sign_in_again = submit(client, "/account/login?x=1", "/account/login",
                           {"email": "anna@example.ru", "password": "lampochka-ilyicha-2026"})
    # The signed-in visitor is sent on from the login page; the POST still signs in with a fresh id.
    assert sign_in_again.status_code == 303
    second = client.cookies["club_session"]
    assert second != first
    assert hash_session_id(first) not in [row[0] for row in session_rows(db)]


def test_planted_session_id_is_not_adopted(app, client, db):
    make_user(db, "anna@example.ru")
    client.cookies.set("club_session", "attacker-chosen-value", domain="127.0.0.1")
    sign_in(client, "anna@example.ru")
    assert client.cookies["club_session"] != "attacker-chosen-value"


def test_idle_sessions_expire(app, client, db, settings):
    make_user(db, "anna@example.ru")
    sign_in(client, "anna@example.ru")
    db.execute("UPDATE sessions SET last_seen = ?", [time.time() - settings.session_idle_seconds - 5])
    assert client.get("/account/status").json() == {"signed_in": False}
    assert session_rows(db) == []


def test_sessions_expire_absolutely_even_when_used(app, client, db, settings):
    make_user(db, "anna@example.ru")
    sign_in(client, "anna@example.ru")
    db.execute("UPDATE sessions SET created = ?", [time.time() - settings.session_absolute_seconds - 5])
    assert client.get("/account/status").json() == {"signed_in": False}


def test_activity_keeps_a_session_alive(app, client, db):
    make_user(db, "anna@example.ru")
    sign_in(client, "anna@example.ru")
    db.execute("UPDATE sessions SET last_seen = ?", [time.time() - 3600])
    assert client.get("/account/status").json()["signed_in"]
    assert session_rows(db)[0][3] > time.time() - 60


def test_deleting_the_account_ends_its_sessions_everywhere(app, client, db):
    user = make_user(db, "anna@example.ru")
    other = TestClient(app, base_url=str(client.base_url))
    sign_in(client, "anna@example.ru")
    sign_in(other, "anna@example.ru")
    db.execute("DELETE FROM users WHERE id = ?", [user.id])
    assert other.get("/account/status").json() == {"signed_in": False}
    assert session_rows(db) == []


def test_last_seen_is_written_once_in_a_while_not_on_every_request(app, client, db):
    make_user(db, "anna@example.ru")
    sign_in(client, "anna@example.ru")
    db.execute("UPDATE sessions SET last_seen = ?", [time.time() - TOUCH_EVERY + 30])
    before = session_rows(db)[0][3]
    assert client.get("/account/status").json()["signed_in"]
    assert session_rows(db)[0][3] == before  # recent enough: no write
    db.execute("UPDATE sessions SET last_seen = ?", [time.time() - TOUCH_EVERY - 1])
    client.get("/account/status")
    assert session_rows(db)[0][3] > time.time() - 60
