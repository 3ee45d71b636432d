"""Reading "SKU quantity" lines as people paste them from a price list or a spreadsheet, and CSV files:
pure functions, no database and no web.

A line is a SKU and a quantity separated by a tab, ';', spaces or ',' (in that order of preference, so
"TP2-30;1 000" and "TP2-30 1,0" both read as the SKU and a quantity). A quantity is written the Russian way
or the English one: "1 000", "1 000", "10,0", "10.0"; it must be a whole number of pieces (1 to
MAX_QUANTITY); a SKU alone means one piece. Duplicates are merged (quantities added), blank lines skipped,
a first line that looks like a header (its quantity is a word) is skipped too. Each problem names its line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MAX_QUANTITY = 100_000
MAX_LINES = 500
SKU = re.compile(r"[A-Za-z0-9А-Яа-яЁё][A-Za-z0-9А-Яа-яЁё._/-]{0,63}")
_NUMBER = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?")
_SPACES = re.compile(r"[\s\u00a0\u202f']+")


@dataclass(frozen=True)
class Problem:
    line: int
    kind: str       # "quantity", "sku", "unknown"
    text: str       # the line as written (shortened)


@dataclass
class Reading:
    items: dict[str, int] = field(default_factory=dict)  # catalogue SKU -> quantity, in first-seen order
    problems: list[Problem] = field(default_factory=list)
    too_many: bool = False


def quantity(text: str) -> int | None:
    """The whole number of pieces `text` says, or None."""
    cleaned = _SPACES.sub("", text).replace(",", ".")
    if not cleaned:
        return 1
    if not _NUMBER.fullmatch(cleaned):  # ASCII digits only: "٣" and "1e3" are not what people mean
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if value != value.to_integral_value() or not 1 <= value <= MAX_QUANTITY:
        return None
    return int(value)


def split_line(line: str) -> tuple[str, str]:
    """(SKU, quantity text) of one pasted line."""
    for separator in ("\t", ";"):
        if separator in line:
            sku, _, rest = line.partition(separator)
            return sku.strip(), rest.strip().strip(separator).strip()
    parts = line.strip().split(None, 1)
    if len(parts) == 2:
        return parts[0], parts[1]
    sku, _, rest = line.strip().partition(",")
    return sku.strip(), rest.strip()


def read_rows(rows: Iterable[tuple[int, str, str]], find: Callable[[str], str | None]) -> Reading:
    """(line number, SKU text, quantity text) rows -> the items (SKUs as `find` spells them) and problems."""
    reading = Reading()
    for number, (line_no, sku_text, amount_text) in enumerate(rows):
        if not sku_text and not amount_text:
            continue
        if number >= MAX_LINES:
            reading.too_many = True
            break
        shown = f"{sku_text} {amount_text}".strip()[:80]
        amount = quantity(amount_text)
        if amount is None:
            if line_no == 1 and not any(ch.isdigit() for ch in amount_text):
                continue  # a header ("Артикул;Количество")
            reading.problems.append(Problem(line_no, "quantity", shown))
            continue
        found = find(sku_text) if SKU.fullmatch(sku_text) else None
        if found is None:
            reading.problems.append(Problem(line_no, "unknown" if SKU.fullmatch(sku_text) else "sku", shown))
            continue
        reading.items[found] = min(reading.items.get(found, 0) + amount, MAX_QUANTITY + 1)
    for sku, amount in list(reading.items.items()):
        if amount > MAX_QUANTITY:
            del reading.items[sku]
            reading.problems.append(Problem(0, "total", sku))
    return reading


def read_text(text: str, find: Callable[[str], str | None]) -> Reading:
    return read_rows(((number, *split_line(line)) for number, line in enumerate(text.splitlines(), start=1)), find)


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Windows-1251 (what Russian Excel saves as CSV)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def csv_rows(text: str) -> list[tuple[int, str, str]]:
    """(line number, first cell, second cell) of a CSV with ';' or ',' between cells."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ("," if "," in first else ";")
    if "\t" in first and delimiter not in first:
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, str, str]] = []
    for cells in reader:
        cells = [cell.strip() for cell in cells] + ["", ""]
        rows.append((reader.line_num, cells[0], cells[1]))
    return rows


def read_csv(data: bytes, find: Callable[[str], str | None]) -> Reading:
    try:
        rows: Sequence[tuple[int, str, str]] = csv_rows(decode(data))
    except csv.Error:
        return Reading(problems=[Problem(0, "file", "")])
    return read_rows(rows, find)
