"""The cabinet's privilege catalogue: `/account/points/privileges` (the list) and
`/account/points/privileges/{privilege}` (one privilege), read-only.

Everyone in a company sees what the privileges cost, who does them and what the partner must provide;
only the company's representative may request one (seed 001), and the others are told who that is.
The "Request" button appears only once the request page exists (REQUEST_PATH among the app's routes):
until the request flow is built, the cabinet never offers what it cannot do."""

from __future__ import annotations

from babel.numbers import format_decimal
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.companies import Company, get_company
from portal.core.identity import get_user
from portal.points.catalogue import catalogue, offered_or_404
from portal.web.context import portal_of, visitor
from portal.web.guards import requires
from portal.web.templating import render

LIST_PATH = "/account/points/privileges"
# The request flow's page (built by the requests part); the button links here when the route exists.
REQUEST_PATH = LIST_PATH + "/{privilege}/request"


def requests_open(request: Request) -> bool:
    return any(getattr(route, "path", None) == REQUEST_PATH for route in request.app.routes)


def who_requests(request: Request) -> dict:
    """May this visitor request privileges, and if not, who in their company may (None: nobody yet)."""
    portal, user = portal_of(request), visitor(request).user
    company: Company | None = get_company(portal.db, user.company_id) if user.company_id else None
    rep_id = company.representative_id if company else None
    representative = get_user(portal.db, rep_id) if rep_id else None
    is_rep = rep_id is not None and rep_id == user.id
    return {"company": company, "is_representative": is_rep,
            "representative": representative.name if representative and not is_rep else None,
            "can_request": is_rep and requests_open(request)}


def points_text(request: Request):
    """The cost as people of the visitor's language write it: «1 500» in Russian, "1,500" in English."""
    locale = "ru" if visitor(request).language == "ru" else "en"
    return lambda value: format_decimal(value, locale=locale)


@requires("member")
async def privileges(request: Request) -> Response:
    items = catalogue(portal_of(request)).offered()
    return render(request, "points/privileges.html", {"items": items, "points": points_text(request),
                                                      **who_requests(request)})


@requires("member")
async def privilege(request: Request) -> Response:
    entry = offered_or_404(request)
    return render(request, "points/privilege.html", {"item": entry, "points": points_text(request),
                                                     **who_requests(request)})


ROUTES = [
    Route(LIST_PATH, privileges, methods=["GET"]),
    Route(LIST_PATH + "/{privilege}", privilege, methods=["GET"]),
]
