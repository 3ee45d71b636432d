"""The monthly accrual as a job beside the portal: content/club/privileges.md promises points "once a
month, by the 10th, for the closed shipments of the previous month", so from `accrue_day` (default the
5th, extra.club.points.accrue_day) the job accrues the previous month. It looks once a day (and at
start); accrual is idempotent per company and month, so every look after the first does nothing."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime

from sqlite_utils import Database

from portal.core.db import connect
from portal.core.settings import Settings
from portal.points import accrual
from portal.web.context import club_zone, load_club_config

log = logging.getLogger("portal.points")
CHECK_SECONDS = 6 * 3600  # four looks a day: one missed by a restart is soon made up


def accrue_due(settings: Settings, db: Database, now: float | None = None,
               earn: accrual.Earn | None = None) -> accrual.AccrualReport | None:
    """Accrue the previous month when today (in the club's time zone) is its accrual day or later."""
    now = time.time() if now is None else now
    club = load_club_config(settings.club_config)
    rule, zone = accrual.club_rule(club), club_zone(club)
    today = datetime.fromtimestamp(now, zone).date()
    if today.day < rule.accrue_day:
        return None
    return accrual.accrue(db, accrual.previous_month(today), rule, now, zone=zone, earn=earn)


def _loop(settings: Settings, stopping: threading.Event, every: float) -> None:
    db = connect(settings.database)
    try:
        while True:
            try:
                report = accrue_due(settings, db)
                if report and report.companies:
                    log.info("points: %s", report.line())
            except Exception:  # a wrong rule in mkdocs.yml or a busy database: logged, tried again later
                log.exception("the monthly points accrual failed")
            if stopping.wait(every):
                return
    finally:
        db.conn.close()


@contextlib.contextmanager
def accrual_job(settings: Settings, progress: Callable[[str], None], enabled: bool = True,
                every: float = CHECK_SECONDS) -> Iterator[None]:
    if not enabled:
        yield
        return
    stopping = threading.Event()
    thread = threading.Thread(target=_loop, args=(settings, stopping, every), name="club-points-accrual", daemon=True)
    thread.start()
    progress("points: the previous month is accrued from extra.club.points.accrue_day (default the 5th)")
    try:
        yield
    finally:
        stopping.set()
        thread.join(timeout=10)
