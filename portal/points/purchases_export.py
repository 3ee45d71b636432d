"""The purchase analytics table as a download: the same rows for CSV (portal/web/csvfile.py) and XLSX
(openpyxl, as the events' export writes it), so the two and the page never disagree.

Money is roubles as Decimals made from whole kopecks (never a float); in the CSV they are written with
the decimal comma in Russian (what Russian Excel reads as a number) and the point in English.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from portal.points.analytics import Table
from portal.points.tier_view import roubles

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROUBLES_FORMAT = "#,##0.00"
CHANGE_FORMAT, SHARE_FORMAT = "+0.0;-0.0;0.0", "0.0"
# ASVS 5.0 1.2.10: a product group comes from the manufacturer's file; one that starts like a formula is
# written as text, so a spreadsheet never runs "=HYPERLINK(...)" from an imported name.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                 ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                  "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))

Cell = str | Decimal | None


def text_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def rows(table: Table, t: Callable[[str], str]) -> list[list[Cell]]:
    """The header, a row per month (YYYY-MM), the totals and each group's share in percent."""
    names = [text_cell(name) if name else t("points.purchases.no_group") for name in table.groups]
    header = [t("points.purchases.month"), *names, t("points.purchases.total"), t("points.purchases.last_year"),
              t("points.purchases.change")]
    found: list[list[Cell]] = [header]
    for line in (*table.lines, table.totals):
        found.append([line.month or t("points.purchases.total"), *(roubles(k) for k in line.amounts),
                      roubles(line.total), roubles(line.before), line.change])
    found.append([t("points.purchases.share"), *table.shares, None, None, None])
    return found


def csv_rows(table_rows: list[list[Cell]], language: str) -> list[list[str]]:
    def text(cell: Cell) -> str:
        if cell is None:
            return ""
        if isinstance(cell, Decimal):
            return str(cell).replace(".", ",") if language == "ru" else str(cell)
        return cell

    return [[text(cell) for cell in row] for row in table_rows]


def xlsx_bytes(table_rows: list[list[Cell]], title: str) -> bytes:
    """A workbook of the rows: the header bold and frozen, roubles as numbers, every text a text."""
    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Purchases"  # Excel's limits on a sheet's name
    for row in table_rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text (ASVS 5.0 1.2.10)
            elif cell.row == sheet.max_row:  # the shares
                cell.number_format = SHARE_FORMAT
            elif cell.value is not None:  # the last column is the change against last year
                cell.number_format = CHANGE_FORMAT if cell.column == sheet.max_column else ROUBLES_FORMAT
    for cell in sheet[1]:
        cell.data_type = "s"
        sheet.column_dimensions[cell.column_letter].width = min(max(len(str(cell.value)), 12) + 2, 40)
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(company: str, table: Table, fmt: str) -> str:
    """purchases-<company in Latin letters>-<first month>_<last month>.<fmt>: ASCII only, as it goes into a
    Content-Disposition header as is."""
    latin = "".join(LATIN.get(char, char) for char in company.casefold())
    slug = re.sub(r"[^a-z0-9]+", "-", latin).strip("-")[:40].strip("-") or "company"
    months = table.period.months
    return f"purchases-{slug}-{months[0]}_{months[-1]}.{fmt}"
