"""The staff directory of partner companies: search and filters, the people of a company, CSV rows.

Reads `companies` (owned by core.companies) with the people and managers from `users`; writes
nothing. Built for 20,000 companies: every filter is an indexed column, the name search folds case
once per row in SQLite, and the page is a LIMIT over one ordered scan.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.identity import ROLES

PAGE_SIZE = 50


def fold(text: str | None) -> str:
    """Case-insensitive for Cyrillic too (SQLite's LIKE folds ASCII only); ё matches е."""
    return (text or "").casefold().replace("ё", "е")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    segment: str = ""
    region: str = ""
    manager: int | None = None        # an account manager's user id; 0 = companies without one
    quiet_days: int | None = None     # no contact for at least this many days (or never)
    page: int = 1


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    inn: str | None
    segment: str | None
    region: str | None
    manager: str | None
    representative: str | None
    people: int
    last_contact_at: float | None


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str
    phone: str | None
    position: str | None
    job_role: str | None
    created_at: str


_SELECT = ("SELECT c.id, c.name, c.inn, c.segment, c.region, m.name, r.name, "
           "(SELECT count(*) FROM users p WHERE p.company_id = c.id), c.last_contact_at FROM companies c "
           "LEFT JOIN users m ON m.id = c.account_manager_id LEFT JOIN users r ON r.id = c.representative_id ")


def _where(filters: Filters) -> tuple[str, list]:
    clauses, values = ["c.merged_into IS NULL"], []
    if filters.q.strip():
        needle = fold(filters.q.strip())  # a plain substring: % and _ are not wildcards here
        clauses.append("(instr(club_fold(c.name), ?) OR c.inn = ?)")
        values += [needle, filters.q.strip()]
    for column, value in (("c.segment", filters.segment), ("c.region", filters.region)):
        if value:
            clauses.append(f"{column} = ?")
            values.append(value)
    if filters.manager == 0:
        clauses.append("c.account_manager_id IS NULL")
    elif filters.manager is not None:
        clauses.append("c.account_manager_id = ?")
        values.append(filters.manager)
    if filters.quiet_days is not None:
        clauses.append("(c.last_contact_at IS NULL OR c.last_contact_at < ?)")
        values.append(time.time() - filters.quiet_days * 86400)
    return " WHERE " + " AND ".join(clauses), values


def search(db: Database, filters: Filters, limit: int = PAGE_SIZE) -> tuple[list[Row], int]:
    """One page of companies by name, and how many match."""
    db.conn.create_function("club_fold", 1, fold, deterministic=True)
    where, values = _where(filters)
    total = db.execute("SELECT count(*) FROM companies c" + where, values).fetchone()[0]  # noqa: S608
    offset = (max(1, filters.page) - 1) * limit
    rows = db.execute(_SELECT + where + " ORDER BY c.name COLLATE NOCASE, c.id LIMIT ? OFFSET ?",  # noqa: S608
                      [*values, limit, offset]).fetchall()
    return [Row(*row) for row in rows], total


def every_row(db: Database, filters: Filters) -> Iterator[Row]:
    """All matching companies in name order (the CSV export), read in batches."""
    db.conn.create_function("club_fold", 1, fold, deterministic=True)
    where, values = _where(filters)
    cursor = db.execute(_SELECT + where + " ORDER BY c.name COLLATE NOCASE, c.id", values)  # noqa: S608
    while batch := cursor.fetchmany(500):
        yield from (Row(*row) for row in batch)


def people(db: Database, company_id: int) -> list[Person]:
    rows = db.execute("SELECT id, name, email, phone, position, job_role, created_at FROM users "
                      "WHERE company_id = ? ORDER BY created_at, id", [company_id]).fetchall()
    return [Person(*row) for row in rows]


def staff_people(db: Database) -> list[tuple[int, str]]:
    """(id, name) of everyone who may be an account manager (staff and admins)."""
    marks = ",".join("?" * len(ROLES))
    return db.execute(f"SELECT id, name FROM users WHERE role IN ({marks}) AND role NOT IN ('moderator', 'editor') "  # noqa: S608
                      "ORDER BY name", list(ROLES)).fetchall()
