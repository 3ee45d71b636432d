"""Every route, every method, as every kind of visitor, with malformed ids, digits and tokens: never a 500.

The routes are read from the app itself and the form field names from the portal's source, so a new
page is walked without editing this test.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

import pytest
from starlette.convertors import IntegerConvertor, PathConvertor, StringConvertor
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from portal.core.sessions import cookie_name, hash_session_id
from portal.forum import store
from tests.portal_fixtures import BASE_URL, csrf_of, make_user

pytestmark = pytest.mark.slow
PORTAL = Path(__file__).resolve().parents[2] / "portal"
TEMPLATES = Path(__file__).resolve().parents[2] / "themes" / "portal" / "templates"

BAD_IDS = ["99999999999999999999", "9223372036854775808", "²", "%C2%B2", "٣", "-1", "0", "1e3"]
BAD_STRINGS = ["²", "%C3%A9", "é", "%00", "x" * 300, "..", "%2e%2e"]
BAD_PATHS = ["../../etc/passwd", "%2e%2e/%2e%2e/x", "²", "a/b/c", "é" * 50]
BAD_TOKENS = ["é", "%C3%A9", "a.b", "x" * 500, "..%2f", "eyJhbGciOiJub25lIn0.e30."]
BAD_VALUES = ["²", "99999999999999999999", "é", "-1", "\x00", "1e3", "//evil.example/", "x" * 5000]
QUERY_NAMES = ("page", "quote", "user", "queued", "cancelled", "next", "token", "q", "to", "variant", "part",
               "lang", "notice", "email", "confirmed", "state", "error", "unread", "code")


def form_field_names() -> set[str]:
    """Every field name a handler reads (form.text("name"), ...) or a template's form sends (name="...")."""
    in_code = re.compile(r"""form\.(?:text|password|checked|many|get|getlist)\(\s*["'](\w+)["']""")
    in_templates = re.compile(r'<(?:input|select|textarea|button)\b[^>]*\bname="(\w+)"|\bwith name="(\w+)"')
    names = {name for path in PORTAL.rglob("*.py") for name in in_code.findall(path.read_text(encoding="utf-8"))}
    return names | {name for path in TEMPLATES.rglob("*.html")
                    for pair in in_templates.findall(path.read_text(encoding="utf-8")) for name in pair if name}


def values_for(route: Route) -> list[dict[str, str]]:
    """Path parameter sets: each parameter in turn gets each malformed value, the others a plausible one."""
    plausible, bad = {}, {}
    for name, convertor in route.param_convertors.items():
        if isinstance(convertor, IntegerConvertor):
            plausible[name], bad[name] = "1", BAD_IDS
        elif isinstance(convertor, PathConvertor):
            plausible[name], bad[name] = "newsletters/x", BAD_PATHS
        elif isinstance(convertor, StringConvertor) and name in ("slug", "handle"):
            plausible[name], bad[name] = "obshchee", BAD_STRINGS
        else:
            plausible[name], bad[name] = "x.y", BAD_TOKENS
    sets = [plausible]
    for name, values in bad.items():
        sets += [{**plausible, name: value} for value in values]
    return sets


def combinations(route: Route) -> list[tuple[dict[str, str], str]]:
    """Plausible path parameters with every malformed field value; each malformed parameter with one."""
    plausible, *malformed = values_for(route)
    return [(plausible, bad) for bad in BAD_VALUES] + \
        [(params, BAD_VALUES[i % len(BAD_VALUES)]) for i, params in enumerate(malformed)]


def fill(path: str, params: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: params[m.group(1)], path)


def mint_session(app, client: TestClient, user_id: int) -> str:
    """A signed-in browser without the login form (hundreds of sign-ins would trip the throttle)."""
    raw = secrets.token_urlsafe(32)
    db, settings = app.state.portal.db, app.state.portal.settings
    db.execute("INSERT INTO sessions (id_hash, user_id, created, last_seen, user_agent, ip) VALUES (?, ?, ?, ?, ?, ?)",
               [hash_session_id(raw), user_id, time.time(), time.time(), "walker", "127.0.0.1"])
    client.cookies.set(cookie_name(settings), raw)
    return csrf_of(client.get("/account/profile").text)


@pytest.fixture
def visitors(app, forum):
    db = app.state.portal.db
    people = {"member": make_user(db, "anna@svet-montazh.ru", member=True),
              "moderator": make_user(db, "mod@club.example", member=True, role="moderator", name="Модератор"),
              "admin": make_user(db, "admin@club.example", member=True, role="admin", name="Админ")}
    topic, _ = store.create_topic(db, forum, people["member"], "Тема для обхода", "Первое сообщение темы.")
    assert topic.id == 1
    return people


def routes_of(app) -> list[Route]:
    return [route for route in app.router.routes if isinstance(route, Route) and not isinstance(route, Mount)]


def test_no_route_answers_500_to_malformed_input(app, visitors):
    fields = form_field_names()
    assert {"csrf", "user", "days", "position", "title", "body"} <= fields
    failures: list[str] = []
    clients = {"anonymous": (TestClient(app, base_url=BASE_URL, raise_server_exceptions=False), None)}
    for role, user in visitors.items():
        client = TestClient(app, base_url=BASE_URL, raise_server_exceptions=False)
        clients[role] = (client, user)
    for route in routes_of(app):
        for role, (client, user) in clients.items():
            token = mint_session(app, client, user.id) if user else csrf_of(client.get("/account/login").text)
            for number, (params, bad) in enumerate(combinations(route)):
                query = {name: bad for name in QUERY_NAMES[number % 2::2]}
                failures += walk(client, route, fill(route.path, params), query, fields, bad, token, role)
    assert not failures, "\n".join(failures[:40])


def walk(client, route, url, query, fields, bad, token, role) -> list[str]:
    found = []
    for method in sorted(route.methods or {"GET"}):
        if method == "HEAD":
            continue
        attempts = [{}] if method == "GET" else [{"csrf": token, **dict.fromkeys(fields - {"csrf"}, bad)},
                                                  {"csrf": bad}]
        for data in attempts:
            response = client.request(method, url, params=query, data=data or None, follow_redirects=False)
            if response.status_code >= 500 or "Traceback" in response.text:
                found.append(f"{role} {method} {url} {query if method == 'GET' else data.get('csrf')!r}: "
                             f"{response.status_code}")
    return found
