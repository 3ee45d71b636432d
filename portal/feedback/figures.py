"""The feedback panel of the staff dashboard and the feedback column of the partner health table.

Reads feedback_requests and feedback_log (owned by store.py); writes nothing. The time to first reply
is working time (hours.py: the club's calendar), as the inbox counts it: the working seconds stored
when the reply was written, or counted now for requests answered before they were stored.
"""

from __future__ import annotations

import statistics
import time

from sqlite_utils import Database

from portal.core.companies import merged_map
from portal.core.dashboard import Breakdown, DashboardPanel, Figure, HealthColumn, PanelFigures, Period
from portal.core.i18n import translate
from portal.core.settings import Settings
from portal.feedback import hours
from portal.feedback.model import KINDS, STAFF_ROLES
from portal.web.context import club_of, club_zone

INBOX = "/staff/feedback/"
HOUR = 3600.0
# Closed at a moment: the latest status change before it says so; a request whose changes all came later
# (brought in with its history, as the demo's) is closed then if its closed_at is earlier.
CLOSED_AT = ("coalesce((SELECT l.new FROM feedback_log l WHERE l.request_id = r.id AND l.action = 'status' "
             "AND l.at < ? ORDER BY l.at DESC, l.id DESC LIMIT 1) = 'closed', r.closed_at < ?)")


def opened(db: Database, start: float, end: float) -> dict[str, int]:
    """Kind -> requests written in [start, end)."""
    return dict(db.execute("SELECT kind, count(*) FROM feedback_requests WHERE created_at >= ? AND created_at < ? "
                           "GROUP BY kind", [start, end]).fetchall())


def open_at(db: Database, at: float) -> int:
    """Requests written before `at` and not closed at that moment."""
    return int(db.execute(f"SELECT count(*) FROM feedback_requests r WHERE r.created_at < ? "  # noqa: S608
                          f"AND NOT coalesce({CLOSED_AT}, 0)", [at, at, at]).fetchone()[0])


def reply_hours(db: Database, start: float, end: float, clock: hours.WorkingHours, zone) -> list[float]:
    """Working hours to the first reply of each request first answered in [start, end)."""
    rows = db.execute("SELECT created_at, first_reply_at, first_reply_work FROM feedback_requests "
                      "WHERE first_reply_at >= ? AND first_reply_at < ?", [start, end]).fetchall()
    return [(work if work is not None else hours.working_seconds(created, replied, clock, zone)) / HOUR
            for created, replied, work in rows]


def panel(db: Database, settings: Settings, period: Period, language: str) -> PanelFigures:
    club = club_of(settings)
    zone = club_zone(club)
    start, end = period.bounds(zone.key)
    kinds = opened(db, start, end)
    times = reply_hours(db, start, end, hours.club_hours(club), zone)
    return PanelFigures(figures=(
        Figure("opened", "feedback.dash.opened", sum(kinds.values()), url=INBOX, better=""),
        Figure("open", "feedback.dash.open", open_at(db, min(end, time.time())), url=INBOX, better="down",
               state=True),
        Figure("reply_median", "feedback.dash.reply_median",
               round(statistics.median(times), 1) if times else None, "h", INBOX, better="down",
               note="feedback.dash.working_hours"),
        Figure("reply_mean", "feedback.dash.reply_mean", round(statistics.fmean(times), 1) if times else None,
               "h", INBOX, better="down", note="feedback.dash.working_hours"),
    ), breakdowns=(
        Breakdown("by_kind", "feedback.dash.by_kind",
                  {translate(language, f"feedback.kind.{kind}"): kinds[kind] for kind in KINDS if kind in kinds},
                  url=INBOX),
    ))


def open_requests(db: Database, settings: Settings, now: float) -> dict[int, int]:
    """Company -> its requests not closed now (a merged duplicate's count for the company it became)."""
    rows = db.execute("SELECT company_id, count(*) FROM feedback_requests WHERE status != 'closed' "
                      "AND company_id IS NOT NULL GROUP BY company_id").fetchall()
    current = merged_map(db)
    found: dict[int, int] = {}
    for company, number in rows:
        found[current.get(company, company)] = found.get(current.get(company, company), 0) + number
    return found


PANEL = DashboardPanel("feedback", "feedback.dash.title", panel, roles=STAFF_ROLES, order=35)
HEALTH_COLUMNS = (HealthColumn("feedback_open", "feedback.health.open", open_requests, better="down", order=50),)
