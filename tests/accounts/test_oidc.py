"""End-to-end OIDC sign-in: portal.oidc against the loopback provider in tests/oidc_provider.py.

The browser is played by hand: TestClient for the portal side (http://testserver), httpx2 without
redirect-following for the provider's /authorize, and the provider's redirect query handed back to
the portal's callback through the TestClient.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import asdict
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from portal.accounts.oidc import COOKIE_NAME, FLOW_TTL_SECONDS, MemoryStateStore, OIDCClient, OIDCError, safe_next_path
from portal.core.settings import OIDCSettings
from tests.oidc_provider import TAMPER_MODES, OIDCProvider, ProviderServer

CALLBACK = "http://testserver/account/oidc/callback"


@pytest.fixture(scope="module")
def running() -> Iterator[OIDCProvider]:
    with ProviderServer() as provider:
        yield provider


@pytest.fixture
def provider(running: OIDCProvider) -> OIDCProvider:
    running.reset()
    return running


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_client(provider: OIDCProvider, store: MemoryStateStore | None = None, secret: str | None = None,
                **http_client_kwargs: object) -> OIDCClient:
    settings = OIDCSettings(name="Test ID", discovery_url=f"{provider.issuer}/.well-known/openid-configuration",
                            client_id=provider.client_id,
                            client_secret=provider.client_secret if secret is None else secret)
    return OIDCClient(settings, store or MemoryStateStore(), {"timeout": 5, **http_client_kwargs})


def make_app(oidc: OIDCClient) -> Starlette:
    async def start(request: Request) -> Response:
        next_path = request.query_params.get("next", "/account/")
        redirect_uri = request.query_params.get("redirect_uri", CALLBACK)
        try:
            return await oidc.begin(request, redirect_uri, next_path)
        except OIDCError as exc:
            return JSONResponse({"error": exc.reason, "key": exc.key}, 400)

    async def callback(request: Request) -> Response:
        try:
            identity, next_path = await oidc.finish(request)
        except OIDCError as exc:
            response = JSONResponse({"error": exc.reason, "key": exc.key}, 400)
        else:
            response = JSONResponse({**asdict(identity), "next": next_path})
        return oidc.clear_cookie(response)

    return Starlette(routes=[Route("/account/oidc/start", start), Route("/account/oidc/callback", callback)])


@pytest.fixture
def browser(provider: OIDCProvider) -> Iterator[TestClient]:
    with TestClient(make_app(make_client(provider)), base_url="http://testserver") as client:
        yield client


def go_to_provider(browser: TestClient, next_path: str = "/events/") -> str:
    """Start sign-in; return the provider's redirect back to us (the callback URL with its query)."""
    start = browser.get("/account/oidc/start", params={"next": next_path}, follow_redirects=False)
    assert start.status_code == 302, start.text
    with httpx2.Client(trust_env=False, timeout=5) as http:
        answer = http.get(start.headers["location"], follow_redirects=False)
    assert answer.status_code == 302, answer.text
    assert answer.headers["location"].startswith(CALLBACK + "?")
    return answer.headers["location"]


def callback(browser: TestClient, location: str, **override: str) -> httpx2.Response:
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()} | override
    return browser.get("/account/oidc/callback", params=query)


def test_sign_in_uses_pkce_and_returns_the_providers_identity(provider: OIDCProvider, browser: TestClient) -> None:
    start = browser.get("/account/oidc/start", params={"next": "/events/"}, follow_redirects=False)
    cookie = start.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/account/oidc" in cookie
    assert f"Max-Age={FLOW_TTL_SECONDS}" in cookie and "Secure" not in cookie
    sent = parse_qs(urlsplit(start.headers["location"]).query)
    assert sent["code_challenge_method"] == ["S256"] and sent["nonce"] and sent["state"]

    with httpx2.Client(trust_env=False, timeout=5) as http:
        back = http.get(start.headers["location"], follow_redirects=False).headers["location"]
    response = callback(browser, back)

    assert response.status_code == 200, response.text
    assert response.json() == {"issuer": provider.issuer, "subject": provider.user.sub, "email": provider.user.email,
                               "email_verified": True, "name": provider.user.name, "next": "/events/"}
    assert provider.last_code_challenge_method == "S256"
    [token_request] = provider.token_requests
    verifier = token_request["code_verifier"]
    assert verifier and token_request["challenge_matched"] and token_request["auth_method"] == "client_secret_basic"
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert sent["code_challenge"] == [challenge]
    assert verifier not in cookie and verifier not in start.headers["location"]  # the verifier never left the server
    deleted = response.headers["set-cookie"]
    assert deleted.startswith(f'{COOKIE_NAME}="";') and "Max-Age=0" in deleted and "Path=/account/oidc" in deleted


def test_client_secret_post_and_userinfo_fallback(provider: OIDCProvider) -> None:
    provider.claims_in_id_token = False
    oidc = make_client(provider, token_endpoint_auth_method="client_secret_post")
    with TestClient(make_app(oidc), base_url="http://testserver") as browser:
        response = callback(browser, go_to_provider(browser))
    assert response.status_code == 200, response.text
    assert response.json()["email"] == provider.user.email and response.json()["email_verified"] is True
    assert provider.token_requests[-1]["auth_method"] == "client_secret_post"
    assert provider.userinfo_requests == 1


def test_cookie_is_secure_for_an_https_callback(provider: OIDCProvider, browser: TestClient) -> None:
    start = browser.get("/account/oidc/start", params={"redirect_uri": "https://club.example/account/oidc/callback"},
                        follow_redirects=False)
    assert start.status_code == 302 and "Secure" in start.headers["set-cookie"]


def test_state_mismatch_is_rejected(provider: OIDCProvider, browser: TestClient) -> None:
    response = callback(browser, go_to_provider(browser), state="forged-state")
    assert response.status_code == 400 and response.json()["key"] == "oidc.state"
    assert provider.token_requests == []


def test_missing_cookie_is_rejected(provider: OIDCProvider, browser: TestClient) -> None:
    location = go_to_provider(browser)
    browser.cookies.clear()
    response = callback(browser, location)
    assert response.status_code == 400 and response.json()["key"] == "oidc.expired"
    assert provider.token_requests == []


def test_callback_only_accepts_the_state_of_this_browser(provider: OIDCProvider) -> None:
    app = make_app(make_client(provider))
    with TestClient(app, base_url="http://testserver") as victim, \
            TestClient(app, base_url="http://testserver") as attacker:
        go_to_provider(victim)
        attackers_answer = go_to_provider(attacker)
        response = callback(victim, attackers_answer)  # login CSRF: the attacker's code in the victim's browser
    assert response.status_code == 400 and response.json()["key"] == "oidc.state"
    assert provider.token_requests == []


class RecordingStore(MemoryStateStore):
    def __init__(self) -> None:
        super().__init__()
        self.popped: list[bool] = []

    def pop(self, key: str) -> dict | None:
        value = super().pop(key)
        self.popped.append(value is not None)
        return value


def test_replayed_callback_is_rejected(provider: OIDCProvider) -> None:
    store = RecordingStore()
    with TestClient(make_app(make_client(provider, store)), base_url="http://testserver") as browser:
        location = go_to_provider(browser)
        [cookie] = list(browser.cookies.jar)
        assert callback(browser, location).status_code == 200
        assert COOKIE_NAME not in browser.cookies  # deleted on finish
        browser.cookies.jar.set_cookie(cookie)  # put the same cookie back and replay state and code
        replay = callback(browser, location)
    assert replay.status_code == 400 and replay.json()["key"] == "oidc.expired"
    assert store.popped == [True, False]  # the cookie reached the server; its flow was already used up
    assert len(provider.token_requests) == 1


def test_expired_flow_is_rejected(provider: OIDCProvider) -> None:
    clock = Clock()
    with TestClient(make_app(make_client(provider, MemoryStateStore(clock))), base_url="http://testserver") as browser:
        location = go_to_provider(browser)
        clock.now += FLOW_TTL_SECONDS + 1
        response = callback(browser, location)
    assert response.status_code == 400 and response.json()["key"] == "oidc.expired"


def test_access_denied_at_the_provider(provider: OIDCProvider, browser: TestClient) -> None:
    provider.deny = True
    location = go_to_provider(browser)
    assert "error=access_denied" in location
    response = callback(browser, location)
    assert response.status_code == 400
    assert response.json() == {"error": "Sign-in was cancelled at the provider.", "key": "oidc.denied"}
    assert provider.token_requests == []


@pytest.mark.parametrize("mode", TAMPER_MODES)
def test_tampered_id_token_is_rejected(provider: OIDCProvider, browser: TestClient, mode: str) -> None:
    provider.tamper = mode
    response = callback(browser, go_to_provider(browser))
    assert response.status_code == 400 and response.json()["key"] == "oidc.invalid_token"
    assert provider.token_requests[-1]["ok"]  # the exchange itself went through; the ID token did not


def test_token_exchange_failure(provider: OIDCProvider) -> None:
    with TestClient(make_app(make_client(provider, secret="wrong-secret")), base_url="http://testserver") as browser:
        response = callback(browser, go_to_provider(browser))
    assert response.status_code == 400 and response.json()["key"] == "oidc.exchange"
    assert "wrong-secret" not in response.text and provider.token_requests[-1]["auth_method"] is None


def test_unreachable_provider(provider: OIDCProvider) -> None:
    settings = OIDCSettings(name="Gone", discovery_url="http://127.0.0.1:9/.well-known/openid-configuration",
                            client_id="x", client_secret="y")
    with TestClient(make_app(OIDCClient(settings, MemoryStateStore(), {"timeout": 2})),
                    base_url="http://testserver") as browser:
        response = browser.get("/account/oidc/start", follow_redirects=False)
    assert response.status_code == 400 and response.json()["key"] == "oidc.unavailable"


@pytest.mark.parametrize("unsafe", ["//evil.example/", "/\\evil.example", "https://evil.example/", "evil",
                                    "/\t/evil.example", ""])
def test_unsafe_next_path_falls_back_to_account(provider: OIDCProvider, browser: TestClient, unsafe: str) -> None:
    response = callback(browser, go_to_provider(browser, next_path=unsafe))
    assert response.status_code == 200 and response.json()["next"] == "/account/"


@pytest.mark.parametrize(("value", "expected"), [
    ("/events/?page=2#top", "/events/?page=2#top"), ("/account/", "/account/"), (None, "/account/"),
    ("///evil.example", "/account/"), ("/\\/evil.example", "/account/"), ("javascript:alert(1)", "/account/"),
    ("/ok\n/", "/account/"), (" /events/", "/account/"),
])
def test_safe_next_path(value: str | None, expected: str) -> None:
    assert safe_next_path(value) == expected


def test_scope_without_openid_is_a_configuration_error(provider: OIDCProvider) -> None:
    settings = OIDCSettings(name="x", discovery_url=f"{provider.issuer}/.well-known/openid-configuration",
                            client_id="x", client_secret="y", scope="email")
    with pytest.raises(ValueError, match="openid"):
        OIDCClient(settings, MemoryStateStore())


def test_state_store_values_are_json_copies() -> None:
    clock = Clock()
    store = MemoryStateStore(clock)
    value = {"a": [1, 2]}
    store.put("k", value, ttl_seconds=10)
    value["a"].append(3)
    assert store.pop("k") == {"a": [1, 2]} and store.pop("k") is None
    store.put("k", value, ttl_seconds=10)
    clock.now += 10
    assert store.pop("k") is None
