"""What a capability shows on the staff dashboard (`/staff/`) and in the partner health table.

The dashboard (portal/staff/) owns no figures: each capability declares `DashboardPanel`s and
`HealthColumn`s in its `capability.py` (as Datasette's built-in plugins use the same hooks as outside
ones), and computes them from its own tables in its own module. The dashboard asks every panel for the
chosen period, the previous period of the same length and the same period a year before, and draws the
comparison, the charts and the CSV/XLSX downloads itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from sqlite_utils import Database

    from portal.core.settings import Settings


@dataclass(frozen=True)
class Period:
    """Days from `start` (inclusive) to `end` (exclusive), in the club's time zone."""

    start: date
    end: date

    def bounds(self, timezone: str) -> tuple[float, float]:
        """The period as Unix seconds [start, end): midnight to midnight in the club's zone."""
        zone = ZoneInfo(timezone)
        return (datetime.combine(self.start, time(), zone).timestamp(),
                datetime.combine(self.end, time(), zone).timestamp())

    def iso(self) -> tuple[str, str]:
        """The period as ISO dates [start, end), for tables that keep dates as text (YYYY-MM-DD)."""
        return self.start.isoformat(), self.end.isoformat()

    def previous(self) -> Period:
        """The period of the same length that ends where this one starts."""
        return Period(self.start - (self.end - self.start), self.start)

    def last_year(self) -> Period:
        """The same days a year before (29 February becomes the 28th)."""
        return Period(_year_before(self.start), _year_before(self.end))


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Figure:
    """One number of a period: members who joined, the open rate, open requests…"""

    key: str                 # unique within its panel; names the CSV column
    label: str               # a word key
    value: float | None      # None: nothing to measure in this period (shown as "—", never as 0)
    unit: str = ""           # "" (a count), "%", "h" (hours), "pts", "₽"
    url: str | None = None   # the list behind the figure (a staff page, filtered to the period where it can)
    better: str = "up"       # which change is good news: "up", "down" or "" (neither)
    note: str = ""           # a word key shown beside it, e.g. why clicks are the more reliable rate
    state: bool = False      # a state at the period's end (open requests, outstanding points), not a flow


@dataclass(frozen=True)
class Breakdown:
    """A chart's numbers: one value per row (a level, a segment, a topic…) in the period."""

    key: str
    label: str                        # a word key
    values: Mapping[str, float]       # row name, already in the reader's language -> value
    unit: str = ""
    url: str | None = None            # the list behind the chart


@dataclass(frozen=True)
class PanelFigures:
    figures: Sequence[Figure] = ()
    breakdowns: Sequence[Breakdown] = ()


@dataclass(frozen=True)
class DashboardPanel:
    """A block of the dashboard: `figures(db, settings, period, language)` answers for one period."""

    key: str                 # unique over all capabilities; used in URLs (/staff/dashboard/<key>.csv)
    title: str               # a word key
    figures: Callable[[Database, Settings, Period, str], PanelFigures]
    roles: tuple[str, ...] = ("staff", "moderator", "editor", "admin")
    order: int = 50


@dataclass(frozen=True)
class HealthColumn:
    """A column of the partner health table: `values(db, settings, now)` -> company id -> value.

    A company missing from the mapping shows "—". Values are numbers, ISO dates or short text.
    """

    key: str
    label: str               # a word key
    values: Callable[[Database, Settings, float], Mapping[int, Any]]
    kind: str = "number"     # number | date | text: how it sorts and filters
    better: str = "up"       # for drifting partners: which way is good ("up", "down", "")
    order: int = 50
