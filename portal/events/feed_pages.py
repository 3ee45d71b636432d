"""The personal iCal feed: `/account/events/calendar/<token>.ics` for calendar apps, and the cabinet's
POST that creates or resets its token.

Calendar apps have no session, so the feed answers to the token alone (feeds.py); an unknown, reset or
malformed token, or a suspended person, is the same plain 404 (ASVS 5.0 8.2.2: nothing tells a guess
apart from a reset URL). The path cannot meet an event page: those are `/account/events/<slug>/` and
its actions, none ending in `.ics`.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.identity import get_user
from portal.core.settings import Settings
from portal.events import feeds, store
from portal.events.calendar import FeedItem, feed, uid_for
from portal.events.catalogue import catalogue
from portal.web.context import Portal, portal_of, visitor
from portal.web.forms import read_form
from portal.web.guards import requires
from portal.web.navigation import redirect

FEED_NAME = "Partner Club"
PREFIX = "/account/events/calendar/"


def feed_url(settings: Settings, token: str | None) -> str | None:
    return f"{settings.base_url}{PREFIX}{token}.ics" if token else None


def items_of(portal: Portal, user_id: int) -> list[FeedItem]:
    """The person's registered events the site still lists, each as its invitation describes it (the same
    UID and current SEQUENCE; the webinar link, since a registered person may have it)."""
    events, base = catalogue(portal).all(), portal.settings.base_url
    return [FeedItem(events[row.event], uid_for(row.id, base), row.sequence, f"{base}{events[row.event].url}")
            for row in store.of_user(portal.db, user_id)
            if row.status == "registered" and row.event in events]


async def calendar_feed(request: Request) -> Response:
    portal = portal_of(request)
    user_id = feeds.owner(portal.db, request.path_params["token"])
    user = get_user(portal.db, user_id) if user_id is not None else None
    if user is None or user.suspended_at:
        raise HTTPException(404)
    body = feed(items_of(portal, user.id), name=portal.site_name or FEED_NAME, now=datetime.now(UTC))
    # Personal: never in a shared cache; apps poll, so nothing is kept (ASVS 5.0 14.3.2). No referrer
    # leaves with the secret URL.
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
                             "X-Robots-Tag": "noindex"})


@requires()
async def reset_feed(request: Request) -> Response:
    await read_form(request)  # CSRF checked there
    portal, user = portal_of(request), visitor(request).user
    feeds.reset(portal.db, portal.settings.secret_key, user.id, time.time())
    return redirect("/account/events/?notice=feed#calendar")


ROUTES = [
    Route(PREFIX + "reset", reset_feed, methods=["POST"]),
    Route(PREFIX + "{token}.ics", calendar_feed, methods=["GET"]),
]
