"""The table as rows for CSV and XLSX: the same numbers, formulas neutralised, an ASCII file name."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from portal.core.i18n import translate
from portal.points import analytics, purchases_export
from portal.points.analytics import Period


def t(key):
    return translate("ru", key)


TABLE = analytics.table([("2026-01", "=cmd|' /C calc'!A0", 123_45), ("2026-01", "", 100), ("2025-01", "Лампы", 50)],
                        Period("x", ("2026-01",)))


def test_rows_and_csv():
    rows = purchases_export.rows(TABLE, t)
    assert rows[0] == ["Месяц", "'=cmd|' /C calc'!A0", "Без группы", "Итого", "Год назад", "Изменение, %"]
    assert rows[1] == ["2026-01", Decimal("123.45"), Decimal("1.00"), Decimal("124.45"), Decimal("0.50"),
                       Decimal("24790.0")]
    assert rows[2][0] == "Итого" and rows[3][0] == "Доля, %" and rows[3][-3:] == [None, None, None]
    assert purchases_export.csv_rows(rows, "ru")[1][1:3] == ["123,45", "1,00"]
    assert purchases_export.csv_rows(rows, "en")[1][1:3] == ["123.45", "1.00"]
    assert purchases_export.csv_rows(rows, "en")[3][-1] == ""


def test_xlsx_numbers_are_numbers_and_texts_are_texts():
    rows = purchases_export.rows(TABLE, t)
    sheet = load_workbook(io.BytesIO(purchases_export.xlsx_bytes(rows, "Закупки: 2026/01"))).active
    assert sheet.title == "Закупки  2026 01"
    assert sheet["B1"].data_type == "s" and sheet["B1"].value == "'=cmd|' /C calc'!A0"
    assert sheet["B2"].value == Decimal("123.45") or sheet["B2"].value == 123.45
    assert sheet["B2"].number_format == "#,##0.00" and sheet["F2"].number_format == "+0.0;-0.0;0.0"
    assert sheet["B4"].number_format == "0.0"


def test_the_file_name_is_ascii_with_the_company_and_the_period():
    table = analytics.table([], analytics.last_twelve(date(2026, 12, 3)))
    assert (purchases_export.filename("ООО «Свет-Монтаж»", table, "csv")
            == "purchases-ooo-svet-montazh-2025-12_2026-11.csv")
    assert purchases_export.filename("Щука & Ёж", table, "xlsx") == "purchases-shchuka-ezh-2025-12_2026-11.xlsx"
    assert purchases_export.filename("«»", table, "csv") == "purchases-company-2025-12_2026-11.csv"
    assert purchases_export.filename('a"b\r\nc' * 30, table, "csv").isascii()
    assert '"' not in purchases_export.filename('a"b\r\nc', table, "csv")
