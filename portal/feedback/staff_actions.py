"""What staff do with a request: reply (the partner gets a letter), write an internal note, assign the
owner, change the status or close; and download an answered question as a page draft for editors."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.feedback import draft, hours, mails, store
from portal.feedback.model import STATUSES, check_body
from portal.feedback.staff_pages import request_page, staff_only, staff_request_or_404
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form, whole_number
from portal.web.navigation import redirect


async def _message(request: Request, internal: bool) -> Response:
    found = staff_request_or_404(request)
    form = await read_form(request)
    body = form.text("body", 100_000)
    problems = check_body(body)
    who, portal = visitor(request), portal_of(request)
    if problems:
        errors = {name: who.t(key, **values) for name, (key, values) in problems.items()}
        return request_page(request, found, errors, {"body": body, "internal": internal}, 400)
    store.add_message(portal.db, found, who.user, "staff", body, internal=internal,
                      reply_clock=hours.reply_clock(hours.club_hours(portal.club), portal.zone))
    response = redirect(f"/staff/feedback/{found.id}?notice={'noted' if internal else 'replied'}")
    if not internal:
        response.background = mails.notify_author(portal, found, body)
    return response


@staff_only
async def reply(request: Request) -> Response:
    return await _message(request, internal=False)


@staff_only
async def note(request: Request) -> Response:
    return await _message(request, internal=True)


@staff_only
async def change(request: Request) -> Response:
    """Owner and status in one form (the page's "save"); `close` is the same with status closed."""
    found = staff_request_or_404(request)
    form = await read_form(request)
    who, db = visitor(request), portal_of(request).db
    owner_text = form.text("owner", 30)
    owner = None if owner_text in ("", "none") else whole_number(owner_text)
    status = "closed" if form.text("close") else form.text("status", 30)
    if (owner_text not in ("", "none") and owner is None) or (status and status not in STATUSES):
        raise HTTPException(400, "bad_form")
    try:
        if "owner" in form.data:  # a form without the field (only a status) leaves the owner as it is
            store.set_owner(db, found.id, owner, who.user.id)
    except ValueError as exc:
        raise HTTPException(400, "bad_form") from exc
    if status:
        store.set_status(db, found.id, status, who.user.id)
    return redirect(f"/staff/feedback/{found.id}?notice=saved")


@staff_only
async def question_draft(request: Request) -> Response:
    """`question-<id>.md` for an answered question (anything without a staff reply has nothing to publish)."""
    found = staff_request_or_404(request)
    portal = portal_of(request)
    answers = store.messages(portal.db, found.id, with_notes=False)
    if found.first_reply_at is None or not any(m.side == "staff" for m in answers):
        raise HTTPException(404)
    text = draft.page_markdown(found, answers, portal.zone)
    return Response(text, media_type="text/markdown; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{draft.filename(found)}"', "Cache-Control": "no-store"})


ROUTES = [
    Route("/staff/feedback/{request_id:id}/reply", reply, methods=["POST"]),
    Route("/staff/feedback/{request_id:id}/note", note, methods=["POST"]),
    Route("/staff/feedback/{request_id:id}/change", change, methods=["POST"]),
    Route("/staff/feedback/{request_id:id}/question.md", question_draft, methods=["GET"]),
]
