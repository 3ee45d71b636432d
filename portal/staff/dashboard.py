"""The staff dashboard's figures: every capability's panels (core/dashboard.py) for a period, the previous
period of the same length and the same period a year before, compared figure by figure and row by row.

The dashboard owns no figures and no SQL: it asks each panel, in `order`, and caches the answers in the
process keyed by the database's change stamp (portal.core.db.change_stamp: this connection's writes and
every other connection's commits). Any write anywhere moves the stamp, so a new registration is on the
page at the next request; while nothing changes, a repeated look costs no query at all. A panel that
fails is shown as unavailable and logged: one broken panel never takes the page (and the others) down.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.capability import Capability
from portal.core.dashboard import Breakdown, DashboardPanel, Figure, PanelFigures, Period
from portal.core.db import change_stamp, database_file
from portal.core.settings import Settings

log = logging.getLogger("portal")
CACHE_LIMIT = 512   # answers kept (panel x period x language); a dashboard has a few dozen at a time
NEW = "new"         # a change from zero: "new", never an infinite percentage
# Panels answered at once, each thread on a connection of its own: SQLite lets go of the GIL while it reads,
# so the two cores share the work (bench/dashboard.py: every panel after new data).
WORKERS = 2


@dataclass(frozen=True)
class Compared:
    """One figure in the period with the same figure before: the previous period and a year before."""

    figure: Figure
    previous: float | None
    last_year: float | None

    @property
    def change(self) -> float | str | None:
        return change(self.figure.value, self.previous, self.figure.unit)

    @property
    def change_year(self) -> float | str | None:
        return change(self.figure.value, self.last_year, self.figure.unit)


@dataclass(frozen=True)
class Rows:
    """A breakdown (a chart and its table): each row's value now, in the previous period, a year before."""

    breakdown: Breakdown
    rows: tuple[tuple[str, float | None, float | None, float | None], ...]


@dataclass(frozen=True)
class PanelView:
    panel: DashboardPanel
    figures: tuple[Compared, ...] = ()
    breakdowns: tuple[Rows, ...] = ()
    failed: bool = False


def change(now: float | None, before: float | None, unit: str = "") -> float | str | None:
    """How `now` differs from `before`: None when either is unknown ("—"); NEW from zero to something;
    for a rate ("%") the difference in percentage points, for everything else the relative change."""
    if now is None or before is None:
        return None
    if unit == "%":
        return now - before
    if before == 0:
        return NEW if now != 0 else 0.0
    return (now - before) / abs(before)


def panels_for(capabilities: Iterable[Capability], role: str | None) -> list[DashboardPanel]:
    """The panels this staff role may see, over all capabilities, in their `order`."""
    found = [panel for capability in capabilities for panel in capability.dashboard_panels if role in panel.roles]
    return sorted(found, key=lambda panel: panel.order)


def find_panel(capabilities: Iterable[Capability], key: str) -> DashboardPanel | None:
    return next((panel for capability in capabilities for panel in capability.dashboard_panels
                 if panel.key == key), None)


class FigureCache:
    """Answers of panels by (panel, period, language), valid while the database's change stamp stands."""

    def __init__(self) -> None:
        self._answers: dict[tuple[str, Period, str], tuple[tuple[int, int], PanelFigures]] = {}

    def figures(self, db: Database, settings: Settings, panel: DashboardPanel, period: Period,
                language: str, stamp: tuple[int, int]) -> PanelFigures:
        key = (panel.key, period, language)
        kept = self._answers.get(key)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        found = panel.figures(db, settings, period, language)
        if len(self._answers) >= CACHE_LIMIT:
            self._answers.clear()
        self._answers[key] = (stamp, found)
        return found

    def holds(self, panels: Sequence[DashboardPanel], periods: Iterable[Period], language: str,
              stamp: tuple[int, int]) -> bool:
        """Every answer is kept for this stamp: nothing to compute."""
        periods = tuple(periods)
        return all((kept := self._answers.get((panel.key, period, language))) is not None and kept[0] == stamp
                   for panel in panels for period in periods)


def view(db: Database, settings: Settings, panel: DashboardPanel, compared: tuple[Period, Period, Period],
         language: str, cache: FigureCache, stamp: tuple[int, int] | None = None) -> PanelView:
    """The panel for the period, the one before and the year before (periods.Choice.compared)."""
    # Read first: a write during the computation only makes the next look recompute.
    stamp = change_stamp(db) if stamp is None else stamp
    try:
        now, previous, year = (cache.figures(db, settings, panel, when, language, stamp) for when in compared)
    except Exception:  # a broken panel is shown as unavailable; the others still answer
        log.exception("dashboard panel %s failed", panel.key)
        return PanelView(panel, failed=True)
    return PanelView(panel, compare_figures(now, previous, year), compare_breakdowns(now, previous, year))


def compare_figures(now: PanelFigures, previous: PanelFigures, year: PanelFigures) -> tuple[Compared, ...]:
    before = {figure.key: figure.value for figure in previous.figures}
    earlier = {figure.key: figure.value for figure in year.figures}
    return tuple(Compared(figure, before.get(figure.key), earlier.get(figure.key)) for figure in now.figures)


def compare_breakdowns(now: PanelFigures, previous: PanelFigures, year: PanelFigures) -> tuple[Rows, ...]:
    before = {item.key: item.values for item in previous.breakdowns}
    earlier = {item.key: item.values for item in year.breakdowns}
    found = []
    for item in now.breakdowns:
        then, last = before.get(item.key, {}), earlier.get(item.key, {})
        missing = None if item.unit == "%" else 0  # a row a period lacks: none counted, but no rate to tell
        found.append(Rows(item, tuple((name, item.values.get(name, missing), then.get(name, missing),
                                       last.get(name, missing)) for name in _union(item.values, then, last))))
    return tuple(found)


def _union(*mappings) -> list[str]:
    """Row names in the order the period gives them, then rows only the earlier periods have."""
    names: dict[str, None] = {}
    for mapping in mappings:
        names.update(dict.fromkeys(mapping))
    return list(names)


def views(db: Database, settings: Settings, panels: Sequence[DashboardPanel], compared: tuple[Period, Period, Period],
          language: str, cache: FigureCache) -> list[PanelView]:
    """Every panel, WORKERS at a time on connections of their own (one at a time on an in-memory database)."""
    stamp, file = change_stamp(db), database_file(db)  # the stamp of the portal's connection keys the cache
    if not file or len(panels) < 2 or cache.holds(panels, compared, language, stamp):
        return [view(db, settings, panel, compared, language, cache, stamp) for panel in panels]
    local, opened = threading.local(), []

    def answer(panel: DashboardPanel) -> PanelView:
        own = getattr(local, "db", None)
        if own is None:
            own = local.db = _connection(file)
            opened.append(own)
        return view(own, settings, panel, compared, language, cache, stamp)

    try:
        with ThreadPoolExecutor(WORKERS, thread_name_prefix="dashboard") as pool:
            return list(pool.map(answer, panels))
    finally:
        for own in opened:
            own.conn.close()


def _connection(file: str) -> Database:
    """A connection like the portal's (panels may keep tallies: newsletters/tallies.py writes)."""
    conn = sqlite3.connect(file, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    return Database(conn)
