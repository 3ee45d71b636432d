"""The company page in the cabinet (/account/company) and its card on the cabinet's overview."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.companies import directory
from portal.core.companies import get_company
from portal.core.identity import get_user
from portal.web.context import portal_of, visitor
from portal.web.context import vocabularies as club_vocabularies
from portal.web.guards import requires
from portal.web.templating import render


def my_company(request: Request) -> dict:
    """The member's company with its people, representative and account manager (empty when none)."""
    portal, user = portal_of(request), visitor(request).user
    company = get_company(portal.db, user.company_id)
    if company is None:
        return {}
    return {"company": company, "people": directory.people(portal.db, company.id),
            "representative": get_user(portal.db, company.representative_id) if company.representative_id else None,
            "manager": get_user(portal.db, company.account_manager_id) if company.account_manager_id else None,
            "is_representative": company.representative_id == user.id,
            **club_vocabularies(portal.club, visitor(request).language)}


@requires(level="member")
async def company_page(request: Request) -> Response:
    return render(request, "companies/mine.html", my_company(request))


ROUTES = [Route("/account/company", company_page, methods=["GET"])]
