"""The cabinet's privilege requests: the form `/account/points/privileges/{privilege}/request` (the
company's representative only), the company's requests `/account/points/requests/` and one request with
its history, its result files and, while it waits for the club, the button to withdraw it.

Everyone of the company sees its requests (the points are the company's); only the representative
requests and withdraws, and the others are told who that is (403, nothing written). Another company's
request or file answers 404, the same as one that does not exist (ASVS 5.0 8.2.2). Making a request
holds its cost in the same transaction (requests.create); fewer points than it costs bring the form back
with the text kept and the balance named (409).
"""

from __future__ import annotations

import re
import secrets
import time

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.companies import Company
from portal.core.identity import get_user
from portal.points import ledger, request_mails, requests, result_files
from portal.points.cabinet import company_of
from portal.points.catalogue import catalogue
from portal.points.privilege_pages import REQUEST_PATH, points_text
from portal.points.requests import PrivilegeRequest
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render

LIST = "/account/points/requests/"
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
PAGE_SIZE = 30
MAX_PAGE = 10_000


def member_company(request: Request) -> Company:
    """The visitor's company; a member without one (staff with no company) gets the "how to get points" page."""
    company = company_of(request)
    if company is None:
        raise HTTPException(404)
    return company


def refused(request: Request, company: Company) -> Response:
    """The page for everyone but the representative: who that is (403; nothing is written)."""
    who, db = visitor(request), portal_of(request).db
    representative = get_user(db, company.representative_id) if company.representative_id else None
    message = (who.t("points.privileges.only_representative", name=representative.name) if representative
               else who.t("points.privileges.no_representative"))
    return render(request, "message.html", {"title": who.t("points.requests.new"), "message": message,
                                            "link": LIST, "link_text": who.t("points.requests.title")},
                  status_code=403)


def is_representative(request: Request, company: Company) -> bool:
    return company.representative_id is not None and company.representative_id == visitor(request).user.id


def form_page(request: Request, company: Company, entry, values: dict, errors: dict | None = None,
              status_code: int = 200) -> Response:
    values.setdefault("nonce", secrets.token_urlsafe(16))  # a fresh one-time value for each form shown
    return render(request, "points/request_form.html", {
        "item": entry, "company": company, "values": values, "errors": errors or {}, "points": points_text(request),
        "balance": ledger.balance(portal_of(request).db, company.id, time.time()),
        "task_limit": requests.TASK_LIMIT}, status_code=status_code)


@requires("member")
async def request_form(request: Request) -> Response:
    portal, company = portal_of(request), company_of(request)
    entry = catalogue(portal).get(request.path_params["privilege"])
    if entry is None or (not entry.available and request.method == "GET"):
        raise HTTPException(404)  # unknown, or withdrawn before the form was opened: as the catalogue says
    if company is None:
        return render(request, "points/no_points.html", {}, status_code=403)
    if not is_representative(request, company):
        return refused(request, company)
    if request.method == "GET":
        return form_page(request, company, entry, {})
    form = await read_form(request)
    values = {"task": form.text("task", 100_000), "nonce": form.text("nonce", 100)}
    if not NONCE.fullmatch(values["nonce"]):
        raise HTTPException(400, "bad_form")
    return submit(request, company, entry, values)


def submit(request: Request, company: Company, entry, values: dict) -> Response:
    portal, who = portal_of(request), visitor(request)
    if not entry.available:  # withdrawn while the form was open: nothing to request any more
        return form_page(request, company, entry, values, {"_form": who.t("points.requests.error.withdrawn")}, 409)
    if not values["task"]:
        return form_page(request, company, entry, values, {"task": who.t("points.requests.error.task")}, 400)
    if len(values["task"]) > requests.TASK_LIMIT:
        errors = {"task": who.t("points.requests.error.task_long", limit=requests.TASK_LIMIT)}
        return form_page(request, company, entry, values, errors, 400)
    try:
        request_id = requests.create(portal.db, company_id=company.id, privilege_id=entry.id,
                                     privilege_name=entry.name, cost=entry.cost, task=values["task"],
                                     by_id=who.user.id, nonce=values["nonce"], now=time.time())
    except requests.Duplicate as duplicate:  # the same form twice: the first request, no second letter
        return redirect(f"{LIST}{duplicate.made}?notice=sent")
    except ledger.NotEnoughPoints as refusal:
        errors = {"_form": who.t("points.requests.error.not_enough", cost=entry.cost, available=refusal.available)}
        return form_page(request, company, entry, values, errors, 409)
    except requests.RequestError as exc:
        raise HTTPException(400, "bad_form") from exc
    response = redirect(f"{LIST}{request_id}?notice=sent")
    response.background = request_mails.notify_later(portal, request_id, "requested")
    return response


@requires("member")
async def my_requests(request: Request) -> Response:
    company = company_of(request)
    if company is None:
        return render(request, "points/no_points.html", {})
    page = whole_number(request.query_params.get("page", "1"), MAX_PAGE) or 1
    rows = requests.for_company(portal_of(request).db, company.id, limit=PAGE_SIZE + 1,
                                offset=(page - 1) * PAGE_SIZE)
    return render(request, "points/my_requests.html", {
        "company": company, "rows": rows[:PAGE_SIZE], "page": page, "more": len(rows) > PAGE_SIZE,
        "points": points_text(request)})


def own_request(request: Request, company: Company) -> PrivilegeRequest:
    """The request in the URL if it is this company's; 404 for another's and for none (the same answer)."""
    found = requests.get(portal_of(request).db, request.path_params["request_id"])
    if found is None or found.company_id != company.id:
        raise HTTPException(404)
    return found


def request_page(request: Request, company: Company, found: PrivilegeRequest, errors: dict | None = None,
                 status_code: int = 200) -> Response:
    db, who = portal_of(request).db, visitor(request)
    return render(request, "points/my_request.html", {
        "item": found, "events": requests.history(db, found.id), "files": requests.files(db, found.id),
        "can_cancel": found.state == "requested" and is_representative(request, company),
        "nonce": secrets.token_urlsafe(16), "errors": errors or {}, "points": points_text(request),
        "notice": who.t(f"points.requests.notice.{request.query_params.get('notice')}")
        if request.query_params.get("notice") in ("sent", "cancelled") else None}, status_code=status_code)


@requires("member")
async def my_request(request: Request) -> Response:
    company = member_company(request)
    return request_page(request, company, own_request(request, company))


@requires("member")
async def cancel(request: Request) -> Response:
    """The representative withdraws the request while it waits for the club: the hold is released."""
    portal, who, company = portal_of(request), visitor(request), member_company(request)
    found = own_request(request, company)
    form = await read_form(request)
    nonce, seq = form.text("nonce", 100), whole_number(form.text("seq", 20))
    if not NONCE.fullmatch(nonce) or seq is None:
        raise HTTPException(400, "bad_form")
    if not is_representative(request, company):
        return refused(request, company)
    try:
        requests.change(portal.db, found.id, "cancelled", seen_seq=seq, by_id=who.user.id, now=time.time(),
                        nonce=nonce)
    except requests.Duplicate:
        return redirect(f"{LIST}{found.id}?notice=cancelled")
    except requests.Stale as stale:
        errors = {"_form": who.t("points.requests.error.stale", state=who.t(f"points.state.{stale.state}"))}
        return request_page(request, company, requests.get(portal.db, found.id), errors, 409)
    except requests.RequestError as exc:
        raise HTTPException(400, "bad_form") from exc
    response = redirect(f"{LIST}{found.id}?notice=cancelled")
    response.background = request_mails.notify_later(portal, found.id, "cancelled")
    return response


@requires("member")
async def result_file(request: Request) -> Response:
    portal, company = portal_of(request), member_company(request)
    found = own_request(request, company)
    stored = requests.get_file(portal.db, found.id, request.path_params["file_id"])
    if stored is None:
        raise HTTPException(404)
    return result_files.result_response(portal.settings, stored)


ROUTES = [
    Route(REQUEST_PATH, request_form, methods=["GET", "POST"]),
    Route(LIST, my_requests, methods=["GET"]),
    Route(LIST + "{request_id:id}", my_request, methods=["GET"]),
    Route(LIST + "{request_id:id}/cancel", cancel, methods=["POST"]),
    Route(LIST + "{request_id:id}/files/{file_id:id}", result_file, methods=["GET"]),
]
