"""Reading the manufacturer's shipments file (pure: no database): CSV or XLSX as the accounting system
exports it, one row per document (and product group), streamed so memory stays flat in the file size.

CSV: UTF-8 (with or without BOM) or Windows-1251, `,` `;` or tab between fields, decimal comma or point,
spaces as thousands separators ("1 840 000,50"), dates DD.MM.YYYY or YYYY-MM-DD. XLSX: the first sheet,
numbers and dates as cells. Headers in Russian or English (HEADERS). Each bad line is a `Problem` with
its line number and what to do about it; the good lines are `Row`s.
"""

from __future__ import annotations

import codecs
import csv
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from portal.core.companies import inn_is_valid

HEADERS: dict[str, tuple[str, ...]] = {  # field -> accepted header names (compared case-insensitively)
    "inn": ("ИНН", "INN"),
    "date": ("Дата", "Дата документа", "Дата отгрузки", "Date", "Document date"),
    "document": ("Номер документа", "Документ", "Номер", "Document", "Document number", "Document no"),
    "amount": ("Сумма", "Сумма, руб.", "Сумма с НДС", "Amount", "Amount, RUB"),
    "group": ("Товарная группа", "Группа", "Product group", "Group"),
}
REQUIRED = ("inn", "date", "document", "amount")
FIELD_NAMES = {"inn": "the INN", "date": "the date", "document": "the document number", "amount": "the amount"}
SAMPLE_BYTES = 1 << 20
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_DELETE = str.maketrans("", "", " \u00a0\u202f'")
_PLAIN_AMOUNT = re.compile(r"(\d+)(?:[.,](\d\d?))?")
_DOTTED_DATE = re.compile(r"(\d\d)\.(\d\d)\.(\d{4})")
CACHE = 1 << 16  # distinct INNs and dates remembered while reading: a file repeats them on every line
_HEADER_NOISE = re.compile(r"[\s.,:;()\"'«»]+")
MAX_TEXT = 100


class UnreadableFile(Exception):
    """The file cannot be read at all (missing, not CSV/XLSX, no usable header): nothing was imported."""

    def __init__(self, text: str, line: int | None = None) -> None:
        super().__init__(text)
        self.text, self.line = text, line

    def where(self, file: str) -> str:
        """`FILE:LINE: text` (or `FILE: text` for the whole file)."""
        return f"{file}:{self.line}: {self.text}" if self.line else f"{file}: {self.text}"


class Row(NamedTuple):  # a NamedTuple, not a frozen dataclass: built once per line, three times faster
    line: int
    inn: str
    doc_date: str  # ISO
    document: str
    amount_kopecks: int
    product_group: str = ""


@dataclass(frozen=True)
class Problem:
    line: int
    text: str  # what is wrong, and how to fix it


def header_key(text: Any) -> str:
    """'Сумма, руб.' -> 'сумма руб'; ё and е are one letter."""
    return " ".join(_HEADER_NOISE.sub(" ", str(text or "").casefold().replace("ё", "е")).split())




def columns(header: list[Any]) -> dict[str, int]:
    """Field -> column index; UnreadableFile naming the missing columns and the accepted names."""
    return header_columns(header, HEADERS, REQUIRED, FIELD_NAMES)


def header_columns(header: list[Any], headers: Mapping[str, Sequence[str]], required: Sequence[str],
                   names: Mapping[str, str] | None = None) -> dict[str, int]:
    """A file's columns by the names it may give them (`headers`: field -> accepted names, in any case);
    the first column of a name wins. UnreadableFile at line 1 names every required field missing."""
    known = {header_key(name): field for field, accepted in headers.items() for name in accepted}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        field = known.get(header_key(cell))
        if field and field not in found:
            found[field] = index
    missing = [field for field in required if field not in found]
    if missing:
        what = "; ".join(f"{(names or {}).get(f, f)}: name it one of {', '.join(headers[f])}" for f in missing)
        raise UnreadableFile(f"the header has no column for {what} (the first line must name the columns)", 1)
    return found


@functools.lru_cache(maxsize=CACHE)
def parse_inn(value: Any) -> str:
    text = _SPACES.sub("", f"{value:.0f}" if isinstance(value, float) else str(value or ""))
    if text.isascii() and text.isdigit() and len(text) in (9, 11):  # a spreadsheet dropped the leading zero
        text = "0" + text
    if not (text.isascii() and text.isdigit() and len(text) in (10, 12)):
        raise ValueError(f"INN {text!r} is not 10 digits (a company) or 12 (a sole trader); copy it from the contract")
    if not inn_is_valid(text):
        raise ValueError(f"INN {text} fails its check digits (a typo?); copy it from the contract")
    return text


@functools.lru_cache(maxsize=CACHE)
def parse_date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value or "").strip()
    dotted = _DOTTED_DATE.fullmatch(text.split(" ")[0])
    if dotted:  # the usual DD.MM.YYYY without strptime's cost
        try:
            return date(int(dotted[3]), int(dotted[2]), int(dotted[1])).isoformat()
        except ValueError:
            pass
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:  # "05.11.2026 0:00:00" from 1C keeps its time
            return datetime.strptime(text.split(" ")[0], pattern).date().isoformat()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(f"date {text!r} is not a date: write DD.MM.YYYY (05.11.2026) or YYYY-MM-DD (2026-11-05)")


def parse_amount(value: Any) -> int:
    """Roubles -> kopecks: '1 840 000,50' -> 184000050; a number cell as it is. Never through float
    arithmetic: money is counted in whole kopecks."""
    if isinstance(value, str):  # the common case first: "1 840 000,50"
        plain = _PLAIN_AMOUNT.fullmatch(value.translate(_DELETE))
        if plain:
            return int(plain[1]) * 100 + (int(plain[2].ljust(2, "0")) if plain[2] else 0)
    if isinstance(value, bool):
        raise ValueError("amount is not a number")
    if isinstance(value, float) and abs(value * 100 - round(value * 100)) < 1e-6:
        text = f"{value:.2f}"  # a spreadsheet's 1840000.4999999998 is 1840000.50
    elif isinstance(value, int | float):
        text = repr(value)
    else:
        text = _SPACES.sub("", str(value or "")).removesuffix("₽").removesuffix("руб.").removesuffix("р.")
        if "," in text and "." in text:  # the last one is the decimal mark, the other groups thousands
            text = text.replace("." if text.rfind(",") > text.rfind(".") else ",", "")
        text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"amount {str(value)!r} is not a number of roubles: write it as 1840000,50 or "
                         "1 840 000.50") from None
    if not amount.is_finite():
        raise ValueError(f"amount {str(value)!r} is not a number of roubles")
    if amount < 0:
        raise ValueError(f"amount {str(value)!r} is negative: a return is a corrected document with the new "
                         "amount (import it again), not a negative line")
    kopecks = amount * 100
    if kopecks != kopecks.to_integral_value():
        raise ValueError(f"amount {str(value)!r} has more than two digits after the decimal mark (kopecks)")
    return int(kopecks)


def parse_text(value: Any, what: str) -> str:
    text = " ".join((f"{value:.0f}" if isinstance(value, float) else str(value or "")).split())
    if not text and what == "document number":
        raise ValueError("the document number is empty: every line needs its document (the key of the line)")
    if len(text) > MAX_TEXT:
        raise ValueError(f"the {what} is longer than {MAX_TEXT} characters")
    return text


FIELDS = ("inn", "date", "document", "amount", "group")


def positions(where: dict[str, int]) -> tuple[int, ...]:
    """The columns of FIELDS in a file (a missing optional one points past every line's end)."""
    return tuple(where.get(field, 10**6) for field in FIELDS)


def parse_line(number: int, cells: list[Any], at: tuple[int, ...]) -> Row | Problem | None:
    """One line of the file (its cells, the columns of FIELDS): a Row, a Problem naming each wrong field, or
    None for an empty line. Called for every line of files with millions: the common case goes first."""
    first = cells[0] if cells else None
    if not (isinstance(first, str) and first and not first.isspace()) and \
            not any(str(cell).strip() for cell in cells if cell is not None):
        return None
    size, wrong = len(cells), []
    if size > max(at[:4]) and at[4] < size:
        inn_cell, date_cell, document_cell, amount_cell, group_cell = (cells[at[0]], cells[at[1]], cells[at[2]],
                                                                       cells[at[3]], cells[at[4]])
    else:
        inn_cell, date_cell, document_cell, amount_cell, group_cell = (cells[i] if i < size else None for i in at)
    inn = doc_date = document = group = ""
    kopecks = 0
    try:
        inn = parse_inn(inn_cell)
    except ValueError as exc:
        wrong.append(str(exc))
    try:
        doc_date = parse_date(date_cell)
    except ValueError as exc:
        wrong.append(str(exc))
    try:
        document = parse_text(document_cell, "document number")
        group = parse_text(group_cell, "product group")
    except ValueError as exc:
        wrong.append(str(exc))
    try:
        kopecks = parse_amount(amount_cell)
    except ValueError as exc:
        wrong.append(str(exc))
    if wrong:
        return Problem(number, "; ".join(wrong) + " — the line was skipped")
    return Row(number, inn, doc_date, document, kopecks, group)


def read_file(path: Path) -> Iterator[Row | Problem]:
    """Every line of a shipments file after its header, streamed; UnreadableFile before the first one when
    the file cannot be used at all."""
    return _lines(raw_lines(path))


def raw_lines(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(line number, cells) of a CSV or XLSX file, the header first (the customer register reads them too)."""
    if not path.is_file():
        raise UnreadableFile("no such file (check the path)")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_lines(path)
    return _csv_lines(path)


def _lines(lines: Iterator[tuple[int, list[Any]]]) -> Iterator[Row | Problem]:
    try:
        _, header = next(lines)
    except StopIteration:
        raise UnreadableFile("the file is empty; export the shipments with a header line", 1) from None
    at = positions(columns(header))

    def rows() -> Iterator[Row | Problem]:
        for number, cells in lines:
            parsed = parse_line(number, cells, at)
            if parsed is not None:
                yield parsed
    return rows()


def detect_encoding(path: Path) -> str:
    """utf-8-sig with a BOM; else UTF-8 when the whole file decodes strictly (read in chunks); else cp1251."""
    with path.open("rb") as handle:
        if handle.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        try:
            while chunk := handle.read(SAMPLE_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1251"
    return "utf-8"


def delimiter_of(header_line: str) -> str:
    counts = {mark: header_line.count(mark) for mark in (";", ",", "\t")}
    return max(counts, key=lambda mark: counts[mark]) if any(counts.values()) else ","


def _csv_lines(path: Path) -> Iterator[tuple[int, list[Any]]]:
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        try:
            first = handle.readline()
            if "\x00" in first:
                raise UnreadableFile("this is not a text file; save the export as CSV or XLSX", 1)
            handle.seek(0)
            reader = csv.reader(handle, delimiter=delimiter_of(first))
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as exc:
            raise UnreadableFile(f"{exc}; save the export as CSV again", reader.line_num) from None
        except UnicodeDecodeError:  # a byte Windows-1251 has no letter for: neither UTF-8 nor 1251
            raise UnreadableFile("the file is neither UTF-8 nor Windows-1251 text; save the export as CSV in "
                                 "UTF-8") from None


def _xlsx_lines(path: Path) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook  # only for XLSX files

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException: all "not a workbook"
        raise UnreadableFile(f"not an XLSX workbook ({type(exc).__name__}); save the export as XLSX or CSV") from None
    try:
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        book.close()

