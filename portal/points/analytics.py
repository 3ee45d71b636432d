"""The partner's own purchase analytics (the cabinet's /account/points/purchases): pure functions over
the rows of shipments.company_months — (YYYY-MM, product group, kopecks net of reversals).

A period is 12 months: by default the 12 full months before the current one (the tier's window, so the
page's total is the tier's sum), or a calendar year (the current year up to this month, so far). Each month
is compared with the same month a year before. Money stays whole kopecks (ints) to the end; percentages
are Decimals rounded half up to one place, None when there is nothing to compare with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portal.points.tiers import window

Rows = Iterable[tuple[str, str, int]]
LAST_12 = "12m"
YEARS_BACK = 4               # the years offered besides the current one


def month_shift(month: str, months: int) -> str:
    """YYYY-MM moved by `months` (negative: back)."""
    total = int(month[:4]) * 12 + int(month[5:7]) - 1 + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


@dataclass(frozen=True)
class Period:
    key: str                          # LAST_12 or the year, as the filter writes it
    months: tuple[str, ...]           # YYYY-MM, oldest first

    @property
    def start(self) -> str:
        return f"{self.months[0]}-01"

    @property
    def end(self) -> str:
        """The first day after the period (ISO): shipments dated before it count."""
        return f"{month_shift(self.months[-1], 1)}-01"

    @property
    def compared_start(self) -> str:
        """The first day of the same months a year before: the rows to read start here."""
        return f"{month_shift(self.months[0], -12)}-01"


def last_twelve(today: date) -> Period:
    start = window(today)[0][:7]
    return Period(LAST_12, tuple(month_shift(start, number) for number in range(12)))


def year(number: int, today: date) -> Period:
    """January to December of `number`; the current year only up to today's month."""
    last = 12 if number < today.year else today.month
    return Period(str(number), tuple(f"{number:04d}-{month:02d}" for month in range(1, last + 1)))


def years(today: date) -> list[int]:
    """The years the filter offers, newest first."""
    return [today.year - back for back in range(YEARS_BACK + 1)]


def period_of(key: str, today: date) -> Period | None:
    """The period a filter value names; None when it names none on offer."""
    if key in ("", LAST_12):
        return last_twelve(today)
    if key.isascii() and key.isdigit() and int(key) in years(today):
        return year(int(key), today)
    return None


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent, one decimal place, half up; None when whole is 0."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def change(now: int, before: int) -> Decimal | None:
    """The change against last year in percent; None when last year had nothing."""
    return percent(now - before, before) if before > 0 else None


@dataclass(frozen=True)
class Line:
    month: str                  # YYYY-MM; "" for the totals line
    amounts: tuple[int, ...]    # per group, in Table.groups order
    total: int
    before: int                 # the same month(s) a year before
    change: Decimal | None


@dataclass(frozen=True)
class Table:
    period: Period
    groups: tuple[str, ...]     # biggest first
    lines: tuple[Line, ...]     # one per month of the period
    totals: Line
    shares: tuple[Decimal | None, ...]   # each group's share of the period's total, in percent

    @property
    def empty(self) -> bool:
        return self.totals.total == 0 and self.totals.before == 0 and not self.groups


def sums(rows: Rows, group: str | None = None) -> dict[tuple[str, str], int]:
    """(month, group) -> kopecks, only `group` when given."""
    found: dict[tuple[str, str], int] = {}
    for month, name, kopecks in rows:
        if group is None or name == group:
            found[(month, name)] = found.get((month, name), 0) + kopecks
    return found


def groups_of(rows: Rows) -> list[str]:
    """The product groups the rows have, by name (the choices of the group filter)."""
    return sorted({name for _, name, _ in rows}, key=lambda name: (name.casefold(), name))


def table(rows: Rows, period: Period, group: str | None = None) -> Table:
    """Months x groups of the period, each month against the same month a year before."""
    cells = sums(rows, group)
    shown = set(period.months)
    by_group: dict[str, int] = {}
    for (month, name), kopecks in cells.items():
        if month in shown:
            by_group[name] = by_group.get(name, 0) + kopecks
    groups = tuple(sorted(by_group, key=lambda name: (-by_group[name], name.casefold(), name)))
    lines = []
    for month in period.months:
        amounts = tuple(cells.get((month, name), 0) for name in groups)
        earlier = month_shift(month, -12)
        before = sum(kopecks for (at, _), kopecks in cells.items() if at == earlier)
        lines.append(Line(month, amounts, sum(amounts), before, change(sum(amounts), before)))
    total, before = sum(line.total for line in lines), sum(line.before for line in lines)
    totals = Line("", tuple(by_group[name] for name in groups), total, before, change(total, before))
    return Table(period, groups, tuple(lines), totals, tuple(percent(by_group[name], total) for name in groups))
