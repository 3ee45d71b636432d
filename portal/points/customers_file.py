"""Reading the manufacturer's customer register (pure: no database): CSV or XLSX, as the shipments file
(the same encodings, separators and date forms; shipments_file.raw_lines reads the cells).

Columns: INN, name, segment, region and, optionally, the date the customer joined the club by the
manufacturer's records. Segment and region are the club's keys or labels in either language
(extra.club.segments and extra.club.regions in mkdocs.yml). Each bad line is a `Problem` naming its line
and what to do; the good lines are `Customer`s.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from portal.points.shipments_file import (
    Problem,
    UnreadableFile,
    header_columns,
    parse_date,
    parse_inn,
    raw_lines,
)

HEADERS: dict[str, tuple[str, ...]] = {
    "inn": ("ИНН", "INN"),
    "name": ("Наименование", "Название", "Клиент", "Контрагент", "Name", "Customer"),
    "segment": ("Сегмент", "Segment"),
    "region": ("Регион", "Федеральный округ", "Region", "Federal district"),
    "joined": ("В клубе с", "Дата вступления", "Дата вступления в клуб", "Joined", "Club member since"),
}
REQUIRED = ("inn", "name", "segment", "region")
MAX_NAME = 200
Labels = Mapping[str, tuple[str, ...]]   # key -> its labels (both languages)


class Customer(NamedTuple):
    line: int
    inn: str
    name: str
    segment: str
    region: str
    joined_on: str | None     # ISO date


def columns(header: list[Any]) -> dict[str, int]:
    return header_columns(header, HEADERS, REQUIRED)


def fold(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())


def choice(value: Any, labels: Labels, what: str, setting: str) -> str:
    """The club's key for a key or a label of it (any case, either language); ValueError naming the choices."""
    text = " ".join(str(value or "").split())
    if not text:
        raise ValueError(f"the {what} is empty: write one of the keys or labels of extra.club.{setting}")
    for key, names in labels.items():
        if fold(text) in {fold(key), *(fold(name) for name in names)}:
            return key
    known = "; ".join(f"{key} ({names[0]})" if names else key for key, names in labels.items())
    raise ValueError(f"unknown {what} {text!r}; write one of {known or f'extra.club.{setting} (none configured)'}")


def parse_line(number: int, cells: list[Any], at: dict[str, int],
               vocab: tuple[Labels, Labels]) -> Customer | Problem | None:
    """One line: a Customer, a Problem naming each wrong field, or None for an empty line."""
    if not any(str(cell).strip() for cell in cells if cell is not None):
        return None
    cell = {field: cells[index] if index < len(cells) else None for field, index in at.items()}
    parsed: dict[str, Any] = {}
    wrong: list[str] = []
    steps = (("inn", parse_inn), ("name", _name),
             ("segment", lambda value: choice(value, vocab[0], "segment", "segments")),
             ("region", lambda value: choice(value, vocab[1], "region", "regions")),
             ("joined", lambda value: parse_date(value) if str(value or "").strip() else None))
    for field, parse in steps:
        try:
            parsed[field] = parse(cell.get(field))
        except ValueError as exc:
            wrong.append(str(exc))
    if wrong:
        return Problem(number, "; ".join(wrong) + " — the line was skipped")
    return Customer(number, parsed["inn"], parsed["name"], parsed["segment"], parsed["region"], parsed["joined"])


def _name(value: Any) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ValueError("the name is empty: write the customer's name as in the contract")
    if len(text) > MAX_NAME:
        raise ValueError(f"the name is longer than {MAX_NAME} characters")
    return text


def read_file(path: Path, vocab: tuple[Labels, Labels]) -> Iterator[Customer | Problem]:
    """Every line of a register after its header; UnreadableFile when the file cannot be used at all.
    `vocab`: the club's segments and regions (key -> labels). An INN twice in the file: the later line is
    a Problem (the first one stands)."""
    lines = raw_lines(path)
    try:
        _, header = next(lines)
    except StopIteration:
        raise UnreadableFile("the file is empty; export the customers with a header line", 1) from None
    at = columns(header)

    def rows() -> Iterator[Customer | Problem]:
        seen: dict[str, int] = {}
        for number, cells in lines:
            parsed = parse_line(number, cells, at, vocab)
            if isinstance(parsed, Customer) and parsed.inn in seen:
                parsed = Problem(number, f"INN {parsed.inn} is already on line {seen[parsed.inn]}: one line per "
                                         "customer — the line was skipped")
            elif isinstance(parsed, Customer):
                seen[parsed.inn] = number
            if parsed is not None:
                yield parsed
    return rows()
