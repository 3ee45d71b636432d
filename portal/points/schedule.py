"""The monthly accrual as a job beside the portal: content/club/privileges.md promises points "once a
month, by the 10th, for the closed shipments of the previous month", so from `accrue_day` (default the
5th, extra.club.points.accrue_day) the job accrues the previous month and corrects it for purchases that
changed since (recount.py). It looks four times a day (and at start); both are idempotent, so a look that
finds nothing new does nothing."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlite_utils import Database

from portal.core.jobs import periodic
from portal.core.settings import Settings
from portal.points import accrual, recount
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




def accrue_and_log(settings: Settings, db: Database, now: float | None = None) -> None:
    """The previous month's accrual, then its corrections (purchases that changed after it, recount.py)."""
    now = time.time() if now is None else now
    report = accrue_due(settings, db, now)
    if report is None:
        return
    if report.companies:
        log.info("points: %s", report.line())
    club = load_club_config(settings.club_config)
    corrected = recount.recount(db, report.month, accrual.club_rule(club), now, zone=club_zone(club))
    if corrected.companies:
        log.info("points: %s", corrected.line())
    for problem in corrected.problems:
        log.warning("points: %s", problem)


def accrual_job(settings: Settings, progress: Callable[[str], None], enabled: bool = True,
                every: float = CHECK_SECONDS) -> AbstractContextManager[None]:
    return periodic(settings, progress, enabled, name="points-accrual", work=accrue_and_log, every=every,
                    said="points: the previous month is accrued from extra.club.points.accrue_day (default the 5th)",
                    at_start=True)
