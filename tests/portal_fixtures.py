"""Fixtures for portal tests: settings, db, app, client, member — real SQLite, real SMTP, a small site.

conftest.py imports them, so every test module can ask for them by name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from portal.app import create_app
from portal.core import identity, passwords
from portal.core.companies import find_or_create_company, get_company
from portal.core.db import connect
from portal.core.settings import Settings, load_settings
from site_builder.compress import compress_files

REPO = Path(__file__).resolve().parent.parent
BASE_URL = "http://127.0.0.1:8000"
PASSWORD = "lampochka-ilyicha-2026"
SECRET_TEXT = "Доля светодиодных панелей в офисном сегменте выросла до сорока процентов"
TEASER = ('<aside class="club-teaser" data-club-teaser data-club-access="members"><h2>Для участников</h2>'
          '<a href="/account/register?next=/analytics/report/">Вступить</a></aside>')


def page(body: str) -> str:
    return f'<html><head><script>var inline = 1;</script></head><body>{body}</body></html>'


@pytest.fixture
def mini_site(tmp_path: Path) -> Path:
    """site/public, site/private and a manifest with one members-only and one registered-only page."""
    site = tmp_path / "site"
    files = {
        "public/index.html": page("home"),
        "public/404.html": page("nothing here"),
        "public/style.css": "body{}",
        "public/analytics/index.html": page("catalogue"),
        "public/analytics/report/index.html": page("<p>Preview of the report.</p>" + TEASER),
        "public/analytics/brief/index.html": page("<p>Preview of the brief.</p>" + TEASER),
        "public/search/search_index.json": '{"docs": ["public"]}',
        "private/analytics/report/index.html": page(f"<p>Preview of the report.</p><p>{SECRET_TEXT}</p>"),
        "private/analytics/brief/index.html": page("<p>The whole brief for registered readers.</p>"),
        "private/search/search_index.json": '{"docs": ["public", "members"]}',
    }
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    (tmp_path / "outside.txt").write_text("TOP SECRET OUTSIDE")
    entries = {"/analytics/report/": {"access": "members", "title": "Отчёт", "summary": "s", "file": "x"},
               "/analytics/brief/": {"access": "registered", "title": "Обзор", "summary": "s", "file": "y"}}
    (site / "manifest.json").write_text(json.dumps({"version": 1, "pages": entries}), encoding="utf-8")
    return site


PAD = "<p>" + "Светодиодные панели для офиса и торговых залов. " * 40 + "</p>"  # over the build's 1 KB


@pytest.fixture
def packed(mini_site: Path) -> Path:
    """mini_site with pages over 1 KB, compressed as `club build` does; returns the site folder."""
    pages = {"public/index.html": page("home" + PAD), "public/style.css": "body{}" + "/* c */" * 200,
             "public/analytics/report/index.html": page("<p>Preview of the report.</p>" + TEASER + PAD),
             "public/search/search_index.json": '{"docs": ["public", "' + "x" * 2000 + '"]}',
             "private/analytics/report/index.html": page(f"<p>{SECRET_TEXT}</p>" + PAD),
             "private/search/search_index.json": '{"docs": ["public", "members", "' + "x" * 2000 + '"]}'}
    for rel, text in pages.items():
        (mini_site / rel).write_text(text, encoding="utf-8")
    for root in ("public", "private"):
        compress_files(mini_site / root, [rel.split("/", 1)[1] for rel in pages if rel.startswith(root)])
    return mini_site


@pytest.fixture
def settings(tmp_path: Path, mini_site: Path, smtp) -> Settings:
    env = {"CLUB_DATABASE": str(tmp_path / "var" / "club.db"), "CLUB_SITE_DIR": str(mini_site),
           "CLUB_BASE_URL": BASE_URL, "CLUB_SMTP_URL": smtp.url, "CLUB_CONFIG": str(REPO / "mkdocs.yml")}
    return load_settings(env_file=None, environ_=env)


@pytest.fixture
def db(settings: Settings):
    database = connect(settings.database)
    yield database
    database.conn.close()


@pytest.fixture
def app(settings: Settings):
    application = create_app(settings)
    yield application
    application.state.portal.db.conn.close()


@pytest.fixture
def client(app) -> TestClient:
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def submit(client: TestClient, form_page: str, action: str, data: dict, **kwargs):
    """GET the page with the form, then POST `data` with its CSRF token (as a browser would)."""
    token = csrf_of(client.get(form_page).text)
    return client.post(action, data={"csrf": token, **data}, follow_redirects=False, **kwargs)


@dataclass
class Person:
    user: identity.User
    email: str
    password: str
    client: TestClient


def make_user(db, email: str, *, member: bool = False, confirmed: bool = True, role: str | None = None,
              name: str = "Анна Светлова") -> identity.User:
    user = identity.create_user(db, name=name, email=email, password_hash=passwords.hash_password(PASSWORD),
                                language="ru", consent=True, confirmed=confirmed, role=role)
    if member:
        company = find_or_create_company(db, "ООО «Свет-Монтаж»")
        identity.update_profile(db, user.id, identity.ProfileUpdate(name=user.name, company_id=company.id,
                                                                    phone="+79123456789"))
    return identity.get_user(db, user.id)


def sign_in(client: TestClient, email: str, password: str = PASSWORD, next_path: str = "/account/"):
    data = {"email": email, "password": password, "next": next_path}
    response = submit(client, "/account/login", "/account/login", data)
    assert response.status_code == 303, response.text
    return response


@pytest.fixture
def member(app, client) -> Person:
    """A confirmed member (company + phone), signed in on `client`."""
    db = app.state.portal.db
    user = make_user(db, "anna@svet-montazh.ru", member=True)
    sign_in(client, user.email)
    return Person(user, user.email, PASSWORD, client)


@pytest.fixture
def registered(app, client) -> Person:
    """A confirmed reader without company and phone, signed in on `client`."""
    user = make_user(app.state.portal.db, "boris@example.ru")
    sign_in(client, user.email)
    return Person(user, user.email, PASSWORD, client)


@pytest.fixture
def company(app, member):
    """The signed-in member's company (a core.companies.Company)."""
    return get_company(app.state.portal.db, member.user.company_id)


@pytest.fixture
def manager(app) -> Person:
    """A club manager (role staff: works with partner companies), signed in on a TestClient of their own."""
    user = make_user(app.state.portal.db, "olga@club.example", role="staff", name="Ольга Кураторова")
    with TestClient(app, base_url=BASE_URL) as staff_client:
        sign_in(staff_client, user.email)
        yield Person(user, user.email, PASSWORD, staff_client)


def with_settings(settings: Settings, **changes) -> Settings:
    return replace(settings, **changes)


def last_link(smtp, count: int, path: str) -> str:
    """The link to `path` in the plain-text part of message number `count`, as a local URL."""
    message = smtp.wait_for(count)[count - 1].message
    text = message.get_body(("plain",)).get_content()
    found = re.search(re.escape(BASE_URL + path) + r"\S*", text)
    assert found, f"no {path} link in:\n{text}"
    return found.group(0).removeprefix(BASE_URL)


# A stored name as rows written before one-line fields were cleaned can hold it (tests write it with SQL).
OLD_NAME = "Вера\nСтарые\r\nДанные\x00Т"
OLD_NAME_CLEANED = "Вера Старые Данные Т"


def assert_one_line_headers(message) -> None:
    """Every header of a received message (parsed by the `email` package) is one line without controls."""
    from portal.core.oneline import one_line

    assert not message.defects, message.defects
    for name, value in message.items():
        assert not value.defects, (name, value.defects)
        assert str(value) == one_line(str(value)), (name, str(value))


def addressed_to(received) -> tuple[str, str]:
    """(display name, address) of the one `To` of a received message, checked against the envelope."""
    assert_one_line_headers(received.message)
    [address] = received.message["To"].addresses
    assert received.recipients == [address.addr_spec]
    return address.display_name, address.addr_spec
