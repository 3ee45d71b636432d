"""A company's scorecard for a year: each criterion's score, the weighted total, the coefficient and the
co-funded marketing budget cap (the rules: scorecard.py).

The scored year is a calendar year; its card caps the manufacturer's share of the budget for the next
year (seed 002: the budget is set in October for the year after). The partner's page shows the previous
calendar year's card — the one that caps this year's budget, with every purchase of it counted.

Data criteria are computed live, never stored:
- turnover: the company's purchases with a document date in the scored year, net of reversals
  (points_shipments; merged duplicate records count as the company they were merged into);
- years: whole years from the company's start with us — the earlier of its first shipment that stands
  and the day its record was created — to the end of the scored year (today, for the current year).
Manual criteria are staff's latest scores (scorecard_store); one not scored yet counts as 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlite_utils import Database

from portal.core.companies import Company, active_companies, survivors, with_duplicates
from portal.points import scorecard_store, shipments
from portal.points.scorecard import Band, Criterion, Scorecard

FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Facts:
    """What the data criteria read about a company."""

    kopecks: int = 0               # purchases in the scored year, net of reversals
    since: date | None = None      # the start with us


@dataclass(frozen=True)
class Line:
    criterion: Criterion
    score: int | None              # None: a manual criterion nobody has scored yet
    value: int | None = None       # data criteria: whole roubles, or whole years
    next_band: Band | None = None  # data criteria: the band above the one reached
    missing: int | None = None     # roubles or years short of next_band
    reached_on: date | None = None  # years: the day next_band is reached
    note: str = ""

    @property
    def weighted(self) -> int:
        return self.criterion.weight * (self.score or 0)


@dataclass(frozen=True)
class Card:
    company: Company
    year: int
    lines: tuple[Line, ...]
    total: int
    max_total: int
    coefficient: Decimal
    budget: int
    since: date | None = None

    @property
    def budget_year(self) -> int:
        return self.year + 1


def scoring_year(today: date) -> int:
    """The year a partner's page shows: the last whole one."""
    return today.year - 1


def full_years(start: date, until: date) -> int:
    if until < start:
        return 0
    return until.year - start.year - ((until.month, until.day) < (start.month, start.day))


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def band_of(criterion: Criterion, value: int) -> tuple[int, Band | None]:
    """The score the value reaches and the band above it (None at the top)."""
    score, following = 0, None
    for band in criterion.bands:
        if value >= band.start:
            score = band.score
        else:
            following = band
            break
    return score, following


def data_line(criterion: Criterion, facts: Facts, until: date) -> Line:
    if criterion.source == "turnover":
        kopecks = max(facts.kopecks, 0)
        score, following = band_of(criterion, kopecks // 100)
        missing = None if following is None else -(-(following.start * 100 - kopecks) // 100)  # whole roubles, up
        return Line(criterion, score, kopecks // 100, following, missing)
    years = full_years(facts.since, until) if facts.since else 0
    score, following = band_of(criterion, years)
    reached = add_years(facts.since, following.start) if facts.since and following else None
    return Line(criterion, score, years, following, None if following is None else following.start - years, reached)


def card(scorecard: Scorecard, company: Company, year: int, facts: Facts,
         manual: dict[str, scorecard_store.Score | int], today: date) -> Card:
    """The card from what is known; `manual`: criterion id -> a stored score (or a bare number)."""
    until = min(date(year, 12, 31), today)
    lines = []
    for criterion in scorecard.criteria:
        if criterion.source != "manual":
            lines.append(data_line(criterion, facts, until))
            continue
        given = manual.get(criterion.id)
        if isinstance(given, scorecard_store.Score):
            lines.append(Line(criterion, min(given.score, criterion.max_score), note=given.note))
        else:
            lines.append(Line(criterion, None if given is None else min(given, criterion.max_score)))
    total = sum(line.weighted for line in lines)
    coefficient = scorecard.coefficient(total)
    return Card(company, year, tuple(lines), total, scorecard.max_total, coefficient, scorecard.budget(coefficient),
                facts.since)


def _start(company: Company, first_shipment: str | None) -> date | None:
    days = [text[:10] for text in (first_shipment, company.created_at) if text]
    try:
        return min(date.fromisoformat(day) for day in days) if days else None
    except ValueError:
        return None


def company_card(db: Database, scorecard: Scorecard, company: Company, year: int, today: date) -> Card:
    """One company's card (its merged duplicates' purchases count as its own)."""
    ids = with_duplicates(db, company.id)
    kopecks = sum(shipments.purchases(db, f"{year:04d}-01-01", f"{year + 1:04d}-01-01", ids).values())
    first = min(shipments.first_purchases(db, ids).values(), default=None)
    return card(scorecard, company, year, Facts(kopecks, _start(company, first)),
                dict(scorecard_store.latest(db, company.id, year)), today)


def year_cards(db: Database, scorecard: Scorecard, year: int, today: date) -> list[Card]:
    """Every company's card for the year (not merged duplicates), in name order."""
    bought = shipments.purchases(db, f"{year:04d}-01-01", f"{year + 1:04d}-01-01")
    firsts = shipments.first_purchases(db)
    owner = survivors(db, sorted(set(bought) | set(firsts)))
    kopecks: dict[int, int] = {}
    first: dict[int, str] = {}
    for company_id, amount in bought.items():
        kopecks[owner.get(company_id, company_id)] = kopecks.get(owner.get(company_id, company_id), 0) + amount
    for company_id, day in firsts.items():
        survivor = owner.get(company_id, company_id)
        first[survivor] = min(day, first.get(survivor, day))
    manual = scorecard_store.latest_for_year(db, year)
    return [card(scorecard, company, year, Facts(kopecks.get(company.id, 0), _start(company, first.get(company.id))),
                 dict(manual.get(company.id, {})), today) for company in active_companies(db)]


def this_year_so_far(db: Database, company: Company, today: date) -> int:
    """The company's purchases since 1 January of `today`'s year, whole roubles (what next year's card reads)."""
    ids = with_duplicates(db, company.id)
    kopecks = sum(shipments.purchases(db, f"{today.year:04d}-01-01", f"{today.year + 1:04d}-01-01", ids).values())
    return max(kopecks, 0) // 100


def roubles(amount: int) -> str:
    """1250000 -> '1 250 000' (non-breaking spaces: a sum never breaks across lines)."""
    return f"{amount:,}".replace(",", "\u00a0")
