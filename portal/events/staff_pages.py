"""Staff pages of events: `/staff/events/` (every event of the built site with its seats) and
`/staff/events/<slug>/` (its registrations with filters, adding and removing a person, CSV and XLSX).

For the roles that work with partners (ASVS 5.0 8.2.1: the one guard, on every request). A slug the
build did not publish is a 404 whatever it looks like (ASVS 5.0 8.2.2); a registration named in a form
must belong to the event in the path, else 404 too. The letter to everyone is staff_mail.py.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.identity import User, find_user_by_email, normalise_email
from portal.events import export, mails, store
from portal.events.catalogue import catalogue
from portal.events.model import HOLDING, STATUSES, Refused, local_time, timestamp
from portal.events.pages import may_attend
from portal.web.context import portal_of, visitor
from portal.web.context import vocabularies as club_vocabularies
from portal.web.csvfile import csv_response
from portal.web.forms import read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render
from site_builder.contract import EventEntry

EVENT_ROLES = ("staff", "admin")  # as the companies and feedback staff pages: not moderators or editors
NOTICES = ("added", "waiting", "removed", "mailed", "already_mailed")
staff_only = requires(roles=EVENT_ROLES)


def staff_event_or_404(request: Request) -> EventEntry:
    slug = request.path_params["slug"]
    event = catalogue(portal_of(request)).get(slug) if len(slug) <= 200 else None
    if event is None:
        raise HTTPException(404)
    return event


def event_path(event: EventEntry) -> str:
    return f"/staff/events/{event.slug}/"


def is_past(event: EventEntry, now: float) -> bool:
    end = timestamp(event.ends) or timestamp(event.starts)
    return end is not None and end < now


def ordered(events: list[EventEntry], now: float) -> list[EventEntry]:
    """Upcoming events first, the next one on top; past ones after them, the latest first."""
    upcoming = sorted((e for e in events if not is_past(e, now)), key=lambda e: (timestamp(e.starts) or 0, e.slug))
    past = sorted((e for e in events if is_past(e, now)), key=lambda e: (-(timestamp(e.starts) or 0), e.slug))
    return upcoming + past


@staff_only
async def events_page(request: Request) -> Response:
    portal, now = portal_of(request), time.time()
    tally = store.counts(portal.db)
    rows = []
    for event in ordered(list(catalogue(portal).all().values()), now):
        found = tally.get(event.slug, {})
        rows.append({"event": event, "starts": local_time(event.starts), "past": is_past(event, now),
                     "taken": found.get("registered", 0) + found.get("offered", 0),
                     "waiting": found.get("waiting", 0)})
    return render(request, "events/staff_events.html", {"rows": rows})


def read_filters(request: Request) -> export.Filters:
    """The page's query, each value checked against what it may be; anything else is ignored."""
    query = request.query_params
    vocab = club_vocabularies(portal_of(request).club, visitor(request).language)
    status = query.get("status", "")
    segment, region = query.get("segment", ""), query.get("region", "")
    return export.Filters(status=status if status in STATUSES else "", company=whole_number(query.get("company")),
                          segment=segment if segment in vocab["segments"] else "",
                          region=region if region in vocab["regions"] else "")


def event_values(request: Request, event: EventEntry) -> dict:
    portal, filters = portal_of(request), read_filters(request)
    everyone = export.lines(portal.db, event)
    notice = request.query_params.get("notice", "")
    count = whole_number(request.query_params.get("count"), 1_000_000) or 0
    return {"event": event, "starts": local_time(event.starts), "ends": local_time(event.ends),
            "deadline": local_time(event.register_until), "past": is_past(event, time.time()),
            "lines": export.matching(everyone, filters), "counts": export.counts(everyone), "filters": filters,
            "companies": export.companies_of(everyone), "statuses": STATUSES,
            "taken": store.seats_taken(portal.db, event.slug), "query": urlencode(filters.query()),
            "notice": visitor(request).t(f"events.staff.notice.{notice}", count=count) if notice in NOTICES else None,
            **club_vocabularies(portal.club, visitor(request).language)}


def event_page(request: Request, event: EventEntry, values: dict | None = None, errors: dict | None = None,
               status_code: int = 200) -> Response:
    context = {**event_values(request, event), "values": values or {}, "errors": errors or {}}
    return render(request, "events/staff_event.html", context, status_code=status_code)


@staff_only
async def event_show(request: Request) -> Response:
    return event_page(request, staff_event_or_404(request))


def person_problem(db, event: EventEntry, email: str) -> tuple[User | None, str | None]:
    """The portal user staff named and whether they may attend: (user, None) or (None, word key)."""
    address = normalise_email(email)
    user = find_user_by_email(db, address) if address else None
    if user is None:
        return None, "events.staff.error.no_user"
    if not may_attend(user, event):  # the event page's access level holds for people staff add too
        return None, "events.staff.error.may_not_attend"
    return user, None


@staff_only
async def add_person(request: Request) -> Response:
    event, portal, who = staff_event_or_404(request), portal_of(request), visitor(request)
    form = await read_form(request)
    values = {"email": form.line("email", 254)}
    person, problem = person_problem(portal.db, event, values["email"])
    if problem is not None:
        return event_page(request, event, values, {"email": who.t(problem)}, 400)
    try:
        outcome = store.register(portal.db, event, person, who.user, {}, time.time(), staff=True)
    except Refused as refused:
        return event_page(request, event, values, {"email": who.t(refused.key, **refused.values)}, 409)
    if not outcome.created:  # already registered, waiting or offered: a second row would be a second seat
        status = who.t(f"events.staff.status.{outcome.registration.status}")
        return event_page(request, event, values, {"email": who.t("events.staff.error.already_in", status=status)},
                          409)
    row = outcome.registration
    response = redirect(event_path(event) + "?notice=" + ("waiting" if row.status == "waiting" else "added"))
    response.background = mails.send(portal, event, [(row.status, row)] + [("offered", r) for r in outcome.offered])
    return response


@staff_only
async def remove_person(request: Request) -> Response:
    """Cancel a seat (or take a person off the waiting list) on their behalf; a freed seat is offered on."""
    event, portal, who = staff_event_or_404(request), portal_of(request), visitor(request)
    form = await read_form(request)
    row = store.get(portal.db, whole_number(form.text("registration", 20)) or 0)
    if row is None or row.event != event.slug:  # another event's row through this event's path: 404
        raise HTTPException(404)
    if not row.active:  # already cancelled or gone (a second click): the page shows where things stand
        return redirect(event_path(event))
    holding = row.status in HOLDING
    act = store.cancel if holding else store.leave_waiting_list
    outcome = act(portal.db, event, row.user_id, who.user.id, time.time())
    if outcome is None:
        return redirect(event_path(event))
    letters = [("cancelled", outcome.registration)] if holding else []
    response = redirect(event_path(event) + "?notice=removed")
    response.background = mails.send(portal, event, letters + [("offered", r) for r in outcome.offered])
    return response


def export_table(request: Request, event: EventEntry) -> list[list]:
    portal, who = portal_of(request), visitor(request)
    found = export.matching(export.lines(portal.db, event), read_filters(request))
    return export.table(event, found, who.t, club_vocabularies(portal.club, who.language), portal.zone)


@staff_only
async def export_csv(request: Request) -> Response:
    event = staff_event_or_404(request)
    return csv_response(export.filename(event, "csv"), export.csv_table(export_table(request, event)))


@staff_only
async def export_xlsx(request: Request) -> Response:
    event = staff_event_or_404(request)
    body = export.xlsx_bytes(export_table(request, event), event.title)
    return Response(body, media_type=export.XLSX_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{export.filename(event, "xlsx")}"',
        "Cache-Control": "no-store"})


ROUTES = [
    Route("/staff/events/", events_page, methods=["GET"]),
    Route("/staff/events/{slug}/", event_show, methods=["GET"]),
    Route("/staff/events/{slug}/add", add_person, methods=["POST"]),
    Route("/staff/events/{slug}/remove", remove_person, methods=["POST"]),
    Route("/staff/events/{slug}/export.csv", export_csv, methods=["GET"]),
    Route("/staff/events/{slug}/export.xlsx", export_xlsx, methods=["GET"]),
]
