"""The cabinet's side: the card "Points" and `/account/points/` — the company's balance, what is held
for open requests, what expires soon and when, the history (paged) and who the representative is.

Everyone of a company sees the same (the points are the company's); a person without a company (or
without the phone that makes them a member) gets a page saying how to get points instead.
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.companies import Company, get_company
from portal.core.identity import get_user
from portal.points import ledger, requests
from portal.points.privilege_pages import points_text
from portal.points.tier_view import tier_context
from portal.web.context import portal_of, visitor
from portal.web.forms import whole_number
from portal.web.guards import requires
from portal.web.templating import render

PAGE_SIZE = 50
MAX_PAGE = 10_000  # OFFSET stays small and an SQLite integer


def company_of(request: Request) -> Company | None:
    """The visitor's company when they are a member (company and phone), else None."""
    user = visitor(request).user
    if user is None or user.level not in ("member", "staff") or user.company_id is None:
        return None
    company = get_company(portal_of(request).db, user.company_id)
    if company is not None and company.merged_into is not None:  # a merged duplicate: its survivor's points
        company = get_company(portal_of(request).db, company.merged_into)
    return company


def card(request: Request) -> dict:
    company = company_of(request)
    if company is None:
        return {"company": None}
    return {"company": company, "balance": ledger.balance(portal_of(request).db, company.id, time.time()),
            **tier_context(request, company)}


@requires()
async def my_points(request: Request) -> Response:
    portal, company = portal_of(request), company_of(request)
    if company is None:
        return render(request, "points/no_points.html", {})
    page = whole_number(request.query_params.get("page", "1"), MAX_PAGE) or 1
    rows = ledger.history(portal.db, company.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    representative = get_user(portal.db, company.representative_id) if company.representative_id else None
    return render(request, "points/my_points.html", {
        "company": company, "balance": ledger.balance(portal.db, company.id, time.time()),
        "warning_days": ledger.CONFIGURED.warning_days, "months": ledger.CONFIGURED.expiry_months,
        "rows": rows[:PAGE_SIZE], "page": page,
        "more": len(rows) > PAGE_SIZE, "representative": representative,
        "is_representative": representative is not None and representative.id == visitor(request).user.id,
        "open_requests": requests.for_company(portal.db, company.id, requests.OPEN), "points": points_text(request),
        **tier_context(request, company)})


ROUTES = [Route("/account/points/", my_points, methods=["GET"])]
