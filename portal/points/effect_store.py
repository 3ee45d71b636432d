"""The club-effect report's data: every customer's monthly purchases (points_shipments by INN, net of
reversals), who is a member and since when, and each customer's segment and region.

- A member is a company of the portal (not a merged duplicate). Its INNs: its own, those whose lines were
  given to it or to a duplicate merged into it, and those staff matched to it (points_inn_matches); its
  purchases are those INNs' lines, including lines kept aside before it joined.
- Its joining date: the date the manufacturer's customer register gives for one of its INNs (the earliest),
  else the day its record was created on the portal (companies.created_at: when its first person named it).
  The register's date wins because companies that joined before the portal existed were created on the
  portal's first day.
- Its segment and region: the company's, else the register's.
- A non-member customer: an INN of the register that belongs to no company; segment and region from the
  register. INNs in the shipments but in neither are counted (`unregistered`), not compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from portal.core.companies import Company, active_companies, company_ids_by_inn, survivors
from portal.core.db import change_stamp
from portal.points import customers, shipments
from portal.points.analytics import month_shift
from portal.points.effect import Unit


@dataclass(frozen=True)
class Data:
    units: tuple[Unit, ...]
    first: str            # the first month with shipments (YYYY-MM); "" when there are none
    last: str             # the last whole month: the one before today's
    unregistered: int     # INNs with shipments that are neither a member nor in the register


def owners(db: Database, inns: list[str], given: dict[str, int]) -> dict[str, int]:
    """INN -> the company (after merges) it belongs to, for the INNs that belong to one: the company with the
    INN, else the one its lines were given to (`given`), else the one staff matched it to."""
    found = {**shipments.inn_matches(db), **given, **company_ids_by_inn(db, inns)}
    current = survivors(db, sorted(set(found.values())))
    return {inn: current.get(company, company) for inn, company in found.items()}


def series_by_inn(db: Database, last: str) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """INN -> month -> kopecks up to `last`, and INN -> a company its lines were given to."""
    found: dict[str, dict[str, int]] = {}
    given: dict[str, int] = {}
    for inn, month, kopecks, company_id in shipments.inn_months(db, f"{month_shift(last, 1)}-01"):
        found.setdefault(inn, {})[month] = kopecks
        if company_id is not None:
            given[inn] = company_id
    return found, given


_LAST: dict[tuple, Data] = {}  # the latest load: the dashboard asks for three periods in one request


def load(db: Database, today: date) -> Data:
    """Every member and registered customer as a Unit, with data up to the month before `today`'s. The same
    answer again while nothing was written (a full read of the shipments takes a while on a large club)."""
    last = month_shift(f"{today.year:04d}-{today.month:02d}", -1)
    key = (db.conn, last, change_stamp(db))  # the connection itself (kept, so no other takes its id)
    if key not in _LAST:
        _LAST.clear()
        _LAST[key] = _load(db, last)
    return _LAST[key]


def _load(db: Database, last: str) -> Data:
    (series, given), register = series_by_inn(db, last), customers.register(db)
    owner = owners(db, sorted(set(series) | set(register)), given)
    inns_of: dict[int, list[str]] = {}
    for inn, company_id in sorted(owner.items()):
        inns_of.setdefault(company_id, []).append(inn)
    members = [_member(company, inns_of.get(company.id, []), series, register)
               for company in active_companies(db, limit=1_000_000)]
    others = [Unit(f"inn:{inn}", row.name, row.segment, row.region, series.get(inn, {}))
              for inn, row in register.items() if inn not in owner]
    months = [month for months in series.values() for month in months]
    unregistered = sum(1 for inn in series if inn not in owner and inn not in register)
    return Data((*members, *others), min(months, default=""), last, unregistered)


def _member(company: Company, inns: list[str], series: dict[str, dict[str, int]],
            register: dict[str, customers.Registered]) -> Unit:
    months: dict[str, int] = {}
    for inn in inns:
        for month, kopecks in series.get(inn, {}).items():
            months[month] = months.get(month, 0) + kopecks
    listed = [register[inn] for inn in inns if inn in register]
    dates = sorted(row.joined_on for row in listed if row.joined_on)
    joined = (dates[0] if dates else company.created_at)[:7]
    segment = company.segment or next((row.segment for row in listed), "")
    region = company.region or next((row.region for row in listed), "")
    return Unit(f"company:{company.id}", company.name, segment, region, months, joined)
