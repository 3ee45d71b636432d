"""The cabinet card: the open wave's question for a member it asked (answering or dismissing hides it), and
the switch that stops (or restarts) being asked."""

from __future__ import annotations

import time

from starlette.requests import Request

from portal.surveys import store
from portal.surveys.nps import SCALE
from portal.web.context import portal_of, visitor


def card(request: Request) -> dict:
    db, user = portal_of(request).db, visitor(request).user
    if user.role:  # staff are never asked: no card, no switch
        return {"show": False}
    out = store.opted_out(db, user.id)
    return {"show": True, "wave": None if out else store.open_for(db, user.id, time.time()), "out": out,
            "scores": SCALE}
