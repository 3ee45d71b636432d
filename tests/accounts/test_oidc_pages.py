"""Sign-in with the club's external provider through the portal, against the loopback OIDC provider."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from starlette.testclient import TestClient

from portal.accounts import store as account_store
from portal.app import create_app
from portal.core.settings import OIDCSettings
from tests.oidc_provider import ProviderServer, TestUser
from tests.portal_fixtures import BASE_URL, make_user, sign_in


@pytest.fixture(scope="module")
def running():
    with ProviderServer() as provider:
        provider.redirect_uris = (BASE_URL + "/account/oidc/callback",)
        yield provider


@pytest.fixture
def provider(running):
    running.reset()
    running.user = TestUser()
    return running


@pytest.fixture
def portal_app(settings, provider):
    oidc = OIDCSettings(name="Лиор ID", discovery_url=f"{provider.issuer}/.well-known/openid-configuration",
                        client_id=provider.client_id, client_secret=provider.client_secret)
    application = create_app(replace(settings, oidc=oidc))
    yield application
    application.state.portal.db.conn.close()


@pytest.fixture
def browser(portal_app):
    with TestClient(portal_app, base_url=BASE_URL) as client:
        yield client


def external_sign_in(browser: TestClient, next_path: str = "/analytics/"):
    start = browser.get("/account/oidc/start", params={"next": next_path}, follow_redirects=False)
    assert start.status_code == 302, start.text
    with httpx2.Client(trust_env=False, timeout=5) as http:
        back = http.get(start.headers["location"], follow_redirects=False).headers["location"]
    query = {key: value[0] for key, value in parse_qs(urlsplit(back).query).items()}
    return browser.get("/account/oidc/callback", params=query, follow_redirects=False)


def test_login_page_offers_the_provider(browser):
    html = browser.get("/account/login?next=/analytics/").text
    assert "Войти через Лиор ID" in html and "/account/oidc/start?next=/analytics/" in html


def test_new_person_gets_an_account_keyed_by_issuer_and_subject(browser, provider, portal_app):
    response = external_sign_in(browser)
    assert response.status_code == 303 and response.headers["location"] == "/analytics/"
    status = browser.get("/account/status").json()
    assert status["signed_in"] and status["name"] == provider.user.name and status["level"] == "registered"
    db = portal_app.state.portal.db
    user = account_store.find_user_by_identity(db, provider.issuer, provider.user.sub)
    assert user is not None and user.email == provider.user.email and user.password_hash is None
    assert provider.last_code_challenge_method == "S256"


def test_the_providers_name_is_stored_on_one_line(browser, provider, portal_app):
    provider.user = TestUser(name="Иван\r\nПетров\u202e\x00")
    assert external_sign_in(browser).status_code == 303
    user = account_store.find_user_by_identity(portal_app.state.portal.db, provider.issuer, provider.user.sub)
    assert user.name == "Иван Петров"


def test_second_sign_in_finds_the_same_account(browser, provider, portal_app):
    external_sign_in(browser)
    browser.cookies.clear()
    external_sign_in(browser)
    assert portal_app.state.portal.db.execute("SELECT count(*) FROM users").fetchone()[0] == 1


def test_an_existing_address_is_never_taken_over_by_email(browser, provider, portal_app):
    make_user(portal_app.state.portal.db, provider.user.email)
    response = external_sign_in(browser)
    assert response.status_code == 409 and "уже есть аккаунт" in response.text
    assert browser.get("/account/status").json() == {"signed_in": False}


def test_the_owner_links_the_provider_from_the_cabinet(browser, provider, portal_app):
    db = portal_app.state.portal.db
    user = make_user(db, provider.user.email)
    sign_in(browser, user.email)
    assert "Привязать вход через Лиор ID" in browser.get("/account/").text
    response = external_sign_in(browser, "/account/")
    assert response.headers["location"] == "/account/?notice=saved"
    browser.cookies.clear()
    external_sign_in(browser)
    assert browser.get("/account/status").json()["name"] == user.name


def test_unverified_address_is_not_trusted(browser, provider, portal_app):
    provider.user = TestUser(email_verified=False)
    external_sign_in(browser)
    user = account_store.find_user_by_identity(portal_app.state.portal.db, provider.issuer, provider.user.sub)
    assert user.email.endswith("@external.invalid") and not user.confirmed


def test_provider_refusal_is_a_readable_page(browser, provider):
    provider.deny = True
    response = external_sign_in(browser)
    assert response.status_code == 400 and "отменили вход" in response.text
    assert browser.get("/account/status").json() == {"signed_in": False}


def test_without_a_provider_the_routes_do_not_exist(client):
    assert client.get("/account/oidc/start").status_code == 404
    assert "Войти через" not in client.get("/account/login").text
