"""Check-in on the day, from a phone: the event's registered people with a search and one tap each
(`/staff/events/<slug>/checkin`), a person's page with corrections and their history, and the page the
letter's QR code opens (`/staff/events/checkin/<code>`).

For the staff roles that work with partners. Every mark is a new attendance row (events.attendance is
append-only), so a correction after the event keeps what was marked before, by whom and when.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core import happenings
from portal.core.companies import get_company
from portal.core.settings import Settings
from portal.events import attendance, codes, store
from portal.events.catalogue import catalogue
from portal.events.model import Registration, local_time
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render
from site_builder.contract import EventEntry

# The same people as the staff company pages (who work with partners and see their contacts); moderators
# and editors have no business with a guest list (least privilege).
CHECKIN_ROLES = ("staff", "admin")
MAX_QUERY = 100
NOTICES = ("here", "absent", "same")


@dataclass(frozen=True)
class Guest:
    registration: Registration
    company: str
    present: bool | None  # the latest mark: here, marked absent, or not marked yet

    @property
    def state(self) -> str:
        return {True: "here", False: "absent", None: "not_yet"}[self.present]

    @property
    def haystack(self) -> str:
        """What the search looks in: name, e-mail and company, case-folded (the page's script uses it too)."""
        row = self.registration
        return " ".join((row.user_name, row.user_email, self.company)).casefold()


def event_or_404(slug: str, request: Request) -> EventEntry:
    # Staff check people in at any event the build published, whatever its access level.
    event = catalogue(portal_of(request)).get(slug) if len(slug) <= 200 else None
    if event is None:
        raise HTTPException(404)
    return event


def registration_or_404(request: Request, event: EventEntry) -> Registration:
    """The registration named in the path, only if it belongs to this event (ASVS 5.0 8.2.2: else 404)."""
    number = whole_number(request.path_params["registration_id"])
    row = store.get(portal_of(request).db, number) if number is not None else None
    if row is None or row.event != event.slug:
        raise HTTPException(404)
    return row


def company_name(db, company_id: int | None, names: dict[int, str]) -> str:
    """The company's name, looked up once per page (`names` remembers the ones already read)."""
    if company_id is None:
        return ""
    if company_id not in names:
        company = get_company(db, company_id)
        names[company_id] = company.name if company else ""
    return names[company_id]


def guest(db, row: Registration) -> Guest:
    return Guest(row, company_name(db, row.company_id, {}), attendance.present_now(db, row.id))


def guests(db, event: str) -> list[Guest]:
    """The registered people of the event (not the waiting list, not cancelled), by name."""
    marks, names = attendance.of_event(db, event), {}
    found = [Guest(row, company_name(db, row.company_id, names), marks.get(row.id))
             for row in store.of_event(db, event) if row.status == "registered"]
    return sorted(found, key=lambda item: (item.registration.user_name.casefold(), item.registration.id))


def matching(found: list[Guest], query: str) -> list[Guest]:
    words = query.casefold().split()
    return [item for item in found if all(word in item.haystack for word in words)]


def list_path(event: EventEntry, query: str = "", notice: str = "") -> str:
    params = {key: value for key, value in (("q", query), ("notice", notice)) if value}
    return f"/staff/events/{event.slug}/checkin" + (f"?{urlencode(params)}" if params else "")


def person_path(event: EventEntry, row: Registration) -> str:
    return f"/staff/events/{event.slug}/checkin/{row.id}"


def notice_of(request: Request) -> str | None:
    notice = request.query_params.get("notice", "")
    return visitor(request).t(f"events.checkin.notice.{notice}") if notice in NOTICES else None


@requires(roles=CHECKIN_ROLES)
async def list_page(request: Request) -> Response:
    event = event_or_404(request.path_params["slug"], request)
    query = request.query_params.get("q", "")[:MAX_QUERY].strip()
    everyone = guests(portal_of(request).db, event.slug)
    return render(request, "events/checkin.html", {
        "event": event, "starts": local_time(event.starts), "q": query, "rows": matching(everyone, query),
        "here": sum(1 for item in everyone if item.present), "total": len(everyone),
        "notice": notice_of(request)})


def person_page(request: Request, event: EventEntry, row: Registration, errors: dict | None = None,
                values: dict | None = None, status_code: int = 200) -> Response:
    db = portal_of(request).db
    return render(request, "events/checkin_person.html", {
        "event": event, "starts": local_time(event.starts), "guest": guest(db, row),
        "history": attendance.history(db, row.id), "errors": errors or {}, "values": values or {},
        "max_note": attendance.MAX_NOTE, "notice": notice_of(request)}, status_code=status_code)


@requires(roles=CHECKIN_ROLES)
async def person(request: Request) -> Response:
    event = event_or_404(request.path_params["slug"], request)
    return person_page(request, event, registration_or_404(request, event))


@requires(roles=CHECKIN_ROLES)
async def mark(request: Request) -> Response:
    """One tap (present=1 from the list or the QR page) or a correction with a note (the person's page)."""
    event = event_or_404(request.path_params["slug"], request)
    row = registration_or_404(request, event)
    form = await read_form(request)
    who, db = visitor(request), portal_of(request).db
    present, note = form.text("present", 1) != "0", form.text("note")
    query, back = form.line("q", MAX_QUERY), form.text("back", 10)
    if len(note) > attendance.MAX_NOTE:
        error = who.t("events.error.too_long", max=attendance.MAX_NOTE)
        return person_page(request, event, row, {"note": error}, {"note": note}, 400)
    now = time.time()
    try:
        changed = attendance.mark(db, row, present, who.user.id, now, note, title=event.title)
    except attendance.NotRegistered:  # cancelled meanwhile: say so rather than mark a seat nobody holds
        return person_page(request, event, row, {"_form": who.t("events.checkin.not_registered")}, {}, 409)
    if changed:  # committed with its happening: the others (points for attendance) act on it now
        happenings.deliver_installed(portal_of(request).settings, db)
    notice = ("here" if present else "absent") if changed else "same"
    if back == "person":
        return redirect(f"{person_path(event, row)}?notice={notice}")
    # Back to the list at the same search, scrolled to the person just tapped.
    return redirect(f"{list_path(event, query, notice)}#r{row.id}")


def read_code(settings: Settings, code: str) -> int | None:
    return codes.read_checkin(settings.secret_key, code)


@requires(roles=CHECKIN_ROLES)
async def by_code(request: Request) -> Response:
    """What a staff phone opens from the letter's QR code: that person and one big button."""
    portal = portal_of(request)
    number = read_code(portal.settings, request.path_params["code"])
    row = store.get(portal.db, number) if number is not None else None
    event = catalogue(portal).get(row.event) if row is not None else None
    if row is None or event is None:  # altered, made for something else, or its event is gone: 404
        raise HTTPException(404)
    return render(request, "events/checkin_code.html", {
        "event": event, "starts": local_time(event.starts), "guest": guest(portal.db, row)})


ROUTES = [
    # The event's own paths first: an event slugged "checkin" keeps its list.
    Route("/staff/events/{slug}/checkin", list_page, methods=["GET"]),
    Route("/staff/events/{slug}/checkin/{registration_id}", person, methods=["GET"]),
    Route("/staff/events/{slug}/checkin/{registration_id}", mark, methods=["POST"]),
    Route("/staff/events/checkin/{code}", by_code, methods=["GET"]),
]
