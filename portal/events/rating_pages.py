"""`/account/events/<slug>/rate`: the question after the event, "how useful was it, 0–10, and why".

For the signed-in person's own registered row, once the event has started (attended or not: someone who
could not come may say why). Another person's event, a waiting-list place or an event yet to start is a
404 (ASVS 5.0 8.2.2). The answer is kept once (events/ratings.py); a second submit changes nothing.
"""

from __future__ import annotations

import time

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.events import ratings, store
from portal.events.model import Registration
from portal.events.pages import event_or_404
from portal.web.context import portal_of, visitor
from portal.web.forms import MAX_FIELD, read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render
from site_builder.contract import EventEntry


def own_row(request: Request) -> tuple[EventEntry, Registration]:
    event = event_or_404(request)
    row = store.active_of(portal_of(request).db, event.slug, visitor(request).user.id)
    if not ratings.may_rate(event, row, time.time()):
        raise HTTPException(404)
    return event, row


def page(request: Request, event: EventEntry, row: Registration, values: dict | None = None,
         errors: dict | None = None, status_code: int = 200) -> Response:
    who = visitor(request)
    answered = ratings.of_registration(portal_of(request).db, row.id)
    notice = who.t("events.rate.thanks") if request.query_params.get("notice") == "thanks" else None
    return render(request, "events/rate.html", {
        "event": event, "answered": answered, "scores": list(ratings.SCORES), "max_comment": ratings.MAX_COMMENT,
        "values": values or {}, "errors": errors or {}, "notice": notice}, status_code=status_code)


@requires()
async def show(request: Request) -> Response:
    event, row = own_row(request)
    return page(request, event, row)


@requires()
async def answer(request: Request) -> Response:
    event, row = own_row(request)
    form = await read_form(request)
    who, db = visitor(request), portal_of(request).db
    raw_score, comment = form.text("score", 20), form.text("why", MAX_FIELD)
    values, errors = {"score": raw_score, "why": comment}, {}
    score = whole_number(raw_score, maximum=10)
    if score is None:
        errors["score"] = who.t("events.rate.error.score")
    if len(comment) > ratings.MAX_COMMENT:
        errors["why"] = who.t("events.rate.error.too_long", max=ratings.MAX_COMMENT)
    if errors:
        return page(request, event, row, values, errors, 400)
    saved = ratings.save(db, row, score, comment, time.time())
    # The first answer stays; a second submit lands on the page that says it was answered already.
    return redirect(f"/account/events/{event.slug}/rate" + ("?notice=thanks" if saved else ""))


ROUTES = [
    Route("/account/events/{slug}/rate", show, methods=["GET"]),
    Route("/account/events/{slug}/rate", answer, methods=["POST"]),
]
