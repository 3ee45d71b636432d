"""Monthly accrual: a month's purchases become points per company (`club points accrue`, the job).

The one owner of `points_accruals`. The rule is `extra.club.points` in mkdocs.yml (content/club/rules.md:
"1 point per 500 roubles of purchases, once a month"); without it, 500 roubles a point, rounded down,
every product group, no bonuses:

    points:
      roubles_per_point: 500
      rounding: floor            # floor | round | ceil
      groups: all                # or a list of the product groups that count
      accrue_day: 5              # the job accrues the previous month on this day of the month
      bonuses:                   # optional: roubles counted `multiplier` times
        - {from: 2026-11-01, until: 2026-11-30, multiplier: 2}
        - {from: 2026-01-01, until: 2026-12-31, group: "Трековые системы", multiplier: 1.5}

Points are written through the ledger (`ledger.earn`, idempotent per company and source `accrual:YYYY-MM`)
and then a row here: a second run for the month finds the row and does nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from portal.core.companies import survivors
from portal.core.db import write_transaction
from portal.points import shipments

ROUNDING: dict[str, Callable[[Fraction], int]] = {
    "floor": math.floor, "ceil": math.ceil, "round": lambda value: math.floor(value + Fraction(1, 2))}
WRITE_BATCH = 1000  # accrual rows per transaction (the ledger's rows are its own)
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# Keys of the same section that other parts of the capability read (terms.py, tiers.py): not the rule's.


@dataclass(frozen=True)
class Bonus:
    start: date
    until: date
    multiplier: Fraction
    group: str | None = None

    def applies(self, group: str, day: str) -> bool:
        return (self.group is None or self.group == group) and self.start.isoformat() <= day <= self.until.isoformat()


@dataclass(frozen=True)
class Rule:
    roubles_per_point: int = 500
    rounding: str = "floor"
    groups: frozenset[str] | None = None  # None: every product group counts
    bonuses: tuple[Bonus, ...] = ()
    accrue_day: int = 5

    def weight(self, group: str, day: str) -> Fraction | None:
        """How many times a rouble of this group on this day counts; None when the group does not count.
        Overlapping bonuses do not stack: the biggest multiplier wins."""
        if self.groups is not None and group not in self.groups:
            return None
        return max((bonus.multiplier for bonus in self.bonuses if bonus.applies(group, day)), default=Fraction(1))

    def points(self, weighted_kopecks: Fraction) -> int:
        return max(0, ROUNDING[self.rounding](weighted_kopecks / (self.roubles_per_point * 100)))


class RuleError(ValueError):
    """extra.club.points is wrong; the message names the key and what to write."""


def parse_rule(raw: Any) -> Rule:
    """Rule from `extra.club.points`; RuleError naming what is wrong."""
    if raw is None:
        return Rule()
    if not isinstance(raw, dict):
        raise RuleError("extra.club.points must be a mapping (roubles_per_point, rounding, groups, bonuses)")
    # Other keys of the section belong to the other parts (terms, tiers, ...): portal/points/config.py
    # refuses keys no part knows, for `club check`.
    per_point, day = raw.get("roubles_per_point", 500), raw.get("accrue_day", 5)
    if not isinstance(per_point, int) or isinstance(per_point, bool) or per_point < 1:
        raise RuleError("extra.club.points.roubles_per_point: a whole number of roubles, e.g. 500")
    if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 28:
        raise RuleError("extra.club.points.accrue_day: a day of the month from 1 to 28, e.g. 5")
    rounding = raw.get("rounding", "floor")
    if rounding not in ROUNDING:
        raise RuleError(f"extra.club.points.rounding: one of {', '.join(ROUNDING)} (floor counts only whole points)")
    return Rule(per_point, rounding, _groups(raw.get("groups", "all")), _bonuses(raw.get("bonuses") or []), day)


def _groups(raw: Any) -> frozenset[str] | None:
    if raw == "all" or raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(item, str) and item.strip() for item in raw):
        raise RuleError("extra.club.points.groups: `all` or a list of product group names as in the shipments file")
    return frozenset(" ".join(item.split()) for item in raw)


def _bonuses(raw: Any) -> tuple[Bonus, ...]:
    if not isinstance(raw, list):
        raise RuleError("extra.club.points.bonuses: a list of {from, until, multiplier, group (optional)}")
    found = []
    for number, item in enumerate(raw, start=1):
        where = f"extra.club.points.bonuses[{number}]"
        if not isinstance(item, dict) or set(item) - {"from", "until", "multiplier", "group"}:
            raise RuleError(f"{where}: a mapping of from, until, multiplier and (optionally) group")
        try:
            start, until = (d if isinstance(d, date) else date.fromisoformat(str(d))
                            for d in (item["from"], item["until"]))
            multiplier = Fraction(str(item["multiplier"]))
        except (KeyError, ValueError, ZeroDivisionError):
            raise RuleError(f"{where}: from and until as YYYY-MM-DD, multiplier as a number such as 2 or 1.5") from None
        if until < start or multiplier <= 0:
            raise RuleError(f"{where}: until must not be before from, and the multiplier must be above 0")
        group = item.get("group")
        found.append(Bonus(start, until, multiplier, None if group is None else " ".join(str(group).split())))
    return tuple(found)


def club_rule(club: Any) -> Rule:
    """The rule from the club's config (ClubConfig.raw); RuleError when it is wrong."""
    raw = getattr(club, "raw", None) or {}
    section = ((raw.get("extra") or {}).get("club") or {}) if isinstance(raw, dict) else {}
    return parse_rule(section.get("points") if isinstance(section, dict) else None)


@dataclass
class AccrualReport:
    month: str
    companies: int = 0       # accrued now
    points: int = 0
    kopecks: int = 0
    already: int = 0         # accrued before: left as they are
    dry_run: bool = False

    def line(self) -> str:
        verb = "would accrue" if self.dry_run else "accrued"
        return (f"{self.month}: {verb} {self.points} points to {self.companies} compan"
                f"{'y' if self.companies == 1 else 'ies'} for {self.kopecks / 100:,.2f} roubles of purchases; "
                f"{self.already} already accrued before")


Earn = Callable[..., Any]


def _ledger_earn() -> Earn:
    from portal.points import ledger  # written beside this module (issue 15, the ledger part)

    return ledger.earn


def month_end(month: str, zone: ZoneInfo) -> float:
    """The last second of the month in the club's time zone (when the points count as earned)."""
    year, number = int(month[:4]), int(month[5:])
    following = date(year + number // 12, number % 12 + 1, 1)
    return datetime.combine(following, time(0), zone).timestamp() - 1


def totals(db: Database, month: str, rule: Rule) -> dict[int, tuple[int, Fraction]]:
    """Company id (merged duplicates count as their survivor) -> (counted kopecks, weighted kopecks)."""
    rows = shipments.month_totals(db, month)
    owner = survivors(db, sorted({row[0] for row in rows}))
    by_weight: dict[int, dict[Fraction, int]] = {}  # whole kopecks per multiplier: Fractions only at the end
    for company_id, group, day, kopecks in rows:
        weight = rule.weight(group, day)
        if weight is not None:
            sums = by_weight.setdefault(owner.get(company_id, company_id), {})
            sums[weight] = sums.get(weight, 0) + kopecks
    return {company: (sum(sums.values()), sum((kopecks * weight for weight, kopecks in sums.items()), Fraction(0)))
            for company, sums in by_weight.items()}


def accrue(db: Database, month: str, rule: Rule, now: float, dry_run: bool = False,
           zone: ZoneInfo | None = None, earn: Earn | None = None) -> AccrualReport:
    """Points for `month` (YYYY-MM) to every company with purchases in it and no accrual for it yet."""
    if not MONTH.match(month):
        raise ValueError(f"month {month!r}: write it as YYYY-MM, e.g. 2026-11")
    report, done, written = AccrualReport(month, dry_run=dry_run), accrued_companies(db, month), []
    earned_at = month_end(month, zone or ZoneInfo("Europe/Moscow"))
    for company_id, (kopecks, weighted) in sorted(totals(db, month, rule).items()):
        if company_id in done:
            report.already += 1
            continue
        points = rule.points(weighted)
        report.companies, report.points, report.kopecks = (report.companies + 1, report.points + points,
                                                           report.kopecks + max(kopecks, 0))
        if dry_run:
            continue
        if points > 0:  # the ledger first: it is idempotent per source, so a crash between the two is harmless
            (earn or _ledger_earn())(db, company_id, points, reason=f"purchases {month}",
                                     source=f"accrual:{month}", now=now, earned_at=earned_at)
        written.append((company_id, month, kopecks, points, now))
        if len(written) >= WRITE_BATCH:
            _write(db, written)
    _write(db, written)
    return report


def _write(db: Database, rows: list[tuple]) -> None:
    with write_transaction(db):
        db.conn.executemany("INSERT OR IGNORE INTO points_accruals (company_id, month, roubles_kopecks, points, at) "
                            "VALUES (?, ?, ?, ?, ?)", rows)
    rows.clear()


def accrued_companies(db: Database, month: str) -> set[int]:
    return {row[0] for row in db.execute("SELECT company_id FROM points_accruals WHERE month = ?", [month])}


def accrued_points(db: Database, company_id: int, months: list[str]) -> dict[str, int]:
    """Month -> the points the company was accrued for it, for those of `months` accrued already."""
    marks = ", ".join("?" * len(months))
    return dict(db.execute(f"SELECT month, points FROM points_accruals WHERE company_id = ? "  # noqa: S608
                           f"AND month IN ({marks})", [company_id, *months]).fetchall()) if months else {}


def accrued_months(db: Database) -> set[str]:
    """Every month some company has been accrued for (an import notes corrections to them)."""
    return {row[0] for row in db.execute("SELECT DISTINCT month FROM points_accruals")}


def previous_month(day: date) -> str:
    first = day.replace(day=1)
    return f"{first.year - (first.month == 1)}-{(first.month - 2) % 12 + 1:02d}"
