"""The club effect's figure on the staff dashboard, without making the dashboard wait for it.

The report reads every shipment (seconds at millions of lines), and the dashboard asks for three periods on
every look. So the panel keeps each period's headline under a version of the data the effect depends on
(shipments, the customer register, companies and their changes, staff's INN matches: cheap max/count
reads), not under "anything was written" — a new registration or forum post does not throw it away. A
club with few shipment lines gets it at once; on a large one (16 s at 5,000,000 lines) a child process
computes it at a lower priority, read-only — a thread of this process would hold the GIL for seconds and
every request would wait behind it (bench/dashboard.py) — and the figure reads "being computed" until then
(never a wrong number).

    python -m portal.points.effect_panel DATABASE DAY WINDOW CHURN   # the child: prints [headline, members]
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from datetime import date
from urllib.parse import quote

from sqlite_utils import Database

from portal.core.dashboard import DashboardPanel, Figure, PanelFigures, Period
from portal.core.db import database_file
from portal.core.settings import Settings
from portal.points import effect_report
from portal.points.staff_pages import POINTS_ROLES

log = logging.getLogger("portal.points.effect")
CHILD_SECONDS = 1800
AT_ONCE_LINES = 200_000   # up to this many shipment lines the request computes it (well under a second)
PATH = "/staff/points/effect/"

_KEPT: dict[tuple, tuple[float | None, int]] = {}   # (file, day, version) -> (headline ₽, members compared)
_RUNNING: set[tuple] = set()
_LOCK = threading.Lock()


def data_version(db: Database) -> tuple:
    """Moves when anything the effect reads changes (each read is an index's end or a small table's count)."""
    return db.execute(
        "SELECT (SELECT max(id) FROM points_shipments), (SELECT count(*) FROM points_customers), "
        "(SELECT max(imported_at) FROM points_customers), (SELECT max(id) FROM companies), "
        "(SELECT max(id) FROM company_changes), (SELECT count(*) FROM points_inn_matches), "
        "(SELECT max(at) FROM points_inn_matches)").fetchone()


def headline(db: Database, day: date, window: int | None = None, churn: int | None = None) -> tuple[float | None, int]:
    report = effect_report.build(db, day, window or effect_report.WINDOW, churn or effect_report.CHURN)
    found = effect_report.headline(report)
    return (None if found is None else float(found)), len(report.result.pairs)


def panel_figures(db: Database, settings: Settings, period: Period, language: str) -> PanelFigures:
    """The headline: the difference-in-differences as it stood at the period's end (whole months before it)."""
    version = data_version(db)
    key = (database_file(db) or id(db), period.end, version)
    kept = _KEPT.get(key)
    if kept is None and (not database_file(db) or (version[0] or 0) <= AT_ONCE_LINES):
        kept = _keep(key, headline(db, period.end))
    elif kept is None:
        _start(key, period.end)
    did, members = kept if kept is not None else (None, None)
    note = "points.effect.panel.note" if kept is not None else "points.effect.panel.computing"
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


def _start(key: tuple, day: date) -> None:
    with _LOCK:
        if key in _RUNNING:
            return
        _RUNNING.add(key)
    threading.Thread(target=_compute, args=(key, day), name="club-effect", daemon=True).start()


def _compute(key: tuple, day: date) -> None:
    """Wait for the child (no GIL held meanwhile) and keep its answer; a failure is logged, the next look
    tries again."""
    try:
        done = subprocess.run([sys.executable, "-m", "portal.points.effect_panel", key[0], day.isoformat(),
                               str(effect_report.WINDOW), str(effect_report.CHURN)],
                              capture_output=True, text=True, timeout=CHILD_SECONDS, check=True)
        did, members = json.loads(done.stdout)
        _keep(key, (did, int(members)))
    except (OSError, ValueError, TypeError, subprocess.SubprocessError):
        log.exception("the club effect for the dashboard could not be computed")
    finally:
        with _LOCK:
            _RUNNING.discard(key)


def _child(database: str, day: str, window: str, churn: str) -> None:
    import sqlite3

    import sqlite_utils

    os.nice(10)  # the portal's requests first
    reader = sqlite_utils.Database(sqlite3.connect(f"file:{quote(database)}?mode=ro", uri=True))
    print(json.dumps(headline(reader, date.fromisoformat(day), int(window), int(churn))))


PANEL = DashboardPanel("points_effect", "points.effect.title", panel_figures, roles=POINTS_ROLES, order=60)


if __name__ == "__main__":
    _child(*sys.argv[1:5])
