"""The orders panel of the staff dashboard.

Reads orders and order_events (owned by store.py); writes nothing. "In time" is the rule of terms.py:
a distributor's first answer (accepted, a question or declined) within `extra.club.orders.answer_hours`
weekday hours of sending. An order not answered yet counts only once its time is up (late), never while
it still may be answered in time. "Overdue" at a moment is read back from the append-only events: the
order's latest event before it was one that waits for the distributor, for longer than the terms allow.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from portal.core.dashboard import DashboardPanel, Figure, PanelFigures, Period
from portal.core.settings import Settings
from portal.orders import store, terms
from portal.orders.access import STAFF_ROLES
from portal.orders.staff_pages import LIST
from portal.web.context import club_of, club_zone

ANSWERS = "('accepted', 'question', 'declined')"


def sent(db: Database, start: float, end: float) -> int:
    return int(db.execute("SELECT count(*) FROM orders WHERE sent_at >= ? AND sent_at < ?", [start, end]).fetchone()[0])


def answered_in_time(db: Database, start: float, end: float, now: float, hours: int,
                     zone: ZoneInfo) -> tuple[int, int]:
    """(in time, judged) over the orders sent in [start, end): judged are those answered and those whose
    time was up at `now` without an answer."""
    rows = db.execute(f"SELECT o.sent_at, (SELECT min(e.at) FROM order_events e WHERE e.order_id = o.id "  # noqa: S608
                      f"AND e.state IN {ANSWERS}) FROM orders o WHERE o.sent_at >= ? AND o.sent_at < ?",
                      [start, end]).fetchall()
    in_time = judged = 0
    for sent_at, answered in rows:
        due = terms.due_at(sent_at, hours, zone)
        if answered is None and now < due:
            continue  # may still be answered in time
        judged += 1
        in_time += answered is not None and answered <= due
    return in_time, judged


def overdue_at(db: Database, at: float, hours: int, zone: ZoneInfo) -> int:
    """Orders waiting for their distributor at `at` for longer than the terms allow."""
    marks = ", ".join("?" * len(store.WAITING))
    rows = db.execute(f"SELECT e.at FROM order_events e WHERE e.at < ? AND e.state IN ({marks}) "  # noqa: S608
                      "AND e.seq = (SELECT max(m.seq) FROM order_events m WHERE m.order_id = e.order_id AND m.at < ?)",
                      [at, *store.WAITING, at]).fetchall()
    return sum(terms.is_overdue(since, at, hours, zone) for (since,) in rows)


def panel(db: Database, settings: Settings, period: Period, language: str) -> PanelFigures:
    club = club_of(settings)
    zone, hours, now = club_zone(club), terms.answer_hours(club), time.time()
    start, end = period.bounds(zone.key)
    in_time, judged = answered_in_time(db, start, end, now, hours, zone)
    return PanelFigures(figures=(
        Figure("sent", "orders.dash.sent", sent(db, start, end), url=LIST),
        Figure("in_time", "orders.dash.in_time", round(in_time * 100 / judged, 1) if judged else None, "%", LIST,
               note="orders.dash.in_time_note"),
        Figure("overdue", "orders.dash.overdue", overdue_at(db, min(end, now), hours, zone),
               url=LIST + "?" + urlencode({"overdue": 1}), better="down", state=True),
    ))


PANEL = DashboardPanel("orders", "orders.dash.title", panel, roles=STAFF_ROLES, order=45)
