"""/staff/health/: the partner health table — its rows and columns, sorting, filters, drifting, pages,
CSV and XLSX of the filtered rows, the guard, and bad queries answered 400 with the form kept."""

import csv
import io
import re
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from portal.core import companies
from portal.points import shipments
from portal.points.shipments_file import Row
from tests.points.helpers import inn
from tests.portal_fixtures import BASE_URL, make_user, sign_in

TODAY = datetime.now(ZoneInfo("Europe/Moscow")).date()


def days_ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


@pytest.fixture
def club(app, manager):
    """Альфа: purchases halved (100,000 then 50,000), contacted today, Ольга's. Бета: no contact for 200 days,
    no manager. Гамма: purchases up 20 %, contacted today, Ольга's. Дубль: merged into Альфа (not listed)."""
    db = app.state.portal.db
    made = {}
    for number, (name, segment, region) in enumerate((("ООО «Альфа»", "installers", "central"),
                                                      ("ООО «Бета»", "designers", "northwest"),
                                                      ("ООО «Гамма»", "installers", "central"),
                                                      ("ООО «Дубль»", "installers", "central")), start=1):
        made[name] = companies.find_or_create_company(db, name, inn(number * 111)).id
        companies.set_details(db, made[name], segment, region, None)
    alpha, beta, gamma, double = made.values()
    for firm in (alpha, gamma):
        companies.set_account_manager(db, firm, manager.user.id, None)
        companies.note_contact(db, firm)
    companies.note_contact(db, beta, time.time() - 200 * 86400)
    lines = [(111, 270, 100_000), (111, 60, 50_000), (222, 60, 10_000), (333, 270, 100_000), (333, 60, 120_000)]
    shipments.import_rows(db, [Row(line, inn(number), days_ago(days), f"D{line}", roubles * 100)
                               for line, (number, days, roubles) in enumerate(lines, start=2)], "s.csv", time.time())
    companies.merge(db, double, alpha, None)
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "double": double}


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/staff/companies/\d+">([^<]+)</a>', html)


def test_every_live_company_with_every_column(manager, club):
    page = manager.client.get("/staff/health/")
    assert page.status_code == 200
    assert names(page.text) == ["ООО «Альфа»", "ООО «Бета»", "ООО «Гамма»"]  # the merged one is not listed
    assert f'href="/staff/companies/{club["alpha"]}"' in page.text
    for heading in ("Менеджер", "Последний контакт", "Закупки за 12 мес., ₽", "Динамика закупок, %", "Баллы",
                    "Мероприятий за 12 мес.", "Открытых обращений"):
        assert heading in page.text
    assert "150\u202f000" in page.text and "-50" in page.text and "Ольга Кураторова" in page.text


def test_sorting_by_a_column_both_ways_with_the_unknown_last(manager, club):
    down = manager.client.get("/staff/health/?sort=purchases_12m&dir=desc")
    assert names(down.text) == ["ООО «Гамма»", "ООО «Альфа»", "ООО «Бета»"]
    trend = manager.client.get("/staff/health/?sort=purchases_trend&dir=asc")
    assert names(trend.text) == ["ООО «Альфа»", "ООО «Гамма»", "ООО «Бета»"]  # Бета has no base: last
    trend = manager.client.get("/staff/health/?sort=purchases_trend&dir=desc")
    assert names(trend.text) == ["ООО «Гамма»", "ООО «Альфа»", "ООО «Бета»"]
    assert 'href="?sort=purchases_trend&amp;dir=asc"' in trend.text  # the heading flips the order


def test_filters_by_segment_region_and_manager(manager, club):
    client = manager.client
    assert names(client.get("/staff/health/?segment=installers").text) == ["ООО «Альфа»", "ООО «Гамма»"]
    assert names(client.get("/staff/health/?region=northwest").text) == ["ООО «Бета»"]
    assert names(client.get(f"/staff/health/?manager={manager.user.id}").text) == ["ООО «Альфа»", "ООО «Гамма»"]
    assert names(client.get("/staff/health/?manager=none").text) == ["ООО «Бета»"]


def test_drifting_partners(manager, club):
    client = manager.client
    assert names(client.get("/staff/health/?drifting=1").text) == ["ООО «Альфа»", "ООО «Бета»"]
    assert names(client.get("/staff/health/?drifting=1&drop=60").text) == ["ООО «Бета»"]  # down 50 %: not > 60
    assert names(client.get("/staff/health/?drifting=1&drop=60&quiet=300").text) == []


@pytest.mark.parametrize("query, problem", [
    ("sort=inn", "Такого столбца для сортировки нет."), ("dir=up", "Порядок — asc или desc."),
    ("drop=abc", "Процент — целое число"), ("drop=101", "Процент — целое число"),
    ("quiet=-5", "Дни — целое число"), ("page=0x1", "Номер страницы"), ("segment=pirates", ""),
    ("manager=999999", ""), ("quiet=99999999999999999999999", "Дни — целое число")])
def test_a_bad_query_is_400_with_the_form_kept(manager, club, query, problem):
    page = manager.client.get(f"/staff/health/?region=northwest&{query}")
    assert page.status_code == 400
    assert problem in page.text and 'class="p-error' in page.text
    assert '<option value="northwest" selected>' in page.text  # what was chosen stays chosen
    assert manager.client.get(f"/staff/health/export.csv?{query}").status_code == 400
    assert manager.client.get(f"/staff/health/export.xlsx?{query}").status_code == 400


def test_csv_of_the_filtered_rows_in_the_chosen_order(manager, club):
    response = manager.client.get("/staff/health/export.csv?segment=installers&sort=purchases_12m&dir=desc")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Компания", "Сегмент", "Регион", "Менеджер"]
    assert [(row[0], row[1], row[2]) for row in rows[1:]] == [
        ("ООО «Гамма»", "Монтажные организации", "Центральный ФО"), ("ООО «Альфа»", "Монтажные организации",
                                                                      "Центральный ФО")]
    trend = rows[0].index("Динамика закупок, %")
    assert rows[2][trend] == "-50.0"


def test_xlsx_keeps_numbers_and_dates_as_values(manager, club):
    response = manager.client.get("/staff/health/export.xlsx?drifting=1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    header, alpha = values[0], values[1]
    assert len(values) == 3 and alpha[0] == "ООО «Альфа»"
    assert alpha[header.index("Закупки за 12 мес., ₽")] == 150_000
    assert isinstance(alpha[header.index("Последний контакт")], datetime | date)


def test_pages_of_fifty(app, manager, club):
    db = app.state.portal.db
    for number in range(55):
        companies.find_or_create_company(db, f"ООО «Лампа {number:02d}»")
    first = manager.client.get("/staff/health/?sort=name&dir=asc")
    assert len(names(first.text)) == 50 and "1 / 2" in first.text
    second = manager.client.get("/staff/health/?sort=name&dir=asc&page=2")
    assert len(names(second.text)) == 8 and "href=\"?sort=name&amp;dir=asc&amp;page=1\"" in second.text
    assert len(names(manager.client.get("/staff/health/?page=99").text)) == 8  # past the last: the last


@pytest.mark.parametrize("path", ["/staff/health/", "/staff/health/export.csv", "/staff/health/export.xlsx"])
def test_members_and_other_roles_are_refused(app, member, path):
    assert member.client.get(path, follow_redirects=False).status_code == 403
    for role in ("moderator", "editor"):
        make_user(app.state.portal.db, f"{role}-{path.count('x')}@club.example", role=role)
        with TestClient(app, base_url=BASE_URL) as other:
            sign_in(other, f"{role}-{path.count('x')}@club.example")
            assert other.get(path, follow_redirects=False).status_code == 403
    with TestClient(app, base_url=BASE_URL) as anonymous:
        assert anonymous.get(path, follow_redirects=False).status_code == 303


def test_the_staff_menu_shows_it_to_managers_only(app, manager, member):
    assert 'href="/staff/health/"' in manager.client.get("/staff/").text
    assert 'href="/staff/health/"' not in member.client.get("/account/").text


def test_the_rows_are_kept_a_minute_then_read_again(app, manager, club, monkeypatch):
    from portal.staff import health

    assert len(names(manager.client.get("/staff/health/").text)) == 3
    companies.find_or_create_company(app.state.portal.db, "ООО «Новая»")
    assert len(names(manager.client.get("/staff/health/?sort=name&dir=desc").text)) == 3  # sorted from the kept rows
    monkeypatch.setattr(health, "FRESH_SECONDS", 0.0)
    assert "ООО «Новая»" in names(manager.client.get("/staff/health/").text)
