"""The dashboard's period: this quarter by default, or a month, a year, or custom dates from the query string.

`?period=quarter|month|year` takes the one that holds `at` (a date, today by default), so staff can step
back (`?period=quarter&at=2025-11-01`); `?period=custom&from=…&to=…` takes the days from `from` to `to`
(both included, as people write a range). Bad input never answers 500: `read_period` returns the
problems by field, the page shows the form again with them (400) and what was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.core.dashboard import Period

KINDS = ("quarter", "month", "year", "custom")
EARLIEST = date(2000, 1, 1)
LONGEST = 3 * 366  # days: a custom period longer than this is a typo, and costs three years of scans


@dataclass(frozen=True)
class Choice:
    """What the form says (kept as typed, for the form) and the period it means (None while wrong)."""

    values: dict[str, str]
    period: Period | None
    errors: dict[str, str] = field(default_factory=dict)  # field -> word key

    @property
    def compared(self) -> tuple[Period, Period, Period] | None:
        """The period, the one before it and the same period a year before. Before a quarter, month or
        year is the calendar one (the first quarter before the second, though it is a day shorter);
        before custom dates, as many days just before them."""
        if self.period is None:
            return None
        kind = self.values["period"] or "quarter"
        before = self.period.previous()
        if kind in STEPS:
            before = STEPS[kind](self.period.start - timedelta(days=1))
        return self.period, before, self.period.last_year()


def quarter_of(day: date) -> Period:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Period(first, _add_months(first, 3))


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    return Period(first, _add_months(first, 1))


def year_of(day: date) -> Period:
    return Period(date(day.year, 1, 1), date(day.year + 1, 1, 1))


STEPS = {"quarter": quarter_of, "month": month_of, "year": year_of}


def _add_months(first: date, months: int) -> date:
    index = first.month - 1 + months
    return date(first.year + index // 12, index % 12 + 1, 1)


def parse_day(text: str) -> date | None:
    """YYYY-MM-DD (what <input type=date> sends), within reason; None for anything else."""
    if len(text) != 10 or not text.isascii():
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if EARLIEST <= day <= date(2100, 12, 31) else None


def read_period(query: Mapping[str, str], today: date) -> Choice:
    """The period the query string asks for (see the module's docstring), or the problems with it."""
    values = {name: (query.get(name) or "")[:20].strip() for name in ("period", "at", "from", "to")}
    kind = values["period"] or "quarter"
    if kind not in KINDS:
        return Choice(values, None, {"period": "dashboard.error.kind"})
    if kind == "custom":
        return _custom(values)
    at = today
    if values["at"]:
        found = parse_day(values["at"])
        if found is None:
            return Choice(values, None, {"at": "dashboard.error.day"})
        at = found
    return Choice(values, STEPS[kind](at))


def _custom(values: dict[str, str]) -> Choice:
    start, last = parse_day(values["from"]), parse_day(values["to"])
    errors = {}
    if start is None:
        errors["from"] = "dashboard.error.day"
    if last is None:
        errors["to"] = "dashboard.error.day"
    if start and last and last < start:
        errors["to"] = "dashboard.error.order"
    elif start and last and (last - start).days >= LONGEST:
        errors["to"] = "dashboard.error.long"
    if errors or start is None or last is None:
        return Choice(values, None, errors)
    return Choice(values, Period(start, last + timedelta(days=1)))


def query_of(choice: Choice) -> dict[str, str]:
    """The query string that asks for the same period again (the downloads' links)."""
    return {name: value for name, value in choice.values.items() if value}
