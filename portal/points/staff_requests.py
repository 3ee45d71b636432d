"""Staff: the privilege request queue `/staff/points/requests/` (by state; open ones first) and one
request `/staff/points/requests/<id>` with its actions: confirm, start (in progress), done (with result
files, optional, several allowed) and reject (a reason required).

Each action is a POST with the CSRF token, the form's one-time value (a double submit is one change) and
the state the page showed (seq): when another staff member changed the request meanwhile, the page comes
back with "already changed" (409) and nothing is written. The change, the ledger's release or debit and
the files' rows are one transaction (requests.change).
"""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.companies import get_company
from portal.points import ledger, request_mails, requests, result_files
from portal.points.privilege_pages import points_text
from portal.points.requests import PrivilegeRequest
from portal.points.staff_pages import NONCE, POINTS_ROLES
from portal.points.terms import DAY
from portal.web import uploads
from portal.web.context import portal_of, visitor
from portal.web.forms import Form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render

QUEUE = "/staff/points/requests/"
ACTIONS = {"confirm": "confirmed", "start": "in_progress", "done": "done", "reject": "rejected"}
FILTERS = ("open", "all", *requests.STATES)
PAGE_SIZE = 50
MAX_PAGE = 10_000


@requires(roles=POINTS_ROLES)
async def queue(request: Request) -> Response:
    db = portal_of(request).db
    state = request.query_params.get("state", "open")
    state = state if state in FILTERS else "open"
    states = requests.OPEN if state == "open" else requests.STATES if state == "all" else (state,)
    company_id = whole_number(request.query_params.get("company", ""))
    company = get_company(db, company_id) if company_id else None
    if company_id and company is None:
        raise HTTPException(404)  # a link to a company that is not there (never "every company's requests")
    page = whole_number(request.query_params.get("page", "1"), MAX_PAGE) or 1
    rows = requests.queue(db, states, company.id if company else None, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    query = urlencode({"state": state, **({"company": company.id} if company else {})})
    return render(request, "points/staff_requests.html", {
        "rows": rows[:PAGE_SIZE], "page": page, "more": len(rows) > PAGE_SIZE, "state": state, "filters": FILTERS,
        "company": company, "query": query, "now": time.time(), "day": DAY, "points": points_text(request)})


def request_or_404(request: Request) -> PrivilegeRequest:
    found = requests.get(portal_of(request).db, request.path_params["request_id"])
    if found is None:
        raise HTTPException(404)
    return found


def request_page(request: Request, found: PrivilegeRequest, values: dict | None = None,
                 errors: dict | None = None, status_code: int = 200) -> Response:
    db = portal_of(request).db
    return render(request, "points/staff_request.html", {
        "item": found, "events": requests.history(db, found.id), "files": requests.files(db, found.id),
        "next": [action for action, state in ACTIONS.items() if state in requests.NEXT.get(found.state, ())],
        "balance": ledger.balance(db, found.company_id, time.time()), "warning_days": ledger.CONFIGURED.warning_days,
        "values": values or {}, "errors": errors or {}, "nonce": secrets.token_urlsafe(16),
        "max_files": result_files.POLICY.max_files, "max_mb": result_files.POLICY.max_total // (1024 * 1024),
        "accept": result_files.POLICY.accept, "points": points_text(request),
        "notice": request.query_params.get("notice") == "saved"}, status_code=status_code)


@requires(roles=POINTS_ROLES)
async def request_view(request: Request) -> Response:
    return request_page(request, request_or_404(request))


@requires(roles=POINTS_ROLES)
async def act(request: Request) -> Response:
    found = request_or_404(request)
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise HTTPException(404)
    form, chosen = await uploads.read_upload_form(request)
    try:
        return await _act(request, found, action, form, chosen)
    finally:
        await form.data.close()


async def _act(request: Request, found: PrivilegeRequest, action: str, form: Form, chosen: list) -> Response:
    who, state = visitor(request), ACTIONS[action]
    nonce, seq = form.text("nonce", 100), whole_number(form.text("seq", 20))
    if not NONCE.fullmatch(nonce) or seq is None or (chosen and state != "done"):
        raise HTTPException(400, "bad_form")
    values = {"action": action, "note": form.text("note", 100_000)}
    problem = None
    if state == "rejected" and not values["note"]:
        problem = who.t("points.requests.error.reason")
    elif len(values["note"]) > requests.NOTE_LIMIT:
        problem = who.t("points.requests.error.note_long", limit=requests.NOTE_LIMIT)
    if problem:
        return request_page(request, found, values, {f"{action}_note": problem}, 400)
    try:
        files = await uploads.read_files(result_files.POLICY, chosen)
    except uploads.UploadProblem as upload:
        return request_page(request, found, values, {"done_files": who.t(upload.key, **upload.values)}, upload.status)
    return _write(request, found, state, values, nonce, seq, files)


def _forget(portal, saved: list[tuple[str, str, str, int]]) -> None:
    """The files written for a change that was not made."""
    uploads.discard(portal.settings, result_files.POLICY, [stored for _name, stored, _type, _size in saved])


def _write(request: Request, found: PrivilegeRequest, state: str, values: dict, nonce: str, seq: int,
           files: list[uploads.Upload]) -> Response:
    portal, who = portal_of(request), visitor(request)
    saved = uploads.save(portal.settings, result_files.POLICY, files)
    try:
        requests.change(portal.db, found.id, state, seen_seq=seq, by_id=who.user.id, now=time.time(),
                        note=values["note"], nonce=nonce, files=saved)
    except requests.Duplicate:  # the same form twice: the first made the change (and sent the letters)
        _forget(portal, saved)
        return redirect(f"{QUEUE}{found.id}?notice=saved")
    except requests.Stale as stale:  # someone changed it since this page was shown: nothing written
        _forget(portal, saved)
        errors = {"_form": who.t("points.requests.error.stale", state=who.t(f"points.state.{stale.state}"))}
        return request_page(request, requests.get(portal.db, found.id), values, errors, 409)
    except requests.RequestError as exc:
        _forget(portal, saved)
        raise HTTPException(400, "bad_form") from exc
    except Exception:  # no change, so no files either (a busy database, a full disk)
        _forget(portal, saved)
        raise
    response = redirect(f"{QUEUE}{found.id}?notice=saved")
    response.background = request_mails.notify_later(portal, found.id, state, values["note"], len(saved))
    return response


@requires(roles=POINTS_ROLES)
async def result_file(request: Request) -> Response:
    portal, found = portal_of(request), request_or_404(request)
    stored = requests.get_file(portal.db, found.id, request.path_params["file_id"])
    if stored is None:
        raise HTTPException(404)
    return result_files.result_response(portal.settings, stored)


ROUTES = [
    Route(QUEUE, queue, methods=["GET"]),
    Route(QUEUE + "{request_id:id}", request_view, methods=["GET"]),
    Route(QUEUE + "{request_id:id}/files/{file_id:id}", result_file, methods=["GET"]),
    Route(QUEUE + "{request_id:id}/{action}", act, methods=["POST"]),
]
