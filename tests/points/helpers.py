"""Helpers for the points tests: valid INNs, shipments files, companies."""

from __future__ import annotations

from pathlib import Path

from portal.core.companies import find_or_create_company

WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn(number: int) -> str:
    """A valid 10-digit INN (an organisation's) made from any number below 10**9."""
    body = f"{number:09d}"
    check = sum(w * int(d) for w, d in zip(WEIGHTS, body, strict=True)) % 11 % 10
    return body + str(check)


HEADER = "ИНН;Дата;Номер документа;Сумма, руб.;Товарная группа"


def write_csv(path: Path, lines: list[str], header: str = HEADER, encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding=encoding)
    return path


def company(db, name: str, number: int) -> int:
    return find_or_create_company(db, name, inn(number)).id
