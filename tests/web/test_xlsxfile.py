"""portal/web/xlsxfile.py: texts stay texts, numbers and dates keep their formats, Excel's limits on names."""

import io
from datetime import datetime

from openpyxl import load_workbook

from portal.web.xlsxfile import sheet_title, xlsx_bytes


def test_a_text_that_looks_like_a_formula_is_never_one():
    rows = [["Имя", "Сумма", "Когда"], ['=HYPERLINK("http://x")', 1500.5, datetime(2026, 11, 5, 9, 30)]]
    body = xlsx_bytes(rows, "Отчёт", autofilter=True,
                      number_format=lambda cell: "DD.MM.YYYY" if isinstance(cell.value, datetime) else "#,##0.00")
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == '=HYPERLINK("http://x")'
    assert sheet["B2"].value == 1500.5 and sheet["B2"].number_format == "#,##0.00"
    assert sheet["C2"].number_format == "DD.MM.YYYY" and sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:C2"


def test_sheet_names_keep_to_excels_limits():
    assert sheet_title("Академия: [1/2]", "Event") == "Академия   1 2 "
    assert sheet_title("ж" * 40, "Event") == "ж" * 31
    assert sheet_title("", "Event") == "Event"
