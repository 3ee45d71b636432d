"""Partner companies: one record per company, shared by its members (the points belong to it).

Names are matched on a normalised key (case, quotes, legal form and punctuation ignored), so
«ООО "Свет-Монтаж"» and 'свет монтаж ооо' are the same company. An INN, when given, is checked
by its control digits and wins over the name.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.db import now_iso

LEGAL_FORMS = ("ооо", "оао", "зао", "пао", "ао", "ип", "нко", "ано", "гк", "пк", "llc", "ltd", "inc", "gmbh",
               "jsc", "ojsc", "cjsc", "co")
_LEGAL_FORMS_RE = re.compile(r"\b(" + "|".join(LEGAL_FORMS) + r")\b")
_NOT_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    inn: str | None


def company_key(name: str) -> str:
    """'ООО «Свет-Монтаж»' -> 'свет монтаж'. Ё and е are one letter for matching."""
    text = name.casefold().replace("ё", "е")
    text = _NOT_WORD.sub(" ", text)
    text = _LEGAL_FORMS_RE.sub(" ", text)
    return " ".join(text.split())


def clean_company_name(name: str) -> str:
    return " ".join(name.split())[:200]


def inn_is_valid(inn: str) -> bool:
    """Russian taxpayer number: 10 digits (organisation) or 12 (person), with control digits."""
    if not (inn.isascii() and inn.isdigit()) or len(inn) not in (10, 12):  # no "７７０７…", "٧٧٠٧…"
        return False
    digits = [int(c) for c in inn]

    def control(weights: tuple[int, ...]) -> int:
        return sum(w * d for w, d in zip(weights, digits, strict=False)) % 11 % 10

    if len(inn) == 10:
        return control((2, 4, 10, 3, 5, 9, 4, 6, 8)) == digits[9]
    return (control((7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == digits[10]
            and control((3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == digits[11])


def find_or_create_company(db: Database, name: str, inn: str | None = None) -> Company:
    """The company with this INN, else with this name key, else a new one."""
    key = company_key(name)
    if not key:  # would share one empty key, and the retry below would recurse forever
        raise ValueError(f"{name!r} has no letters or digits besides the legal form")
    for column, value in (("inn", inn), ("name_key", key)):
        if value:
            row = db.execute(f"SELECT id, name, inn FROM companies WHERE {column} = ?", [value]).fetchone()  # noqa: S608
            if row:
                if inn and not row[2]:
                    db.execute("UPDATE companies SET inn = ? WHERE id = ?", [inn, row[0]])
                return Company(row[0], row[1], row[2] or inn)
    try:
        cursor = db.execute("INSERT INTO companies (name, name_key, inn, created_at) VALUES (?, ?, ?, ?)",
                            [clean_company_name(name), key, inn or None, now_iso()])
    except sqlite3.IntegrityError:  # a concurrent insert of the same company won
        return find_or_create_company(db, name, inn)
    return Company(cursor.lastrowid, clean_company_name(name), inn or None)


def get_company(db: Database, company_id: int | None) -> Company | None:
    if company_id is None:
        return None
    row = db.execute("SELECT id, name, inn FROM companies WHERE id = ?", [company_id]).fetchone()
    return Company(*row) if row else None
