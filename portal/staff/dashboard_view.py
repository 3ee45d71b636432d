"""How the dashboard writes its numbers (babel, the reader's language), draws its charts and lays out
its downloads: the page, the CSV and the XLSX show the same rows.

Units (core/dashboard.py, Figure.unit): "" a count, "%" a percentage written as a number of percent
(37.5, not 0.375), "h" hours, "pts" points, "₽" roubles. A value of None is "—", never 0; a change
from zero is "new", never an infinite percentage; a rate's change is in percentage points.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from babel.dates import format_date
from babel.numbers import format_decimal

from portal.core.dashboard import Period
from portal.staff.dashboard import NEW, PanelView, Rows, change
from portal.web import charts

CHART_ROWS = 12   # bars a chart can show legibly at a phone's width; the table beside it has every row
DASH = "—"


@dataclass(frozen=True)
class Numbers:
    language: str
    t: Callable[..., str]

    def value(self, value: float | None, unit: str = "") -> str:
        if value is None:
            return DASH
        digits = "#,##0.#" if unit in ("%", "h") else "#,##0"
        text = format_decimal(value, digits, locale=self.language)
        return f"{text} %" if unit == "%" else f"{text} {unit}" if unit else text

    def change(self, value: float | str | None, unit: str = "") -> str:
        if value is None:
            return DASH
        if value == NEW:
            return self.t("dashboard.new")
        sign = "+" if value > 0 else "−" if value < 0 else "±"
        if unit == "%":
            return f"{sign}{format_decimal(abs(value), '#,##0.#', locale=self.language)} {self.t('dashboard.pp')}"
        return f"{sign}{format_decimal(abs(value) * 100, '#,##0', locale=self.language)} %"

    def period(self, period: Period) -> str:
        last = period.end - timedelta(days=1)  # the period's end is exclusive; people name its last day
        return (f"{format_date(period.start, 'd MMM yyyy', locale=self.language)} – "
                f"{format_date(last, 'd MMM yyyy', locale=self.language)}")


def chart_of(rows: Rows, num: Numbers) -> charts.Chart | None:
    """Bars for the period and the same period a year before, for the largest rows; None with no numbers."""
    lines = [line for line in rows.rows if (line[1] or 0) > 0 or (line[3] or 0) > 0]
    if not lines:
        return None
    lines = sorted(lines, key=lambda line: -(line[1] or 0))[:CHART_ROWS]
    unit = rows.breakdown.unit
    points = [charts.Point(_short(name), line_now or 0, line_year or 0,
                           num.t("dashboard.bar_now", row=name, value=num.value(line_now, unit)),
                           num.t("dashboard.bar_year", row=name, value=num.value(line_year, unit)))
              for name, line_now, _, line_year in lines]
    return charts.geometry(points, lambda value: format_decimal(value, "#,##0.##", locale=num.language))


def _short(name: str) -> str:
    return name if len(name) <= 9 else name[:8] + "…"


def table_rows(panel: PanelView, num: Numbers, periods: tuple[Period, Period, Period]) -> Iterator[list[object]]:
    """The panel as rows for CSV and XLSX: the header, each figure, then each breakdown's rows.
    Numbers stay numbers (None an empty cell); the changes are written as on the page."""
    yield [num.t("dashboard.col.what"), num.t("dashboard.col.row"), *(num.period(p) for p in periods),
           num.t("dashboard.col.change"), num.t("dashboard.col.change_year"), num.t("dashboard.col.unit")]
    for item in panel.figures:
        figure = item.figure
        yield [num.t(figure.label), "", figure.value, item.previous, item.last_year,
               num.change(item.change, figure.unit), num.change(item.change_year, figure.unit), figure.unit]
    for rows in panel.breakdowns:
        for name, now, previous, year in rows.rows:
            unit = rows.breakdown.unit
            yield [num.t(rows.breakdown.label), name, now, previous, year,
                   num.change(change(now, previous, unit), unit), num.change(change(now, year, unit), unit), unit]
