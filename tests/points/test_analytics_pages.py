"""`/account/points/purchases` and its CSV and XLSX: the company's own numbers only, in both languages,
bad filters named (never a 500), the downloads equal to the table and safe to open in a spreadsheet."""

import csv
import io
import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from portal.core.companies import find_or_create_company, merge
from portal.core.identity import ProfileUpdate, update_profile
from portal.points import analytics, shipments
from portal.points.shipments_file import Row
from tests.points.helpers import inn
from tests.portal_fixtures import make_user, sign_in

PATH = "/account/points/purchases"


def today():
    return datetime.now(ZoneInfo("Europe/Moscow")).date()  # the club's zone (mkdocs.yml)


def months():
    return analytics.last_twelve(today()).months


def seed(db, name: str, number: int, base: int, groups=("Драйверы", "Трековые системы")) -> int:
    """The company `name` with the INN inn(number): each month of the period and the year before, each group
    `base` roubles plus the month's number (so every cell differs)."""
    company = find_or_create_company(db, name, inn(number))
    rows, line = [], 1
    for index, month in enumerate(months(), 1):
        for earlier in (0, 1):
            at = analytics.month_shift(month, -12 * earlier)
            for g, group in enumerate(groups):
                line += 1
                rubles = base + index * 1000 + g * 100 + (0 if earlier else 50_000)
                rows.append(Row(line, inn(number), f"{at}-15", f"D-{number}-{at}-{g}", rubles * 100 + 25, group))
    shipments.import_rows(db, rows, "s.csv", 0.0)
    return company.id


@pytest.fixture
def bought(app, member):
    """The member's company (ООО «Свет-Монтаж») with two years of purchases."""
    return seed(app.state.portal.db, "ООО «Свет-Монтаж»", 11, 700_000)


def expected_total(base: int, groups: int = 2, earlier: bool = False) -> int:
    """Kopecks of the seeded company over the period (or the year before)."""
    return sum((base + index * 1000 + g * 100 + (0 if earlier else 50_000)) * 100 + 25
               for index in range(1, 13) for g in range(groups))


def ru(kopecks: int) -> str:
    """Money as the Russian page writes it: 18 157 206,00."""
    return f"{kopecks // 100:,}".replace(",", " ") + f",{kopecks % 100:02d}"


def nbsp(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def test_the_page_shows_the_chart_and_the_table(client, bought):
    response = client.get(PATH)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    text = nbsp(response.text)
    assert "<svg" in text and text.count("<rect") >= 24 and "<title>" in text
    assert ru(expected_total(700_000)) in text and ru(expected_total(700_000, earlier=True)) in text
    assert "Драйверы" in text and "Трековые системы" in text and "Итого" in text
    assert 'href="/account/points/purchases.csv?period=12m&amp;group="' in text


def test_english(app, client, bought):
    db = app.state.portal.db
    user = make_user(db, "en@svet-montazh.ru", member=True)
    db.execute("UPDATE users SET language = 'en' WHERE id = ?", [user.id])
    sign_in(client, user.email)
    text = client.get(PATH).text
    assert "Company purchases" in text and "A year before" in text and "Total" in text
    total = expected_total(700_000)
    assert f"{total // 100:,}.{total % 100:02d}" in text


def test_nothing_from_another_host(client, bought):
    text = client.get(PATH).text
    for attribute in re.findall(r'(?:src|href|action|xlink:href)="([^"]*)"', text):
        assert attribute.startswith(("/", "#", "?")), attribute
    svg = text.split("<svg")[1].split("</svg>")[0]
    assert "http" not in svg and "url(" not in svg and "<image" not in svg and "<script" not in svg


def test_a_member_sees_only_their_own_company(app, client, bought):
    db = app.state.portal.db
    other = seed(db, "ООО «Чужие Закупки»", 12, 3_333_000, groups=("Уличный свет",))
    stranger = make_user(db, "b@other.ru")
    update_profile(db, stranger.id, ProfileUpdate(name="Борис", company_id=other, phone="+79120000000"))
    sign_in(client, stranger.email)
    mine = nbsp(client.get(PATH).text)
    assert "Уличный свет" in mine and "Драйверы" not in mine and "Свет-Монтаж" not in mine
    assert ru(expected_total(3_333_000, 1)) in mine and ru(expected_total(700_000)) not in mine
    for fmt in ("csv", "xlsx"):
        body = client.get(f"{PATH}.{fmt}").content
        assert "Драйверы".encode() not in body
    # No id in the address to walk: a company parameter is ignored, not obeyed.
    assert "Драйверы" not in client.get(PATH + "?company=1&company_id=1").text


def test_a_merged_duplicates_purchases_count_for_the_company(app, client, bought):
    db = app.state.portal.db
    duplicate = seed(db, "ООО «Свет Монтаж Дубль»", 13, 1_000, groups=("Драйверы",))
    merge(db, duplicate, bought, None)
    text = nbsp(client.get(PATH).text)
    assert ru(expected_total(700_000) + expected_total(1_000, 1)) in text


@pytest.mark.parametrize("query", [
    "period=abc", "period=1999", "period=2026-01", "period=" + "9" * 500, "period=12m&group=Нет такой",
    "group=%3Cscript%3Ealert(1)%3C/script%3E", "group=" + "я" * 5000, "period=12m&period=x", "period=1%002",
])
def test_bad_filters_come_back_named_never_a_500(client, bought, query):
    response = client.get(f"{PATH}?{query}")
    assert response.status_code == 400 and response.headers["cache-control"] == "no-store"
    assert 'class="p-error"' in response.text and "<script>alert" not in response.text
    for fmt in ("csv", "xlsx"):
        assert client.get(f"{PATH}.{fmt}?{query}").status_code == 400


def test_bad_input_is_kept_in_the_form(client, bought):
    text = client.get(f"{PATH}?period=12m&group=Нет+такой").text
    assert "«Нет такой»" in text and 'value="12m" selected' in text


def test_unknown_parameters_and_the_defaults_are_fine(client, bought):
    for query in ("", "period=", "period=12m", "group=", "x=1", "page=-1", f"period={today().year}",
                  "group=Драйверы", f"period={today().year - 1}&group=Трековые+системы",
                  "period=%00", "group=%00%0A"):  # control characters only: nothing chosen
        assert client.get(f"{PATH}?{query}").status_code == 200, query


def test_the_group_filter_shows_that_group_only(client, bought):
    rows = list(csv.reader(io.StringIO(client.get(f"{PATH}.csv?group=Драйверы").content.decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[0][1:-3] == ["Драйверы"]
    assert Decimal(rows[13][2].replace(",", ".")) * 100 == expected_total(700_000, 1)


def parsed_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_and_xlsx_equal_the_table(app, client, bought):
    db = app.state.portal.db
    period = analytics.last_twelve(today())
    table = analytics.table(shipments.company_months(db, [bought], period.compared_start, period.end), period)
    response = client.get(PATH + ".csv")
    assert response.headers["cache-control"] == "no-store"
    first, last = period.months[0], period.months[-1]
    assert f'filename="purchases-ooo-svet-montazh-{first}_{last}.csv"' in response.headers["content-disposition"]
    rows = parsed_csv(response.content)
    # The biggest group first (Трековые системы: 100 roubles a month more)
    assert rows[0] == ["Месяц", "Трековые системы", "Драйверы", "Итого", "Год назад", "Изменение, %"]
    book = load_workbook(io.BytesIO(client.get(PATH + ".xlsx").content))
    sheet = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert sheet[0] == rows[0]
    for number, line in enumerate((*table.lines, table.totals), 1):
        wanted = [*line.amounts, line.total, line.before]
        assert [Decimal(cell.replace(",", ".")) * 100 for cell in rows[number][1:5]] == wanted
        assert [round(Decimal(str(cell)) * 100) for cell in sheet[number][1:5]] == wanted
        assert Decimal(rows[number][5].replace(",", ".")) == line.change == Decimal(str(sheet[number][5]))
        assert rows[number][0] == sheet[number][0] == (line.month or "Итого")
    assert [Decimal(cell.replace(",", ".")) for cell in rows[14][1:3]] == list(table.shares)
    assert len(rows) == len(sheet) == 15


def test_formula_like_group_names_are_text(app, client, member):
    db = app.state.portal.db
    seed(db, "ООО «Свет-Монтаж»", 11, 1_000, groups=("=HYPERLINK(\"http://x\")", "+7 Лампы", "@SUM", "-1"))
    header = parsed_csv(client.get(PATH + ".csv").content)[0]
    assert sorted(header[1:5]) == sorted(["'=HYPERLINK(\"http://x\")", "'+7 Лампы", "'@SUM", "'-1"])
    sheet = load_workbook(io.BytesIO(client.get(PATH + ".xlsx").content)).active
    for cell in sheet[1]:
        assert cell.data_type == "s" and not str(cell.value).startswith(("=", "+", "@", "-"))


def test_a_person_without_a_company_gets_the_no_points_page(client, registered):
    for path in (PATH, PATH + ".csv", PATH + ".xlsx"):
        response = client.get(path)
        assert response.status_code == 200 and "Укажите в профиле компанию и телефон" in response.text


def test_anonymous_is_sent_to_sign_in(client):
    for path in (PATH, PATH + ".csv", PATH + ".xlsx"):
        assert client.get(path, follow_redirects=False).status_code == 303


def test_a_company_without_purchases(client, member):
    response = client.get(PATH)
    assert response.status_code == 200 and "В этом периоде закупок нет." in response.text
    rows = parsed_csv(client.get(PATH + ".csv").content)
    assert rows[0] == ["Месяц", "Итого", "Год назад", "Изменение, %"] and rows[13] == ["Итого", "0,00", "0,00", ""]
