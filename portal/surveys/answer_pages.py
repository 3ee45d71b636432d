"""Where a person answers: from the letter (`/surveys/a/<token>`, no sign-in) or the cabinet
(`/account/surveys/<wave>/`), and where they stop being asked.

GET never counts anything: corporate link scanners open every link in a letter, so the score in the link
is only chosen on the page, and counts when the person presses "send" (POST, CSRF-checked, ASVS 5.0 3.5.1).
The token is signed for (wave, person, value) (waves.verify, ASVS 5.0 11.2.1); an altered one, a wave
that did not ask that person, or a token opened while signed in as somebody else shows a 404. A second
answer changes the first (store.answer): one answer per person per wave.
"""

from __future__ import annotations

import time

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.surveys import store
from portal.surveys.model import Wave
from portal.surveys.nps import SCALE
from portal.surveys.waves import OPT_OUT, verify
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render


def by_token(request: Request) -> tuple[Wave, int, int]:
    """(wave, person, value) of the link's token; 404 for anything not genuine or not theirs."""
    portal, who = portal_of(request), visitor(request)
    found = verify(portal.settings, request.path_params["token"])
    wave = store.get_wave(portal.db, found[0]) if found else None
    if found is None or wave is None or not store.is_asked(portal.db, wave.id, found[1]):
        raise HTTPException(404)
    if who.user is not None and who.user.id != found[1]:  # another person's letter: not theirs to answer
        raise HTTPException(404)
    return wave, found[1], found[2]


def own_wave(request: Request) -> Wave:
    """The cabinet's wave: only one that asked the signed-in person (a walk over ids finds 404s)."""
    portal, who = portal_of(request), visitor(request)
    wave_id = whole_number(request.path_params["wave"])  # never past SQLite's integers (a 500)
    wave = store.get_wave(portal.db, wave_id) if wave_id is not None else None
    if wave is None or not store.is_asked(portal.db, wave.id, who.user.id):
        raise HTTPException(404)
    return wave


def page(request: Request, wave: Wave, user_id: int, action: str, values: dict, errors: dict | None = None,
         status_code: int = 200) -> Response:
    db = portal_of(request).db
    return render(request, "surveys/answer.html", {
        "wave": wave, "action": action, "scores": SCALE, "values": values, "errors": errors or {},
        "answered": store.get_answer(db, wave.id, user_id), "open": wave.open_at(time.time()),
        "done": request.query_params.get("done") == "1", "max_why": store.MAX_WHY},
        status_code=status_code)


async def take(request: Request, wave: Wave, user_id: int, action: str) -> Response:
    """The POST of either page: check, save (or change), back to the page with "thanks"."""
    form = await read_form(request)
    who = visitor(request)
    raw, why = form.text("score", 20), form.text("why", 2 * store.MAX_WHY)
    values, errors = {"score": raw, "why": why}, {}
    score = whole_number(raw, maximum=10)
    if score is None:
        errors["score"] = who.t("surveys.error.score")
    if len(why) > store.MAX_WHY:
        errors["why"] = who.t("surveys.error.why_long", max=store.MAX_WHY)
    if not wave.open_at(time.time()):
        errors["score"] = who.t("surveys.error.closed")
    if errors:
        return page(request, wave, user_id, action, values, errors, 400)
    try:
        store.answer(portal_of(request).db, wave, user_id, score, why)
    except store.Refused:
        raise HTTPException(404) from None
    return redirect(action + "?done=1")


async def letter_page(request: Request) -> Response:
    wave, user_id, value = by_token(request)
    if value == OPT_OUT:
        return opt_out_page(request, user_id)
    answered = store.get_answer(portal_of(request).db, wave.id, user_id)
    values = {"score": str(value), "why": answered.why if answered else ""}
    return page(request, wave, user_id, request.url.path, values)


async def letter_post(request: Request) -> Response:
    wave, user_id, value = by_token(request)
    if value == OPT_OUT:
        await read_form(request)
        store.set_opt_out(portal_of(request).db, user_id, True, time.time())
        return redirect(request.url.path + "?done=1")
    return await take(request, wave, user_id, request.url.path)


def opt_out_page(request: Request, user_id: int) -> Response:
    portal = portal_of(request)
    return render(request, "surveys/optout.html", {
        "action": request.url.path, "out": store.opted_out(portal.db, user_id),
        "done": request.query_params.get("done") == "1"})


@requires(level="member")
async def cabinet_page(request: Request) -> Response:
    wave, who = own_wave(request), visitor(request)
    answered = store.get_answer(portal_of(request).db, wave.id, who.user.id)
    chosen = request.query_params.get("score", "")
    values = {"score": chosen if whole_number(chosen, 10) is not None else (str(answered.score) if answered else ""),
              "why": answered.why if answered else ""}
    return page(request, wave, who.user.id, f"/account/surveys/{wave.id}/", values)


@requires(level="member")
async def cabinet_post(request: Request) -> Response:
    wave = own_wave(request)
    return await take(request, wave, visitor(request).user.id, f"/account/surveys/{wave.id}/")


@requires(level="member")
async def dismiss(request: Request) -> Response:
    wave = own_wave(request)
    await read_form(request)
    store.dismiss(portal_of(request).db, wave.id, visitor(request).user.id, time.time())
    return redirect("/account/")


@requires(level="member")
async def switch(request: Request) -> Response:
    """The cabinet's switch: stop being asked, or be asked again."""
    form = await read_form(request)
    choice = form.text("surveys", 10)
    if choice not in ("out", "in"):
        raise HTTPException(400, "bad_form")
    store.set_opt_out(portal_of(request).db, visitor(request).user.id, choice == "out", time.time())
    return redirect("/account/")


ROUTES = [
    Route("/surveys/a/{token}", letter_page, methods=["GET"]),
    Route("/surveys/a/{token}", letter_post, methods=["POST"]),
    Route("/account/surveys/{wave}/", cabinet_page, methods=["GET"]),
    Route("/account/surveys/{wave}/", cabinet_post, methods=["POST"]),
    Route("/account/surveys/{wave}/dismiss", dismiss, methods=["POST"]),
    Route("/account/surveys/switch", switch, methods=["POST"]),
]
