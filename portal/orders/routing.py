"""Which regions each distributor company serves: the one owner of `orders_regions` (append-only history;
a company's latest row is what it serves now). A distributor is a company whose segment is "distributors"
(portal/core/companies.py); the regions are the keys of extra.club.regions in mkdocs.yml."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.companies import COMPANY_COLUMNS, Company
from portal.core.db import write_transaction

DISTRIBUTORS = "distributors"  # the segment key (extra.club.segments)
_LATEST = "r.id = (SELECT max(id) FROM orders_regions WHERE company_id = r.company_id)"


@dataclass(frozen=True)
class RegionChange:
    id: int
    company_id: int
    regions: tuple[str, ...]
    by_id: int | None
    by_name: str | None
    at: float


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(",") if part)


def distributors(db: Database) -> list[Company]:
    """Every company of the distributors' segment (not merged away), by name."""
    columns = ", ".join(f"c.{name.strip()}" for name in COMPANY_COLUMNS.split(","))
    rows = db.execute(f"SELECT {columns} FROM companies c WHERE c.segment = ? AND c.merged_into IS NULL "  # noqa: S608
                      "ORDER BY c.name, c.id", [DISTRIBUTORS]).fetchall()
    return [Company(*row) for row in rows]


def regions_of(db: Database, company_id: int) -> tuple[str, ...]:
    row = db.execute(f"SELECT regions FROM orders_regions r WHERE r.company_id = ? AND {_LATEST}",  # noqa: S608
                     [company_id]).fetchone()
    return _split(row[0]) if row else ()


def all_regions(db: Database) -> dict[int, tuple[str, ...]]:
    """company id -> the regions it serves now (companies with a row only)."""
    rows = db.execute(f"SELECT r.company_id, r.regions FROM orders_regions r WHERE {_LATEST}").fetchall()  # noqa: S608
    return {company_id: _split(regions) for company_id, regions in rows}


def serving(db: Database, region: str | None) -> list[Company]:
    """The distributor companies that serve `region` now, by name; none for no region."""
    if not region:
        return []
    served = all_regions(db)
    return [company for company in distributors(db) if region in served.get(company.id, ())]


def set_regions(db: Database, company_id: int, regions: Iterable[str], by_id: int | None,
                now: float | None = None) -> bool:
    """Record what the company serves from now on; False (nothing written) when it is what it serves already."""
    wanted = tuple(sorted(set(regions)))
    with write_transaction(db):
        if regions_of(db, company_id) == wanted:
            return False
        db.conn.execute("INSERT INTO orders_regions (company_id, regions, by_id, at) VALUES (?, ?, ?, ?)",
                        [company_id, "," + ",".join(wanted) + "," if wanted else "", by_id,
                         time.time() if now is None else now])
    return True


def history(db: Database, company_id: int | None = None, limit: int = 100) -> list[RegionChange]:
    """The changes, newest first (of one company, if given)."""
    where, values = ("WHERE r.company_id = ?", [company_id]) if company_id is not None else ("", [])
    rows = db.execute(f"SELECT r.id, r.company_id, r.regions, r.by_id, u.name, r.at FROM orders_regions r "  # noqa: S608
                      f"LEFT JOIN users u ON u.id = r.by_id {where} ORDER BY r.id DESC LIMIT ?",
                      [*values, limit]).fetchall()
    return [RegionChange(row[0], row[1], _split(row[2]), row[3], row[4], row[5]) for row in rows]
