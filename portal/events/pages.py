"""The registration pages: `/account/events/<slug>/` (the event, seats, my status, the questions, my
colleagues), its POST actions, and `status.json`, the live seat count the static event page asks for.

Who may register follows the event page's access level (ASVS 5.0 8.2.1: checked on the server for
every request); an unknown slug is a 404, whatever it looks like (ASVS 5.0 8.2.2).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from portal.core.companies import members_of
from portal.core.identity import LEVEL_RANK, User, get_user
from portal.events import mails, ratings, store
from portal.events.catalogue import catalogue
from portal.events.certificate import holds_certificate
from portal.events.model import Refused, check_answers, local_time, open_problem, timestamp
from portal.web.context import portal_of, visitor
from portal.web.forms import Form, read_form, whole_number
from portal.web.guards import refuse
from portal.web.navigation import redirect
from portal.web.templating import render
from site_builder.contract import EventEntry

LEVEL_FOR_ACCESS = {"public": "registered", "registered": "registered", "members": "member"}
MAX_COLLEAGUES = 50  # colleagues listed on the form: a company bigger than this registers in turns
NOTICES = ("registered", "waiting", "cancelled", "left", "accepted", "no_offer", "answers")


def event_or_404(request: Request) -> EventEntry:
    slug = request.path_params["slug"]
    event = catalogue(portal_of(request)).get(slug) if len(slug) <= 200 else None
    if event is None or event.access not in LEVEL_FOR_ACCESS:  # an unknown level opens nothing: fail closed
        raise HTTPException(404)
    return event


def page_path(event: EventEntry) -> str:
    return f"/account/events/{event.slug}/"


def refusal(request: Request, event: EventEntry) -> Response | None:
    """Anonymous: sign in and come back to the event page; below the page's level: what is missing."""
    who = visitor(request)
    if who.user is None:
        return redirect("/account/login?" + urlencode({"next": page_path(event)}))
    return refuse(request, who, LEVEL_FOR_ACCESS[event.access], None, None, "staff_only")


def may_attend(user: User, event: EventEntry) -> bool:
    return not user.suspended_at and LEVEL_RANK.get(user.level, -1) >= LEVEL_RANK[LEVEL_FOR_ACCESS[event.access]]


def colleagues(request: Request, event: EventEntry) -> list[tuple[User, object]]:
    """People of the member's company who may attend, each with their row for the event (or None)."""
    user, db = visitor(request).user, portal_of(request).db
    if user.company_id is None or LEVEL_RANK.get(user.level, -1) < LEVEL_RANK["member"]:
        return []
    found = []
    for person_id in members_of(db, user.company_id):
        person = get_user(db, person_id) if person_id != user.id else None
        if person is not None and may_attend(person, event):
            found.append((person, store.active_of(db, event.slug, person.id)))
        if len(found) >= MAX_COLLEAGUES:
            break
    return found


def event_page(request: Request, event: EventEntry, values: dict | None = None, errors: dict | None = None,
               status_code: int = 200) -> Response:
    portal, who = portal_of(request), visitor(request)
    own = store.active_of(portal.db, event.slug, who.user.id)
    notice = request.query_params.get("notice", "")
    return render(request, "events/event.html", {
        "event": event, "starts": local_time(event.starts), "ends": local_time(event.ends),
        "deadline": local_time(event.register_until), "seats_left": store.seats_left(portal.db, event),
        "closed": open_problem(event, time.time()), "own": own, "colleagues": colleagues(request, event),
        "online_link": event.online_link if own is not None and own.status == "registered" else "",
        "values": values or {}, "errors": errors or {},
        "notice": who.t(f"events.notice.{notice}") if notice in NOTICES else None,
        "started": started(event), "missing_answers": own is not None and bool(check_answers(event.questions,
                                                                                       own.answers)[1]),
        **after_links(portal.db, event, own)}, status_code=status_code)


def started(event: EventEntry) -> bool:
    return time.time() >= (timestamp(event.starts) or 0)


def after_links(db, event: EventEntry, own) -> dict[str, bool]:
    """After the event: the certificate (when checked in) and the 0–10 question (events/certificate_pages.py,
    events/rating_pages.py)."""
    return {"certificate": holds_certificate(db, own), "rate": ratings.may_rate(event, own, time.time())}


async def show(request: Request) -> Response:
    event = event_or_404(request)
    return refusal(request, event) or event_page(request, event)


def read_answers(form: Form, event: EventEntry) -> dict[str, str]:
    return {question.name: form.text(f"q_{question.name}") for question in event.questions}


async def register(request: Request) -> Response:
    event = event_or_404(request)
    refused = refusal(request, event)
    if refused is not None:
        return refused
    form = await read_form(request)
    portal, who = portal_of(request), visitor(request)
    raw = read_answers(form, event)
    chosen = form.many("who") or ["me"]
    values = {"answers": raw, "who": chosen}
    allowed = {person.id: person for person, _row in colleagues(request, event)}
    picked = [whole_number(value) for value in chosen if value != "me"]
    if any(number not in allowed for number in picked):  # only colleagues of the same company (ASVS 5.0 8.2.2)
        return event_page(request, event, values, {"_form": who.t("events.refused.colleague")}, 400)
    answers, problems = check_answers(event.questions, raw) if "me" in chosen else ({}, {})
    if problems:
        errors = {name: who.t(key, **vals) for name, (key, vals) in problems.items()}
        return event_page(request, event, values, errors, 400)
    now, done, letters = time.time(), [], []
    targets = ([(who.user, answers)] if "me" in chosen else []) + [(allowed[n], {}) for n in picked]
    for person, person_answers in targets:
        try:
            outcome = store.register(portal.db, event, person, who.user, person_answers, now)
        except Refused as problem:
            if not done:
                return event_page(request, event, values, {"_form": who.t(problem.key, **problem.values)}, 409)
            break  # the quota filled up part way: the ones before are in, the page shows who
        done.append(outcome.registration)
        if outcome.created:
            letters.append((outcome.registration.status, outcome.registration))
        letters += [("offered", row) for row in outcome.offered]
    status = done[0].status if "me" in chosen else "registered"
    response = redirect(page_path(event) + "?notice=" + ("waiting" if status == "waiting" else "registered"))
    response.background = mails.send(portal, event, letters)
    return response


async def answers(request: Request) -> Response:
    """The person's own answers, changed until the event starts — also for someone a colleague registered,
    who answers for themselves here (their colleague's form asked only for the registering person's)."""
    event = event_or_404(request)
    refused = refusal(request, event)
    if refused is not None:
        return refused
    form = await read_form(request)
    portal, who = portal_of(request), visitor(request)
    raw = read_answers(form, event)
    own = store.active_of(portal.db, event.slug, who.user.id)
    if own is None or started(event):  # nothing to answer for (a stale form): the page says where things stand
        return redirect(page_path(event))
    kept, problems = check_answers(event.questions, raw)
    if problems:
        errors = {name: who.t(key, **vals) for name, (key, vals) in problems.items()}
        return event_page(request, event, {"answers": raw}, errors, 400)
    store.set_answers(portal.db, own, kept, who.user.id, time.time())
    return redirect(page_path(event) + "?notice=answers")


async def change(request: Request, action: str) -> Response:
    event = event_or_404(request)
    refused = refusal(request, event)
    if refused is not None:
        return refused
    await read_form(request)
    portal, user, now = portal_of(request), visitor(request).user, time.time()
    if action == "accept":
        taken = store.accept_offer(portal.db, event, user.id, now)
        response = redirect(page_path(event) + "?notice=" + ("accepted" if taken else "no_offer"))
        response.background = mails.send(portal, event, [("registered", taken)] if taken else [])
        return response
    act = store.cancel if action == "cancel" else store.leave_waiting_list
    outcome = act(portal.db, event, user.id, user.id, now)
    if outcome is None:  # nothing to change (a second click): the page says where things stand
        return redirect(page_path(event))
    letters = [("cancelled", outcome.registration)] if action == "cancel" else []
    response = redirect(page_path(event) + ("?notice=cancelled" if action == "cancel" else "?notice=left"))
    response.background = mails.send(portal, event, letters + [("offered", row) for row in outcome.offered])
    return response


async def cancel(request: Request) -> Response:
    return await change(request, "cancel")


async def leave(request: Request) -> Response:
    return await change(request, "leave")


async def accept(request: Request) -> Response:
    return await change(request, "accept")


async def status_json(request: Request) -> Response:
    """For the static event page: seats left and whether registration is open. Public, nothing personal."""
    event = event_or_404(request)
    seats = store.seats_left(portal_of(request).db, event)
    is_open = open_problem(event, time.time()) is None
    return JSONResponse({"seats_left": seats, "open": is_open}, headers={"Cache-Control": "no-store"})


ROUTES = [
    Route("/account/events/{slug}/", show, methods=["GET"]),
    Route("/account/events/{slug}/register", register, methods=["POST"]),
    Route("/account/events/{slug}/cancel", cancel, methods=["POST"]),
    Route("/account/events/{slug}/leave", leave, methods=["POST"]),
    Route("/account/events/{slug}/accept", accept, methods=["POST"]),
    Route("/account/events/{slug}/answers", answers, methods=["POST"]),
    Route("/account/events/{slug}/status.json", status_json, methods=["GET"]),
]
