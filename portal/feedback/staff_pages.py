"""The staff inbox `/staff/feedback/`: filters, pages, the time to first reply in working hours; one
request with its history, and what staff do with it (staff_actions.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.feedback import hours, store
from portal.feedback.model import KINDS, STAFF_ROLES, STATUSES, Filters
from portal.feedback.model import Request as FeedbackRequest
from portal.web.context import portal_of, visitor
from portal.web.forms import whole_number
from portal.web.guards import requires
from portal.web.templating import render

staff_only = requires(roles=STAFF_ROLES)


def read_filters(request: Request) -> Filters:
    """The inbox's query, each value checked against what it may be; anything else is ignored."""
    query = request.query_params
    owner = query.get("owner", "")
    page = whole_number(query.get("page", "1"), 100_000) or 1
    return Filters(status=_one_of(query.get("status"), STATUSES), kind=_one_of(query.get("kind"), KINDS),
                   owner=owner if owner == "none" or whole_number(owner) is not None else "",
                   company=query.get("company", "")[:100].strip(), segment=_one_of(query.get("segment"),
                                                                                    segments(request)),
                   sort="support" if query.get("sort") == "support" else "new", page=max(1, page))


def _one_of(value: str | None, allowed) -> str:
    return value if value in allowed else ""


def segments(request: Request) -> dict[str, str]:
    club = portal_of(request).club
    return dict(club.segments) if club else {}


def query_of(filters: Filters) -> str:
    """The filters as a query string for the pager (without the page)."""
    pairs = {"status": filters.status, "kind": filters.kind, "owner": filters.owner, "company": filters.company,
             "segment": filters.segment, "sort": "support" if filters.sort == "support" else ""}
    return urlencode({key: value for key, value in pairs.items() if value})


@staff_only
async def inbox(request: Request) -> Response:
    portal, who = portal_of(request), visitor(request)
    filters = read_filters(request)
    where = store.inbox_where(portal.db, filters)  # once: the page and the median select the same requests
    found, pages, more = store.inbox(portal.db, filters, where)
    calendar = hours.club_hours(portal.club)
    median = hours.median_seconds(store.reply_times(portal.db, filters, where), calendar, portal.zone)
    rows = [(item, reply_time(item, calendar, portal.zone, who.language)) for item in found]
    return render(request, "feedback/inbox.html", {
        "rows": rows, "filters": filters, "page": filters.page, "pages": pages, "more": more,
        "query": query_of(filters),
        "statuses": STATUSES, "kinds": KINDS, "staff": store.staff_people(portal.db), "segments": segments(request),
        "median": hours.describe(median, who.language)})


def reply_time(item: FeedbackRequest, calendar: hours.WorkingHours, zone, language: str) -> str:
    if item.first_reply_at is None:
        return "—"
    return hours.describe(hours.working_seconds(item.created_at, item.first_reply_at, calendar, zone), language)


def staff_request_or_404(request: Request) -> FeedbackRequest:
    found = store.get_request(portal_of(request).db, request.path_params["request_id"])
    if found is None:
        raise HTTPException(404)
    return found


def request_page(request: Request, found: FeedbackRequest, errors: dict | None = None, values: dict | None = None,
                 status_code: int = 200) -> Response:
    portal, who = portal_of(request), visitor(request)
    calendar = hours.club_hours(portal.club)
    notice = request.query_params.get("notice", "")
    return render(request, "feedback/staff_request.html", {
        "item": found, "messages": store.messages(portal.db, found.id, with_notes=True),
        "files": store.attachments(portal.db, found.id), "log": store.history(portal.db, found.id),
        "staff": store.staff_people(portal.db), "statuses": STATUSES,
        "reply_time": reply_time(found, calendar, portal.zone, who.language),
        "notice": who.t(f"feedback.notice.{notice}") if notice in ("saved", "replied", "noted") else None,
        "errors": errors or {}, "values": values or {}}, status_code=status_code)


@staff_only
async def show(request: Request) -> Response:
    return request_page(request, staff_request_or_404(request))


ROUTES = [
    Route("/staff/feedback/", inbox, methods=["GET"]),
    Route("/staff/feedback/{request_id:id}", show, methods=["GET"]),
]
