"""XLSX for staff and partners' exports, the one writer every download uses (openpyxl): the header bold and
frozen, every text cell a text, never a formula (ASVS 5.0 1.2.10), numbers and dates as real values with the
formats the caller gives, columns as wide as their content (within reason)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_title(title: str, fallback: str) -> str:
    """Excel's limits on a sheet's name: 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or fallback


def xlsx_bytes(rows: Sequence[Sequence[object]], title: str, *, fallback: str = "Sheet", freeze: str = "A2",
               autofilter: bool = False, number_format: Callable[[Cell], str | None] | None = None) -> bytes:
    """A workbook of `rows`, the first of them the header. `number_format(cell)` names the format of a
    number or date cell below the header (None: the default)."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(title, fallback)
    for row in rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text (ASVS 5.0 1.2.10)
            elif cell.row > 1 and cell.value is not None and number_format is not None:
                cell.number_format = number_format(cell) or cell.number_format
    sheet.freeze_panes = freeze
    if autofilter:
        sheet.auto_filter.ref = sheet.dimensions
    for index, cell in enumerate(sheet[1], start=1):
        width = max((len(str(row[index - 1])) for row in rows if len(row) >= index and row[index - 1] is not None),
                    default=0)
        sheet.column_dimensions[cell.column_letter].width = min(max(width, 8) + 2, 50)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
