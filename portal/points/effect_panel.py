"""The club effect's figure on the staff dashboard, without making the dashboard wait for it.

The report reads every shipment (16 s at 5,000,000 lines, bench/dashboard.py's club), and the dashboard asks
for three periods on every look. So the panel keeps each period's headline under a version of the data the
effect depends on (shipments, the customer register, companies and their changes, staff's INN matches:
cheap max/count reads), not under "anything was written" — a new registration or forum post does not throw
it away. A club with up to AT_ONCE_LINES shipment lines gets it at once; on a larger one the figure sends
staff to the report instead (where the computation is asked for), never a wrong or stale number. Computing
it behind the dashboard's back was tried: a thread held the GIL for seconds and every request queued behind
it; a child process took a core from the requests on a 2-core machine.
"""

from __future__ import annotations

import threading
from datetime import date

from sqlite_utils import Database

from portal.core.dashboard import DashboardPanel, Figure, PanelFigures, Period
from portal.core.db import database_file
from portal.core.settings import Settings
from portal.points import effect_report
from portal.points.staff_pages import POINTS_ROLES

AT_ONCE_LINES = 200_000   # up to this many shipment lines the dashboard computes it (well under a second)
PATH = "/staff/points/effect/"

_KEPT: dict[tuple, tuple[float | None, int]] = {}   # (file, day, version) -> (headline ₽, members compared)
_LOCK = threading.Lock()


def data_version(db: Database) -> tuple:
    """Moves when anything the effect reads changes (each read is an index's end or a small table's count)."""
    return db.execute(
        "SELECT (SELECT max(id) FROM points_shipments), (SELECT count(*) FROM points_customers), "
        "(SELECT max(imported_at) FROM points_customers), (SELECT max(id) FROM companies), "
        "(SELECT max(id) FROM company_changes), (SELECT count(*) FROM points_inn_matches), "
        "(SELECT max(at) FROM points_inn_matches)").fetchone()


def headline(db: Database, day: date) -> tuple[float | None, int]:
    report = effect_report.build(db, day, effect_report.WINDOW, effect_report.CHURN)
    found = effect_report.headline(report)
    return (None if found is None else float(found)), len(report.result.pairs)


def panel_figures(db: Database, settings: Settings, period: Period, language: str) -> PanelFigures:
    """The headline: the difference-in-differences as it stood at the period's end (whole months before it)."""
    version = data_version(db)
    key = (database_file(db) or id(db), period.end, version)
    kept = _KEPT.get(key)
    if kept is None and (version[0] or 0) <= AT_ONCE_LINES:
        kept = _keep(key, headline(db, period.end))
    did, members = kept if kept is not None else (None, None)
    note = "points.effect.panel.note" if kept is not None else "points.effect.panel.open_report"
    return PanelFigures(figures=(
        Figure("did", "points.effect.panel.did", did, unit="₽", url=PATH, note=note, state=True),
        Figure("members", "points.effect.panel.members", None if members is None else float(members), url=PATH,
               state=True, better="")))


def _keep(key: tuple, found: tuple[float | None, int]) -> tuple[float | None, int]:
    """Keep the newest version's headline per database and day (older versions are dropped)."""
    with _LOCK:
        for old in [old for old in _KEPT if old[:2] == key[:2]]:
            del _KEPT[old]
        _KEPT[key] = found
    return found


PANEL = DashboardPanel("points_effect", "points.effect.title", panel_figures, roles=POINTS_ROLES, order=60)
