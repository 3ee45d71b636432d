"""An order's lines as files: the CSV and XLSX attached to the distributor's letter and downloadable from the
order's page (the shared writers: web/csvfile with its formula guard, web/xlsxfile)."""

from __future__ import annotations

from collections.abc import Sequence

from portal.core.i18n import translate
from portal.orders.store import Line
from portal.web.csvfile import csv_bytes, text_cell
from portal.web.xlsxfile import xlsx_bytes


def line_rows(lines: Sequence[Line], language: str) -> list[list[object]]:
    """The header in `language`, then one row per line: position, SKU, name, quantity."""
    header = [translate(language, f"orders.th.{key}") for key in ("position", "sku", "name", "quantity")]
    return [header, *([line.position, line.sku, line.name, line.quantity] for line in lines)]


def csv_data(rows: list[list[object]]) -> bytes:
    """Text cells guarded: a name starting with "=" stays a text in Excel (ASVS 5.0 1.2.10)."""
    return csv_bytes([[text_cell(cell) if isinstance(cell, str) else cell for cell in row] for row in rows])


def xlsx_data(rows: list[list[object]], order_id: int) -> bytes:
    return xlsx_bytes(rows, f"order {order_id}", fallback="order")
