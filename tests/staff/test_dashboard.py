"""/staff/: the dashboard through HTTP — panels by role, in order, with the tools beside them; the period
form and its 400; the numbers compared ("new", "—"); CSV and XLSX downloads; a new registration on the
page at once while the cache is warm; a broken panel never takes the page down; nothing from other hosts."""

import io
import re
import sqlite3

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from portal.core.capability import Capability
from portal.core.dashboard import DashboardPanel, Figure, PanelFigures
from tests.portal_fixtures import BASE_URL, make_user, sign_in

QUARTER = "?period=quarter&at=2026-05-15"


@pytest.fixture
def staff_client(app):
    def signed_in(role: str) -> TestClient:
        make_user(app.state.portal.db, f"{role}@club.example", role=role, name="Сотрудник Клуба")
        client = TestClient(app, base_url=BASE_URL)
        sign_in(client, f"{role}@club.example")
        return client
    return signed_in


def add_registration(db, email: str, created: str) -> None:
    db.execute("INSERT INTO users (email, name, created_at, updated_at) VALUES (?, 'Имя', ?, ?)",
               [email, created, created])


def registrations(html: str) -> str:
    """The registrations row's cells (this period, previous, change, a year before, change)."""
    row = re.search(r'Регистраций</a>.*?</tr>', html, re.S).group(0)
    return " | ".join(re.findall(r'<td class="p-number">(?:<strong>)?([^<]*)', row))


def test_each_role_sees_its_panels_in_order_and_the_tools_stay(app, staff_client):
    add_registration(app.state.portal.db, "new@x.ru", "2026-05-02T10:00:00+00:00")
    admin = staff_client("admin").get("/staff/" + QUARTER).text
    headings = re.findall(r'<h3 id="panel-([a-z_]+)">', admin)
    assert headings[:1] == ["members"] and {"members", "newsletters", "forum"} <= set(headings)
    assert headings.index("newsletters") < headings.index("forum")
    assert 'href="/staff/members"' in admin and "<svg" in admin and "<details" in admin
    moderator = staff_client("moderator").get("/staff/" + QUARTER).text
    assert 'id="panel-newsletters"' not in moderator and 'id="panel-forum"' in moderator
    assert 'href="/forum/mod/flags"' in moderator
    assert 'href="/staff/members"' not in moderator   # the members' list refuses moderators: no link to it


def test_members_are_refused(member):
    assert member.client.get("/staff/" + QUARTER).status_code == 403
    assert member.client.get("/staff/dashboard/members.csv" + QUARTER).status_code == 403


def test_from_zero_is_new_and_nothing_is_a_dash(app, staff_client):
    add_registration(app.state.portal.db, "new@x.ru", "2026-05-02T10:00:00+00:00")
    html = staff_client("staff").get("/staff/" + QUARTER).text
    assert registrations(html) == "1 | 0 | новое | 0 | новое"
    forum = re.search(r'id="panel-forum".*?</section>', html, re.S).group(0)
    assert "—" in forum and "∞" not in html and "inf" not in html.lower().replace("info", "")


@pytest.mark.parametrize(("query", "field"), [("?period=week", "f-period"), ("?period=quarter&at=2026-13-01", "f-at"),
                                              ("?period=custom&from=2026-05-01&to=2026-04-01", "f-to"),
                                              ("?period=custom&from=&to=2026-04-01", "f-from")])
def test_a_bad_period_brings_the_form_back_with_the_problem_named(staff_client, query, field):
    response = staff_client("staff").get("/staff/" + query)
    assert response.status_code == 400
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', response.text)
    assert 'class="p-error"' in response.text and 'id="panel-' not in response.text
    assert 'href="/staff/members"' in response.text          # the tools are still there
    if "2026-13-01" in query:
        assert 'value="2026-13-01"' in response.text          # what was typed is kept


def test_csv_and_xlsx_hold_the_panels_numbers(app, staff_client):
    add_registration(app.state.portal.db, "a@x.ru", "2026-05-02T10:00:00+00:00")
    add_registration(app.state.portal.db, "b@x.ru", "2025-05-02T10:00:00+00:00")
    client = staff_client("staff")
    csv = client.get("/staff/dashboard/members.csv" + QUARTER)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert 'filename="members-2026-04-01-2026-07-01.csv"' in csv.headers["content-disposition"]
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Показатель;Строка;1 апр. 2026 – 30 июн. 2026;1 янв. 2026 – 31 мар. 2026;")
    assert "Регистраций;;1;0;1;новое;±0 %;" in lines
    assert any(line.startswith("Регистрации по уровню (сейчас);Адрес не подтверждён;1;0;1") for line in lines), lines
    book = load_workbook(io.BytesIO(client.get("/staff/dashboard/members.xlsx" + QUARTER).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][:5] == ("Регистраций", None, 1, 0, 1)


def test_downloads_are_guarded_like_the_page(staff_client):
    moderator = staff_client("moderator")
    assert moderator.get("/staff/dashboard/newsletters.csv" + QUARTER).status_code == 403
    assert moderator.get("/staff/dashboard/forum.xlsx" + QUARTER).status_code == 200
    assert moderator.get("/staff/dashboard/nothing.csv" + QUARTER).status_code == 404
    assert moderator.get("/staff/dashboard/forum.pdf" + QUARTER).status_code == 404
    assert moderator.get("/staff/dashboard/forum.csv?period=custom&from=x").status_code == 400


def test_a_new_registration_shows_at_once_while_the_cache_is_warm(app, staff_client, settings):
    client = staff_client("staff")
    add_registration(app.state.portal.db, "first@x.ru", "2026-05-02T10:00:00+00:00")
    assert registrations(client.get("/staff/" + QUARTER).text).startswith("1 |")
    assert registrations(client.get("/staff/" + QUARTER).text).startswith("1 |")   # warm
    add_registration(app.state.portal.db, "second@x.ru", "2026-05-03T10:00:00+00:00")   # this connection
    assert registrations(client.get("/staff/" + QUARTER).text).startswith("2 |")
    other = sqlite3.connect(settings.database)                                         # another worker's
    with other:
        other.execute("INSERT INTO users (email, name, created_at, updated_at) VALUES ('third@x.ru', 'Имя', "
                      "'2026-05-04T10:00:00+00:00', '2026-05-04T10:00:00+00:00')")
    other.close()
    assert registrations(client.get("/staff/" + QUARTER).text).startswith("3 |")


def broken(db, settings, period, language):
    raise RuntimeError("a panel's own bug")


def first(db, settings, period, language):
    return PanelFigures(figures=(Figure("one", "dash.forum.posts", 7),))


def test_any_registered_panel_renders_in_order_and_a_broken_one_does_not_take_the_page(app, staff_client, caplog):
    portal = app.state.portal
    portal.capabilities = (*portal.capabilities, Capability(name="extra", dashboard_panels=(
        DashboardPanel("broken", "dash.forum.title", broken, order=1), DashboardPanel("first", "dash.nl.title", first,
                                                                                        order=0))))
    response = staff_client("editor").get("/staff/" + QUARTER)
    assert response.status_code == 200
    headings = re.findall(r'<h3 id="panel-([a-z_]+)">', response.text)
    assert headings[:3] == ["first", "broken", "members"]
    assert "Эти показатели сейчас недоступны" in response.text and "a panel's own bug" in caplog.text
    assert staff_client("admin").get("/staff/dashboard/broken.csv" + QUARTER).status_code == 503


def test_the_page_asks_nothing_of_other_hosts(staff_client):
    html = staff_client("admin").get("/staff/" + QUARTER).text
    assert not [url for url in re.findall(r'https?://[^\s"\'<>]+', html) if not url.startswith(BASE_URL)]
    assert "<script src" not in html


def test_the_dashboard_speaks_english(app, staff_client):
    add_registration(app.state.portal.db, "new@x.ru", "2026-05-02T10:00:00+00:00")
    html = staff_client("admin").get("/staff/" + QUARTER + "&lang=en").text
    assert "Club figures" in html and "Registrations" in html and "new" in html
    assert "Open rate" in html and "More reliable than the open rate" in html
    assert "Регистраций" not in html
