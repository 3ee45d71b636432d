"""The purchase analytics table as a download: the same rows for CSV (portal/web/csvfile.py) and XLSX
(openpyxl, as the events' export writes it), so the two and the page never disagree.

Money is roubles as Decimals made from whole kopecks (never a float); in the CSV they are written with
the decimal comma in Russian (what Russian Excel reads as a number) and the point in English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from portal.points.analytics import Table
from portal.points.tier_view import roubles
from portal.web.csvfile import text_cell
from portal.web.xlsxfile import MEDIA_TYPE
from portal.web.xlsxfile import xlsx_bytes as workbook

XLSX_TYPE = MEDIA_TYPE
ROUBLES_FORMAT = "#,##0.00"
CHANGE_FORMAT, SHARE_FORMAT = "+0.0;-0.0;0.0", "0.0"
LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                 ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                  "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))

Cell = str | Decimal | None


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
    """A workbook of the rows: roubles as numbers, the change against last year and the shares in percent.
    A product group comes from the manufacturer's file: text_cell keeps one that starts like a formula a text."""
    last_row, last_column = len(table_rows), max(len(row) for row in table_rows)

    def number_format(cell: object) -> str:
        if cell.row == last_row:
            return SHARE_FORMAT
        return CHANGE_FORMAT if cell.column == last_column else ROUBLES_FORMAT
    return workbook(table_rows, title, fallback="Purchases", freeze="B2", number_format=number_format)


def filename(company: str, table: Table, fmt: str) -> str:
    """purchases-<company in Latin letters>-<first month>_<last month>.<fmt>: ASCII only, as it goes into a
    Content-Disposition header as is."""
    latin = "".join(LATIN.get(char, char) for char in company.casefold())
    slug = re.sub(r"[^a-z0-9]+", "-", latin).strip("-")[:40].strip("-") or "company"
    months = table.period.months
    return f"purchases-{slug}-{months[0]}_{months[-1]}.{fmt}"
