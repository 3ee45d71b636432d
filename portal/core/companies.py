"""Partner companies: one record per company, shared by its members (the points belong to it).

Names are matched on a normalised key (case, quotes, legal form and punctuation ignored), so
«ООО "Свет-Монтаж"» and 'свет монтаж ооо' are the same company. An INN, when given, is checked
by its control digits and wins over the name.

A company has at most one representative (the member named in the contract who spends its points,
seed 001) and at most one account manager on the club's side; every change of either, every merge
and every move of a person is a row of company_changes (who, when, from, to) that is never edited.
This module owns the `companies` and `company_changes` tables.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.db import now_iso, write_transaction

LEGAL_FORMS = ("ооо", "оао", "зао", "пао", "ао", "ип", "нко", "ано", "гк", "пк", "llc", "ltd", "inc", "gmbh",
               "jsc", "ojsc", "cjsc", "co")
_LEGAL_FORMS_RE = re.compile(r"\b(" + "|".join(LEGAL_FORMS) + r")\b")
_NOT_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    inn: str | None
    segment: str | None = None
    region: str | None = None
    account_manager_id: int | None = None
    representative_id: int | None = None
    merged_into: int | None = None
    last_contact_at: float | None = None  # the latest contact of any kind (a request, a reply, a call)
    created_at: str = ""


COMPANY_COLUMNS = ("id, name, inn, segment, region, account_manager_id, representative_id, merged_into, "
                   "last_contact_at, created_at")
CHANGE_KINDS = ("representative", "manager", "merge", "move", "details")


@dataclass(frozen=True)
class Change:
    """A row of company_changes: what changed, from what to what, who did it and when."""

    id: int
    company_id: int
    kind: str
    old: str | None
    new: str | None
    by_id: int | None
    at: float
    note: str


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
            row = db.execute(f"SELECT id, name, inn, merged_into FROM companies WHERE {column} = ?",  # noqa: S608
                             [value]).fetchone()
            if row and row[3] is not None:  # a merged duplicate: its people belong to the company it was merged into
                return get_company(db, row[3]) or Company(row[0], row[1], row[2])
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
    row = db.execute(f"SELECT {COMPANY_COLUMNS} FROM companies WHERE id = ?", [company_id]).fetchone()  # noqa: S608
    return Company(*row) if row else None


def find_company(db: Database, text: str) -> Company | None:
    """A company by id ("#12" or "12"), INN or name (any spelling of it), for staff and the command line."""
    text = text.strip()
    digits = text.removeprefix("#")
    if digits.isascii() and digits.isdigit() and len(digits) not in (10, 12):
        return get_company(db, int(digits)) if len(digits) <= 18 else None
    column, value = ("inn", text) if inn_is_valid(text) else ("name_key", company_key(text))
    row = db.execute(f"SELECT {COMPANY_COLUMNS} FROM companies WHERE {column} = ?", [value]).fetchone()  # noqa: S608
    return Company(*row) if row else None


def members_of(db: Database, company_id: int) -> list[int]:
    """Ids of the people of a company, oldest first."""
    return [row[0] for row in db.execute("SELECT id FROM users WHERE company_id = ? ORDER BY created_at, id",
                                         [company_id]).fetchall()]


def log_change(db: Database, company_id: int, kind: str, old: object, new: object, by_id: int | None,
               note: str = "") -> None:
    """Inside the caller's transaction: one line of the company's history (never edited afterwards)."""
    if kind not in CHANGE_KINDS:
        raise ValueError(f"unknown change {kind!r}")
    db.conn.execute("INSERT INTO company_changes (company_id, kind, old, new, by_id, at, note) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [company_id, kind, None if old is None else str(old), None if new is None else str(new),
                     by_id, time.time(), note])


def changes(db: Database, company_id: int, limit: int = 200) -> list[Change]:
    rows = db.execute("SELECT id, company_id, kind, old, new, by_id, at, note FROM company_changes "
                      "WHERE company_id = ? ORDER BY at DESC, id DESC LIMIT ?", [company_id, limit]).fetchall()
    return [Change(*row) for row in rows]


def set_representative(db: Database, company_id: int, user_id: int | None, by_id: int | None,
                       note: str = "") -> int | None:
    """Make `user_id` (a person of this company) its representative, or nobody (None); logged.

    Returns the previous representative's id. One write transaction: two staff changing it at once
    are put in order, and the log says both.
    """
    with write_transaction(db):
        row = db.execute("SELECT representative_id FROM companies WHERE id = ?", [company_id]).fetchone()
        if row is None:
            raise ValueError(f"no company {company_id}")
        if user_id is not None and not db.execute("SELECT 1 FROM users WHERE id = ? AND company_id = ?",
                                                  [user_id, company_id]).fetchone():
            raise ValueError("the representative must be one of the company's people")
        if row[0] != user_id:
            db.conn.execute("UPDATE companies SET representative_id = ? WHERE id = ?", [user_id, company_id])
            log_change(db, company_id, "representative", row[0], user_id, by_id, note)
    return row[0]


def set_account_manager(db: Database, company_id: int, staff_id: int | None, by_id: int | None) -> None:
    with write_transaction(db):
        row = db.execute("SELECT account_manager_id FROM companies WHERE id = ?", [company_id]).fetchone()
        if row is None:
            raise ValueError(f"no company {company_id}")
        if row[0] != staff_id:
            db.conn.execute("UPDATE companies SET account_manager_id = ? WHERE id = ?", [staff_id, company_id])
            log_change(db, company_id, "manager", row[0], staff_id, by_id)


def set_details(db: Database, company_id: int, segment: str | None, region: str | None, by_id: int | None) -> None:
    with write_transaction(db):
        row = db.execute("SELECT segment, region FROM companies WHERE id = ?", [company_id]).fetchone()
        if row is not None and (row[0], row[1]) != (segment, region):
            db.conn.execute("UPDATE companies SET segment = ?, region = ? WHERE id = ?", [segment, region, company_id])
            log_change(db, company_id, "details", f"{row[0]}/{row[1]}", f"{segment}/{region}", by_id)


def move_person(db: Database, user_id: int, company_id: int, by_id: int | None) -> None:
    """Move a person to another company; a representative who leaves is no longer one (both logged)."""
    with write_transaction(db):
        row = db.execute("SELECT company_id FROM users WHERE id = ?", [user_id]).fetchone()
        if row is None or get_company(db, company_id) is None:
            raise ValueError("no such person or company")
        old = row[0]
        if old == company_id:
            return
        db.conn.execute("UPDATE users SET company_id = ? WHERE id = ?", [company_id, user_id])
        name = db.execute("SELECT name FROM users WHERE id = ?", [user_id]).fetchone()[0]
        # Both companies' histories say it the same way: from which company to which, and who.
        if old is not None:
            log_change(db, old, "move", old, company_id, by_id, name)
            if db.execute("SELECT representative_id FROM companies WHERE id = ?", [old]).fetchone()[0] == user_id:
                db.conn.execute("UPDATE companies SET representative_id = NULL WHERE id = ?", [old])
                log_change(db, old, "representative", user_id, None, by_id, name)
        log_change(db, company_id, "move", old, company_id, by_id, name)


def merge(db: Database, duplicate_id: int, into_id: int, by_id: int | None) -> int:
    """Merge a duplicate record into the company it really is: its people move, it keeps a pointer.

    The surviving company keeps its representative (or takes the duplicate's when it had none), its
    INN (or the duplicate's), and whatever other capabilities keep by company id follows through
    `merged_into` (they may look it up). Returns how many people moved.
    """
    if duplicate_id == into_id:
        raise ValueError("a company cannot be merged into itself")
    with write_transaction(db):
        dup, into = get_company(db, duplicate_id), get_company(db, into_id)
        if dup is None or into is None or dup.merged_into is not None or into.merged_into is not None:
            raise ValueError("both companies must exist and not be merged already")
        moved = db.conn.execute("UPDATE users SET company_id = ? WHERE company_id = ?",
                                [into_id, duplicate_id]).rowcount
        # The duplicate keeps its name key, so whoever types that spelling again joins the survivor.
        db.conn.execute("UPDATE companies SET merged_into = ?, representative_id = NULL, inn = NULL WHERE id = ?",
                        [into_id, duplicate_id])
        db.conn.execute("UPDATE companies SET representative_id = coalesce(representative_id, ?), "
                        "inn = coalesce(inn, ?), segment = coalesce(segment, ?), region = coalesce(region, ?), "
                        "account_manager_id = coalesce(account_manager_id, ?) WHERE id = ?",
                        [dup.representative_id, dup.inn, dup.segment, dup.region, dup.account_manager_id, into_id])
        log_change(db, duplicate_id, "merge", duplicate_id, into_id, by_id, dup.name)
        log_change(db, into_id, "merge", duplicate_id, into_id, by_id, f"{dup.name}: {moved} people")
    return moved


def fill_missing_details(db: Database, company_id: int, segment: str | None, region: str | None) -> None:
    """Segment and region where the company has none yet (a member's own, when they name the company)."""
    db.execute("UPDATE companies SET segment = coalesce(segment, ?), region = coalesce(region, ?) WHERE id = ?",
               [segment, region, company_id])


def note_contact(db: Database, company_id: int | None, at: float | None = None) -> None:
    """Any contact with the company (a request, a reply, a call): "no contact for N days" reads it."""
    if company_id is not None:
        db.execute("UPDATE companies SET last_contact_at = max(coalesce(last_contact_at, 0), ?) WHERE id = ?",
                   [time.time() if at is None else at, company_id])


def company_ids_by_inn(db: Database, inns: list[str]) -> dict[str, int]:
    """INN -> company id for those of `inns` that a company has (for matching imported purchases by INN)."""
    found: dict[str, int] = {}
    for start in range(0, len(inns), 500):  # under SQLite's limit of bound parameters
        chunk = inns[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(db.execute(f"SELECT inn, id FROM companies WHERE inn IN ({marks})",  # noqa: S608
                                chunk).fetchall())
    return found


def survivors(db: Database, company_ids: list[int]) -> dict[int, int]:
    """Company id -> the id it counts as today: the company it was merged into, else itself."""
    found: dict[int, int] = {}
    for start in range(0, len(company_ids), 500):
        chunk = company_ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(db.execute(f"SELECT id, coalesce(merged_into, id) FROM companies "  # noqa: S608
                                f"WHERE id IN ({marks})", chunk).fetchall())
    return found


def active_companies(db: Database, limit: int = 10_000) -> list[Company]:
    """Every company that is not a merged duplicate, by name (staff overviews)."""
    sql = f"SELECT {COMPANY_COLUMNS} FROM companies WHERE merged_into IS NULL ORDER BY name_key, id LIMIT ?"  # noqa: S608
    return [Company(*row) for row in db.execute(sql, [limit]).fetchall()]
def with_duplicates(db: Database, company_id: int) -> list[int]:
    """The company and every duplicate merged into it: what counts as the company's (purchases, tier)."""
    return [company_id, *(row[0] for row in db.execute(
        "SELECT id FROM companies WHERE merged_into = ? ORDER BY id", [company_id]).fetchall())]


@dataclass(frozen=True)
class RosterRow:
    """A live company as the partner health table lists it."""

    id: int
    name: str
    segment: str | None
    region: str | None
    account_manager_id: int | None
    manager: str | None            # the account manager's name
    last_contact_at: float | None


def roster(db: Database) -> list[RosterRow]:
    """Every company that is not a merged duplicate, with its manager's name: one query (20,000 rows at once)."""
    rows = db.execute("SELECT c.id, c.name, c.segment, c.region, c.account_manager_id, m.name, c.last_contact_at "
                      "FROM companies c LEFT JOIN users m ON m.id = c.account_manager_id "
                      "WHERE c.merged_into IS NULL ORDER BY c.name_key, c.id").fetchall()
    return [RosterRow(*row) for row in rows]


def account_managers(db: Database) -> list[tuple[int, str]]:
    """(id, name) of everyone who may be a company's account manager (staff and admins), by name."""
    return [tuple(row) for row in db.execute(
        "SELECT id, name FROM users WHERE role IN ('staff', 'admin') ORDER BY name, id").fetchall()]


def merged_map(db: Database) -> dict[int, int]:
    """Every merged duplicate -> the company it counts as today (one query, however many companies: the
    health table's columns fold their per-company sums with it)."""
    return dict(db.execute("SELECT id, merged_into FROM companies WHERE merged_into IS NOT NULL").fetchall())


def contacts_and_managers(db: Database) -> list[tuple[int, float | None, str | None]]:
    """(id, last contact, account manager's name) of every live company: the health table's columns."""
    return [tuple(row) for row in db.execute(
        "SELECT c.id, c.last_contact_at, m.name FROM companies c LEFT JOIN users m ON m.id = c.account_manager_id "
        "WHERE c.merged_into IS NULL AND (c.last_contact_at IS NOT NULL OR c.account_manager_id IS NOT NULL)")]
