"""Staff: `/staff/points/` finds a company (name, INN or #id) and `/staff/points/<id>/` shows its balance
and history with a form to grant or take points by hand, with a reason.

For the roles that work with partner companies (as the company pages). The form carries a one-time
value: a double submit writes one row. A take that needs more than is available comes back with the
problem named (409); the check and the row are one write transaction in the ledger.
"""

from __future__ import annotations

import re
import secrets
import time

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.companies import Company, find_company, get_company
from portal.points import ledger, shipments
from portal.points.tier_view import tier_context
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render

POINTS_ROLES = ("staff", "admin")  # as COMPANY_ROLES in portal/companies/staff_pages.py
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
PAGE_SIZE = 50
REASON_LIMIT = 500


@requires(roles=POINTS_ROLES)
async def search_page(request: Request) -> Response:
    query = request.query_params.get("q", "").strip()[:200]
    company = find_company(portal_of(request).db, query) if query else None
    if company is not None:
        return redirect(f"/staff/points/{company.id}/")
    return render(request, "points/staff_search.html", {"q": query, "not_found": bool(query),
                                                         "unmatched": shipments.kept_inn_count(portal_of(request).db)})


def company_or_404(request: Request) -> Company:
    company_id = whole_number(str(request.path_params["company_id"]))
    company = get_company(portal_of(request).db, company_id) if company_id else None
    if company is None:
        raise HTTPException(404)
    return company


def company_page(request: Request, company: Company, values: dict | None = None, errors: dict | None = None,
                 status_code: int = 200) -> Response:
    db = portal_of(request).db
    page = whole_number(request.query_params.get("page", "1"), 10_000) or 1
    rows = ledger.history(db, company.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    values = {"direction": "grant", **(values or {})}
    values.setdefault("nonce", secrets.token_urlsafe(16))  # a fresh one-time value for each form shown
    return render(request, "points/staff_company.html", {
        "company": company, "balance": ledger.balance(db, company.id, time.time()),
        "warning_days": ledger.CONFIGURED.warning_days, "rows": rows[:PAGE_SIZE], "page": page,
        "more": len(rows) > PAGE_SIZE, "values": values, "errors": errors or {},
        "notice": request.query_params.get("notice") == "saved", **tier_context(request, company)},
        status_code=status_code)


@requires(roles=POINTS_ROLES)
async def company_view(request: Request) -> Response:
    return company_page(request, company_or_404(request))


def check(values: dict, who) -> tuple[int | None, dict]:
    """The signed amount and the problems, each named (never a 500 for odd input)."""
    errors = {}
    amount = whole_number(values["amount"], ledger.MAX_AMOUNT)
    if not amount:
        errors["amount"] = who.t("points.error.amount")
    if not values["reason"]:
        errors["reason"] = who.t("points.error.reason")
    if values["direction"] not in ("grant", "take"):
        errors["direction"] = who.t("error.choice_invalid")
    if errors or amount is None:
        return None, errors
    return (amount if values["direction"] == "grant" else -amount), {}


@requires(roles=POINTS_ROLES)
async def adjust(request: Request) -> Response:
    portal, who, company = portal_of(request), visitor(request), company_or_404(request)
    form = await read_form(request)
    values = {"direction": form.text("direction", 10), "amount": form.text("amount", 30),
              "reason": form.line("reason", REASON_LIMIT), "nonce": form.text("nonce", 100)}
    if not NONCE.fullmatch(values["nonce"]):
        raise HTTPException(400, "bad_form")
    amount, errors = check(values, who)
    if amount is None:
        return company_page(request, company, values, errors, status_code=400)
    try:
        ledger.adjust(portal.db, company.id, amount, reason=values["reason"], by_id=who.user.id, now=time.time(),
                      source=f"form:{values['nonce']}")
    except ledger.NotEnoughPoints as refused:
        errors = {"amount": who.t("points.error.not_enough", available=refused.available)}
        return company_page(request, company, values, errors, status_code=409)
    return redirect(f"/staff/points/{company.id}/?notice=saved")


ROUTES = [
    Route("/staff/points/", search_page, methods=["GET"]),
    Route("/staff/points/{company_id:int}/", company_view, methods=["GET"]),
    Route("/staff/points/{company_id:int}/adjust", adjust, methods=["POST"]),
]
