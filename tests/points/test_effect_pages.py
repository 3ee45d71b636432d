"""`/staff/points/effect/` and its CSV and XLSX: staff only, bad parameters named with the input kept (400),
the numbers with the companies behind them, the downloads equal to the page; the dashboard panel's figure."""

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal.core.companies import fill_missing_details, find_or_create_company
from portal.points import customers, effect_pages, shipments
from portal.points.analytics import month_shift
from portal.points.customers_file import Customer
from portal.points.shipments_file import Row
from tests.points.helpers import inn

PAGE, MEMBER, C1, C2 = "/staff/points/effect/", inn(7001), inn(7002), inn(7003)


@pytest.fixture
def seeded(app):
    """A member that joined four months ago (window 2: months -6, -5 before; -3, -2 after) and two look-alikes:
    the member 100 -> 300 roubles a month (+200), C1 100 -> 100 (0), C2 100 -> 200 (+100): the look-alikes +50
    on average, the effect 150. C2 also has a document of 999 roubles reversed to 0."""
    db = app.state.portal.db
    now = today_of(app)
    joined = month_shift(now, -4)
    company = find_or_create_company(db, "ООО «Эффект»", MEMBER)
    fill_missing_details(db, company.id, "installers", "central")
    customers.import_rows(db, [Customer(2, MEMBER, "ООО «Эффект»", "installers", "central", f"{joined}-10"),
                               Customer(3, C1, "ООО «Ровный»", "installers", "central", None),
                               Customer(4, C2, "ООО «Растущий»", "installers", "central", None)], "r.csv", 1.0)
    amounts = {MEMBER: (100, 100, 300, 300), C1: (100, 100, 100, 100), C2: (100, 100, 200, 200)}
    rows = [Row(2, who, f"{month_shift(joined, offset)}-05", f"{who}-{offset}", roubles * 100)
            for who, values in amounts.items() for offset, roubles in zip((-2, -1, 1, 2), values, strict=True)]
    rows.append(Row(3, C2, f"{month_shift(joined, -2)}-07", "corrected", 999_00))
    shipments.import_rows(db, rows, "s.csv", 1.0)
    shipments.import_rows(db, [Row(3, C2, f"{month_shift(joined, -2)}-07", "corrected", 0)], "fix.csv", 2.0)
    return company


def today_of(app) -> str:
    """This month in the club's zone (the page's "today")."""
    return datetime.now(app.state.portal.zone).strftime("%Y-%m")


def test_only_staff(client, member):
    for path in (PAGE, "/staff/points/effect.csv", "/staff/points/effect.xlsx"):
        assert client.get(path).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(PAGE, follow_redirects=False).status_code == 303


def test_the_page_shows_the_method_the_effect_and_the_counts(manager, seeded):
    page = manager.client.get(PAGE + "?window=2&churn=3")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = page.text
    assert "Как считаем" in text and "Самоотбор" in text and "club points customers import" in text
    # the reversal of C2's 999 roubles nets out: the effect is 150 roubles a month
    assert "на 150,00 ₽ в месяц больше" in text and "(участников: 1, похожих клиентов: 2)" in text
    assert "<svg" in text and "Участники, месяц +1: 300,00 ₽" in text
    assert 'href="/staff/points/effect.csv?window=2&amp;churn=3"' in text
    assert 'href="/staff/points/effect/"' in manager.client.get("/staff/points/").text


def test_english(app, manager, seeded):
    app.state.portal.db.execute("UPDATE users SET language = 'en' WHERE id = ?", [manager.user.id])
    text = manager.client.get(PAGE + "?window=2").text
    assert "The method" in text and "Self-selection" in text
    assert "came to buy 150.00 roubles a month more" in text and "(members: 1, look-alike customers: 2)" in text


@pytest.mark.parametrize(("query", "field"), [("window=0", "window"), ("window=13", "window"), ("window=abc", "window"),
                                               ("churn=-1", "churn"), ("churn=99999999999999999999999", "churn"),
                                               ("window=%D9%A3", "window"), ("churn=%00", "churn"),
                                               ("window=" + "x" * 5000, "window"), ("churn=1e3", "churn")])
def test_bad_parameters_come_back_named_with_the_input_kept(manager, seeded, query, field):
    for path in (PAGE, "/staff/points/effect.csv", "/staff/points/effect.xlsx"):
        response = manager.client.get(f"{path}?{query}")
        assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
        assert f'id="e-{field}"' in response.text and "Целое число от 1 до 12." in response.text
    kept = manager.client.get(f"{PAGE}?{query}").text
    value = query.split("=", 1)[1][:effect_pages.INPUT_LIMIT]
    assert f'name="{field}" value="' in kept and (value in kept or "%" in value)


def test_csv_and_xlsx_carry_the_same_numbers(manager, seeded):
    response = manager.client.get("/staff/points/effect.csv?window=2&churn=3")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert 'filename="club-effect-' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Раздел", "Показатель", "Участники", "Похожие клиенты", "Разница", "Компаний-участников",
                       "Похожих клиентов"]
    assert "В среднем в месяц, 2 мес. до, ₽" in [row[1] for row in rows]
    change = next(row for row in rows if row[1] == "Прирост в месяц, ₽")
    assert change[2:] == ["200,00", "50,00", "150,00", "1", "2"]
    assert any(row[0] == "Отток" for row in rows) and any(row[0].startswith("Когорты") for row in rows)
    book = load_workbook(io.BytesIO(manager.client.get("/staff/points/effect.xlsx?window=2").content))
    sheet = [list(row) for row in book.active.iter_rows(values_only=True)]
    line = next(row for row in sheet if row[1] == "Прирост в месяц, ₽")
    assert [Decimal(str(v)) for v in line[2:5]] == [200, 50, 150] and line[5:] == [1, 2]


def test_no_data_yet(manager):
    text = manager.client.get(PAGE).text
    assert "Пока не с чем сравнивать" in text and "Участников с известной датой вступления пока нет." in text


def test_no_cell_of_the_csv_starts_like_a_formula(manager, seeded):
    content = manager.client.get("/staff/points/effect.csv?window=2").content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(content), delimiter=";") for cell in row]
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    # month +1: the member's 300 roubles, the look-alikes' (100 + 200) / 2
    assert next(row for row in rows if row[1] == "Месяц от вступления +1")[2:] == ["300,00", "150,00", "150,00",
                                                                                   "1", "2"]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not cell[1:2].isdigit())]
