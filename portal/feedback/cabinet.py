"""The partner's side of requests, in the cabinet: `/account/requests/` and one request with its replies.

The author sees their requests, the company's representative all of the company's; to anyone else a
request does not exist (404, so numbers reveal nothing: ASVS 5.0 8.2.2).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.feedback import mails, store
from portal.feedback.model import Request as FeedbackRequest
from portal.feedback.model import check_body, may_see
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render

NOTICES = {"sent": "feedback.notice.sent", "replied": "feedback.notice.replied"}


def visible_or_404(request: Request) -> FeedbackRequest:
    found = store.get_request(portal_of(request).db, request.path_params["request_id"])
    if found is None or not may_see(visitor(request).user, found):
        raise HTTPException(404)
    return found


def card(request: Request) -> dict:
    """The cabinet card: how many requests are open and the way to write a new one."""
    return {"open": store.open_count(portal_of(request).db, visitor(request).user)}


@requires(level="member")
async def request_list(request: Request) -> Response:
    who = visitor(request)
    found = store.requests_of(portal_of(request).db, who.user)
    return render(request, "feedback/my_requests.html", {"requests": found})


def request_page(request: Request, found: FeedbackRequest, values: dict | None = None, errors: dict | None = None,
                 status_code: int = 200) -> Response:
    who, db = visitor(request), portal_of(request).db
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return render(request, "feedback/my_request.html", {
        "item": found, "messages": store.messages(db, found.id, with_notes=False),
        "files": store.attachments(db, found.id), "values": values or {}, "errors": errors or {},
        "notice": who.t(notice) if notice else None}, status_code=status_code)


@requires(level="member")
async def show(request: Request) -> Response:
    return request_page(request, visible_or_404(request))


@requires(level="member")
async def reply(request: Request) -> Response:
    """The partner answers: the request goes back to the club (in progress), its owner is told."""
    found = visible_or_404(request)
    form = await read_form(request)
    body = form.text("body", 100_000)
    problems = check_body(body)
    if problems:
        who = visitor(request)
        errors = {name: who.t(key, **values) for name, (key, values) in problems.items()}
        return request_page(request, found, {"body": body}, errors, 400)
    portal, who = portal_of(request), visitor(request)
    store.add_message(portal.db, found, who.user, "partner", body)
    response = redirect(f"/account/requests/{found.id}?notice=replied")
    response.background = mails.notify_owner(portal, found, who.user, body)
    return response


ROUTES = [
    Route("/account/requests/", request_list, methods=["GET"]),
    Route("/account/requests/{request_id:id}", show, methods=["GET"]),
    Route("/account/requests/{request_id:id}/reply", reply, methods=["POST"]),
]
