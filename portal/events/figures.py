"""The events panel of the staff dashboard and the events column of the partner health table.

Reads event_registrations and their log (owned by store.py) and event_attendance (owned by
attendance.py), with the events the build published (catalogue.py) for their dates and titles; writes
nothing. A person counts once per event however often they cancelled and came back (a new row each
time); the waiting list at a moment is read back from the append-only log, so a past period's state is
what it was then, not what the rows say now.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from sqlite_utils import Database

from portal.core.companies import merged_map
from portal.core.dashboard import Breakdown, DashboardPanel, Figure, HealthColumn, PanelFigures, Period
from portal.core.settings import Settings
from portal.events.catalogue import catalogue_for
from portal.events.model import timestamp
from portal.events.staff_pages import EVENT_ROLES
from portal.web.context import club_of, club_zone
from site_builder.contract import EventEntry

STAFF_PAGE = "/staff/events/"
YEAR = 365 * 24 * 3600.0
# Log rows that change a registration's status (the others record answers or a new time and place).
STATUS_ACTIONS = "('registered', 'waiting', 'offered', 'accepted', 'cancelled', 'left', 'expired', 'event_cancelled')"
LATEST_MARK = ("(SELECT a.present FROM event_attendance a WHERE a.registration_id = r.id "
               "ORDER BY a.id DESC LIMIT 1)")


def _marks(slugs: Iterable[str]) -> tuple[str, list[str]]:
    values = sorted(slugs)
    return ", ".join("?" * len(values)) or "NULL", values


def registrations(db: Database, start: float, end: float) -> dict[str, int]:
    """Event slug -> people who signed up in [start, end) (a seat or the waiting list) and have not
    cancelled or left since; one person once per event."""
    return dict(db.execute(
        "SELECT event, count(DISTINCT user_id) FROM event_registrations WHERE created_at >= ? AND created_at < ? "
        "AND status NOT IN ('cancelled', 'left') GROUP BY event", [start, end]).fetchall())


def cancellations(db: Database, start: float, end: float) -> int:
    """Seats people gave back in [start, end) (an event the club called off is not counted)."""
    return int(db.execute("SELECT count(*) FROM event_registration_log WHERE action = 'cancelled' "
                          "AND at >= ? AND at < ?", [start, end]).fetchone()[0])


def offers(db: Database, start: float, end: float) -> int:
    """Freed seats offered to the waiting list in [start, end)."""
    return int(db.execute("SELECT count(*) FROM event_registration_log WHERE action = 'offered' AND at >= ? AND at < ?",
                          [start, end]).fetchone()[0])


def attendance(db: Database, slugs: Iterable[str]) -> tuple[int, int]:
    """(registered, present by their latest mark) over these events."""
    marks, values = _marks(slugs)
    row = db.execute(f"SELECT count(*), coalesce(sum({LATEST_MARK} = 1), 0) FROM event_registrations r "  # noqa: S608
                     f"WHERE r.status = 'registered' AND r.event IN ({marks})", values).fetchone()
    return int(row[0]), int(row[1])


def waiting_at(db: Database, slugs: Iterable[str], at: float) -> int:
    """People on these events' waiting lists at `at`, by each registration's latest status change before it."""
    marks, values = _marks(slugs)
    return int(db.execute(
        f"SELECT count(*) FROM event_registration_log l WHERE l.event IN ({marks}) AND l.new = 'waiting' "  # noqa: S608
        f"AND l.action IN {STATUS_ACTIONS} AND l.id = (SELECT max(m.id) FROM event_registration_log m "
        f"WHERE m.registration_id = l.registration_id AND m.at < ? AND m.action IN {STATUS_ACTIONS})",
        [*values, at]).fetchone()[0])


def took_place(events: Iterable[EventEntry], start: float, end: float) -> list[EventEntry]:
    """The events that started in [start, end) and were not called off."""
    return [event for event in events if not event.cancelled and start <= (timestamp(event.starts) or -1) < end]


def upcoming(events: Iterable[EventEntry], at: float) -> list[EventEntry]:
    return [event for event in events if not event.cancelled and (timestamp(event.starts) or 0) > at]


def panel(db: Database, settings: Settings, period: Period, language: str) -> PanelFigures:
    start, end = period.bounds(club_zone(club_of(settings)).key)
    events = catalogue_for(settings.site_dir).all()
    signed = registrations(db, start, end)
    registered, present = attendance(db, (event.slug for event in took_place(events.values(), start, end)))
    state_at = min(end, time.time())
    titles = {slug: events[slug].title if slug in events else slug for slug in signed}
    return PanelFigures(figures=(
        Figure("registrations", "events.dash.registrations", sum(signed.values()), url=STAFF_PAGE),
        Figure("cancellations", "events.dash.cancellations", cancellations(db, start, end), url=STAFF_PAGE,
               better="down"),
        Figure("attendance", "events.dash.attendance", round(present * 100 / registered, 1) if registered else None,
               "%", STAFF_PAGE, note="events.dash.attendance_note"),
        Figure("waiting", "events.dash.waiting", waiting_at(db, (e.slug for e in upcoming(events.values(), state_at)),
                                                             state_at), url=STAFF_PAGE, better="", state=True),
        Figure("offers", "events.dash.offers", offers(db, start, end), url=STAFF_PAGE, better=""),
    ), breakdowns=(
        Breakdown("by_event", "events.dash.by_event", {titles[slug]: number for slug, number in signed.items()},
                  url=STAFF_PAGE),
    ))


def attended_12m(db: Database, settings: Settings, now: float) -> dict[int, int]:
    """Company -> events its people attended (the latest mark says present) in the last 365 days; a
    merged duplicate's visits count for the company it became, each event once."""
    pairs = db.execute(
        f"SELECT DISTINCT r.company_id, r.event FROM event_registrations r WHERE r.company_id IS NOT NULL "  # noqa: S608
        f"AND r.status = 'registered' AND {LATEST_MARK} = 1 AND EXISTS (SELECT 1 FROM event_attendance b "
        "WHERE b.registration_id = r.id AND b.present = 1 AND b.at >= ? AND b.at <= ?)",
        [now - YEAR, now]).fetchall()
    current = merged_map(db)
    found: dict[int, set[str]] = {}
    for company, event in pairs:
        found.setdefault(current.get(company, company), set()).add(event)
    return {company: len(events) for company, events in found.items()}


PANEL = DashboardPanel("events", "events.dash.title", panel, roles=EVENT_ROLES, order=30)
HEALTH_COLUMNS = (HealthColumn("events_attended", "events.health.attended", attended_12m, order=40),)
