"""The one access guard: `@requires(...)` on a page handler.

Every page that is not for everyone says who it is for, once, above its handler; the guard answers
for it when the visitor does not qualify, so a handler never tests for a response:

    @requires()                                   # signed in
    @requires(level="member")                     # company and phone given (or staff)
    @requires(roles=("staff", "admin"))           # one of these staff roles

ASVS 5.0 8.2.1: checked on the server for every request, before the handler runs; fail closed (an
unknown level opens nothing). Object-level checks (is this request this company's?) stay in the
handler, through its capability's store, and answer 404.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from portal.core.identity import LEVEL_RANK
from portal.web.context import Visitor, visitor
from portal.web.navigation import login_redirect
from portal.web.templating import render

Endpoint = Callable[[Request], Awaitable[Response]]
LEVELS = ("registered", "member")


def requires(level: str = "registered", roles: Sequence[str] | None = None, *,
             closed: Callable[[Request], Response] | None = None, refused: str = "staff_only"):
    """Let only visitors at `level` (and with one of `roles`, if given) reach the handler.

    Not signed in: `closed(request)` if given, else the sign-in page with the way back (303).
    Below `level`: `closed(request)` if given, else the "complete your profile" page (403).
    Without one of `roles`: 403 with the reason `refused` (a word key under `reason.`).
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    allowed = tuple(roles) if roles is not None else None

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            refusal = refuse(request, visitor(request), level, allowed, closed, refused)
            return refusal if refusal is not None else await endpoint(request)

        guarded.requires = (level, allowed)  # for tests and the staff menu: who may open it
        return guarded

    return decorate


def refuse(request: Request, who: Visitor, level: str, roles: tuple[str, ...] | None,
           closed: Callable[[Request], Response] | None, refused: str) -> Response | None:
    if who.user is None:
        return closed(request) if closed else login_redirect(request)
    if LEVEL_RANK.get(who.user.level, -1) < LEVEL_RANK[level]:
        return closed(request) if closed else complete_profile(request, who)
    if roles is not None and who.user.role not in roles:
        raise HTTPException(403, refused)
    return None


def complete_profile(request: Request, who: Visitor) -> Response:
    """A signed-in reader without company and phone: what is missing and the way there and back."""
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return render(request, "message.html", {
        "title": who.t("guard.members_title"), "message": who.t("guard.members_only"),
        "link": "/account/profile?" + urlencode({"next": back}), "link_text": who.t("cabinet.edit_profile")},
        status_code=403)
