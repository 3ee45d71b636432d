"""The points panel of the staff dashboard and the points columns of the partner health table.

Reads the ledger (points_ledger, owned by ledger.py) and the purchases (points_shipments, owned by
shipments.py); writes nothing. The ledger is append-only, so every figure of a past period can be
counted again as it stood: a flow counts the rows written in the period (a reversal counts where it was
written, against what it corrects), a state ("outstanding", "expiring") counts the rows written
before the period's end (or now, for a period that has not ended yet).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from sqlite_utils import Database

from portal.core.companies import merged_map
from portal.core.dashboard import DashboardPanel, Figure, HealthColumn, PanelFigures, Period
from portal.core.settings import Settings
from portal.points import ledger, shipments
from portal.points.ledger import LOT, TAKES, Lot
from portal.points.staff_pages import POINTS_ROLES
from portal.points.staff_requests import QUEUE
from portal.points.terms import DAY
from portal.web.context import club_of, club_zone

EXPIRING_DAYS = 90
STAFF_PAGE = "/staff/points/"
# Credited points: earn rows, grants by hand, and the reversals of either (negative: they take back).
EARNED = ("p.kind = 'earn' OR (p.kind = 'adjust' AND p.amount > 0) "
          "OR (p.kind = 'reverse' AND r.kind IN ('earn', 'adjust') AND r.amount > 0)")


def _one(db: Database, sql: str, values: list) -> int:
    return int(db.execute(sql, values).fetchone()[0] or 0)


def earned(db: Database, start: float, end: float) -> int:
    """Points credited in [start, end), net of the reversals written then."""
    return _one(db, "SELECT coalesce(sum(p.amount), 0) FROM points_ledger p "  # noqa: S608 - constants only
                f"LEFT JOIN points_ledger r ON r.id = p.ref_id WHERE p.at >= ? AND p.at < ? AND ({EARNED})",
                [start, end])


def spent(db: Database, start: float, end: float) -> int:
    """Points spent for good in [start, end): the holds debited then (a delivered privilege)."""
    return _one(db, "SELECT coalesce(-sum(h.amount), 0) FROM points_ledger p JOIN points_ledger h ON h.id = p.ref_id "
                "WHERE p.kind = 'debit' AND p.at >= ? AND p.at < ?", [start, end])


def expired(db: Database, start: float, end: float) -> int:
    return _one(db, "SELECT coalesce(-sum(amount), 0) FROM points_ledger WHERE kind = 'expire' AND at >= ? AND at < ?",
                [start, end])


def outstanding(db: Database, at: float) -> int:
    """What all companies had at `at`: available plus what open holds reserved (the club's liability)."""
    available = _one(db, "SELECT coalesce(sum(amount), 0) FROM points_ledger WHERE at < ?", [at])
    held = _one(db, "SELECT coalesce(-sum(h.amount), 0) FROM points_ledger h WHERE h.kind = 'hold' AND h.at < ? "
                "AND NOT EXISTS (SELECT 1 FROM points_ledger s WHERE s.ref_id = h.id "
                "AND s.kind IN ('release', 'debit') AND s.at < ?)", [at, at])
    return available + held


def expiring(db: Database, at: float, days: int = EXPIRING_DAYS) -> int:
    """Points left at `at` in lots that expire within `days` after it (FIFO as ledger.lots counts it),
    from the rows written before `at`: three grouped queries for all companies, never one per company."""
    until = at + days * DAY
    companies = [row[0] for row in db.execute(
        f"SELECT DISTINCT company_id FROM points_ledger WHERE expires_at > ? AND expires_at <= ? AND at < ? AND {LOT}",  # noqa: S608
        [at, until, at]).fetchall()]
    if not companies:
        return 0
    lots: dict[int, list[Lot]] = {}
    for company_id, lot_id, amount, expires_at in db.execute(
            f"SELECT company_id, id, amount, expires_at FROM points_ledger WHERE at < ? AND {LOT} "  # noqa: S608
            "ORDER BY company_id, expires_at, id", [at]).fetchall():
        lots.setdefault(company_id, []).append(Lot(lot_id, amount, expires_at, amount))
    gone = dict(db.execute("SELECT ref_id, -sum(amount) FROM points_ledger WHERE kind = 'expire' AND at < ? "
                           "GROUP BY ref_id", [at]).fetchall())
    taken = dict(db.execute(f"SELECT company_id, -sum(amount) FROM points_ledger WHERE at < ? AND {TAKES} "  # noqa: S608
                            "GROUP BY company_id", [at]).fetchall())
    return sum(max(lot.remaining, 0) for company_id in companies
               for lot in ledger.consume(lots.get(company_id, []), gone, int(taken.get(company_id, 0)))
               if at < lot.expires_at <= until)


def panel(db: Database, settings: Settings, period: Period, language: str) -> PanelFigures:
    zone = club_zone(club_of(settings))
    start, end = period.bounds(zone.key)
    state_at = min(end, time.time())
    requests = QUEUE + "?" + urlencode({"state": "done"})
    return PanelFigures(figures=(
        Figure("earned", "points.dash.earned", earned(db, start, end), "pts", STAFF_PAGE),
        Figure("spent", "points.dash.spent", spent(db, start, end), "pts", requests, better=""),
        Figure("expired", "points.dash.expired", expired(db, start, end), "pts", STAFF_PAGE, better="down"),
        Figure("outstanding", "points.dash.outstanding", outstanding(db, state_at), "pts", STAFF_PAGE,
               better="", note="points.dash.outstanding_note", state=True),
        Figure("expiring", "points.dash.expiring", expiring(db, state_at), "pts", STAFF_PAGE, better="down",
               state=True),
    ))


# --- the partner health table: one query per column, every company at once ---

def months_before(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def _today(settings: Settings, now: float) -> date:
    return datetime.fromtimestamp(now, club_zone(club_of(settings))).date()


def _by_survivor(db: Database, values: Mapping[int, int]) -> dict[int, int]:
    """Sums per company as it counts today: a merged duplicate's rows count for the company it became."""
    merged, found = merged_map(db), {}
    for company_id, value in values.items():
        survivor = merged.get(company_id, company_id)
        found[survivor] = found.get(survivor, 0) + int(value)
    return found


def purchase_window(db: Database, first: date, end: date) -> dict[int, int]:
    """Company -> purchases net of reversals dated first <= day < end: kopecks."""
    return _by_survivor(db, shipments.purchases(db, first.isoformat(), end.isoformat()))


def purchases_12m(db: Database, settings: Settings, now: float) -> dict[int, int]:
    """Roubles bought in the last 12 months (to today, inclusive)."""
    end = _today(settings, now) + timedelta(days=1)
    return {company: round(kopecks / 100) for company, kopecks in
            purchase_window(db, months_before(end, 12), end).items()}


def purchases_trend(db: Database, settings: Settings, now: float) -> dict[int, float]:
    """The last 6 months against the 6 before, in percent (one decimal); none for a company that bought
    nothing in the 6 before (no base to compare)."""
    end = _today(settings, now) + timedelta(days=1)
    middle, first = months_before(end, 6), months_before(end, 12)
    recent, before = purchase_window(db, middle, end), purchase_window(db, first, middle)
    return {company: round((recent.get(company, 0) - base) * 100 / base, 1)
            for company, base in before.items() if base > 0}


def balances(db: Database, settings: Settings, now: float) -> dict[int, int]:
    """Company -> its points now, held ones included (available + open holds)."""
    rows = db.execute("SELECT company_id, sum(amount) FROM points_ledger GROUP BY company_id").fetchall()
    held = db.execute("SELECT h.company_id, -sum(h.amount) FROM points_ledger h WHERE h.kind = 'hold' AND NOT EXISTS "
                      "(SELECT 1 FROM points_ledger s WHERE s.ref_id = h.id AND s.kind IN ('release', 'debit')) "
                      "GROUP BY h.company_id").fetchall()
    found: dict[int, int] = {}
    for company_id, amount in [*rows, *held]:
        found[company_id] = found.get(company_id, 0) + int(amount)
    return _by_survivor(db, found)


HEALTH_COLUMNS = (
    HealthColumn("purchases_12m", "points.health.purchases", purchases_12m, order=30),
    HealthColumn("purchases_trend", "points.health.trend", purchases_trend, order=31),
    HealthColumn("points_balance", "points.health.balance", balances, better="", order=32),
)
PANEL = DashboardPanel("points", "points.dash.title", panel, roles=POINTS_ROLES, order=40)
