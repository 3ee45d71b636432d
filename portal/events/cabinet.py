"""The cabinet's side: the card "My events" and `/account/events/`, my registrations and waiting-list
places and, for the company's representative, the company's (its people's active registrations)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.companies import get_company
from portal.events import feed_pages, feeds, store
from portal.events.catalogue import catalogue
from portal.events.certificate import holds_certificate
from portal.events.model import Registration
from portal.web.context import portal_of, visitor
from portal.web.guards import requires
from portal.web.templating import render

CARD_ROWS = 5


def titled(request: Request, rows: list[Registration]) -> list[tuple[Registration, str]]:
    """Each row with its event's title (the slug when the event has left the site)."""
    events = catalogue(portal_of(request)).all()
    return [(row, events[row.event].title if row.event in events else row.event) for row in rows]


def lists(request: Request, active_only: bool) -> dict:
    db, user = portal_of(request).db, visitor(request).user
    mine = [row for row in store.of_user(db, user.id) if row.active or not active_only]
    company = get_company(db, user.company_id) if user.company_id else None
    theirs = (store.of_company(db, company.id) if company is not None and company.representative_id == user.id
              else [])
    return {"mine": titled(request, mine), "company": titled(request, [r for r in theirs if r.user_id != user.id])}


def card(request: Request) -> dict:
    found = lists(request, active_only=True)
    return {"mine": found["mine"][:CARD_ROWS], "company": found["company"]}


@requires()
async def my_events(request: Request) -> Response:
    portal, who = portal_of(request), visitor(request)
    found = lists(request, active_only=False)
    certified = {row.id for row, _title in found["mine"] if holds_certificate(portal.db, row)}
    # The feed URL is shown every time (calendar apps need it again): see feeds.py for why that is safe.
    token = feeds.token_of(portal.db, portal.settings.secret_key, who.user.id)
    notice = who.t("events.feed.notice") if request.query_params.get("notice") == "feed" else None
    return render(request, "events/my_events.html", {**found, "certified": certified, "notice": notice,
                                                     "feed_url": feed_pages.feed_url(portal.settings, token)})


ROUTES = [Route("/account/events/", my_events, methods=["GET"])]
