"""What happens when a newsletter's recipient clicks, opens or unsubscribes (routes under /_club/n/).

Every link carries a token signed for its purpose (newsletter_links). A click token names a send and
a link index; the target is read from the newsletter's own copy of its mail, never from the link, so
an altered, unsigned or unknown token shows a page here and redirects nowhere (ASVS 5.0 3.7.2, no
open redirects). The open pixel answers every request with the same image, so it tells nobody which
tokens are real. Nothing is recorded for a send whose tracking was off when it was frozen, for a
member who has switched tracking off since, or while the club-wide switch (CLUB_NEWSLETTER_TRACKING=0)
is off; the links keep working. Link checkers' HEAD requests are not counted.

Unsubscribing works without signing in: GET only shows the choices (mail scanners open links), the
page's form POSTs with a form token, and RFC 8058 one-click POSTs from mail providers are let through
by security.is_one_click. "Topic" takes the newsletter's topics out of users.topics; "all" removes
the 'newsletters' consent row. Either is recorded once per send as an 'unsubscribe' event.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import urlsplit

from python_multipart.exceptions import FormParserError
from sqlite_utils import Database
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal.core.security import is_one_click
from portal.newsletters import events
from portal.newsletters import links as newsletter_links
from portal.newsletters.model import Send, get_newsletter, get_send
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form
from portal.web.templating import render
from site_builder.config import DEFAULT_TOPICS
from site_builder.contract import on_club

# A 1x1 transparent GIF89a (43 bytes).
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
NO_STORE = {"Cache-Control": "no-store"}
CABINET = "/account/newsletters"  # the cabinet's newsletter settings: topics, tracking, subscription
CHOICES = ("topic", "all")



def tracking_enabled(settings: object) -> bool:
    """The club-wide switch (Settings.newsletter_tracking, CLUB_NEWSLETTER_TRACKING); on unless set to off."""
    return bool(getattr(settings, "newsletter_tracking", True))


def click_target(db: Database, secret: str, token: str, base_url: str) -> tuple[int, int, bool, str] | None:
    """(send id, link index, tracking, URL) for a genuine click token; None for anything else.
    A link to the club's own page (a site path) goes to it at `base_url` (CLUB_BASE_URL)."""
    values = newsletter_links.verify(secret, "click", token, 2)
    if values is None:
        return None
    send_id, index = values
    row = events.link_of(db, send_id, index)
    if row is None or not isinstance(row[1], str):
        return None
    url = on_club(row[1], base_url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:  # never javascript:, data: or a bare path
        return None
    return send_id, index, bool(row[0]), url


def broken_link(request: Request, status_code: int = 404) -> Response:
    who = visitor(request)
    return render(request, "message.html", {"title": who.t("track.broken_title"), "message": who.t("track.broken"),
                                            "link": "/", "link_text": who.t("track.home")},
                  status_code=status_code)


async def click(request: Request) -> Response:
    portal = portal_of(request)
    found = click_target(portal.db, portal.settings.secret_key, request.path_params["token"], portal.settings.base_url)
    if found is None:
        return broken_link(request)
    send_id, index, tracking, url = found
    # HEAD is what link checkers send; only a GET is somebody following the link
    if request.method == "GET" and tracking and tracking_enabled(portal.settings):
        events.record_event(portal.db, send_id, "click", index)
    return RedirectResponse(url, status_code=302, headers=NO_STORE)


async def pixel(request: Request) -> Response:
    portal = portal_of(request)
    values = newsletter_links.verify(portal.settings.secret_key, "open", request.path_params["token"], 1)
    if values is not None and request.method == "GET" and tracking_enabled(portal.settings) \
            and events.tracked(portal.db, values[0]):
        events.record_event(portal.db, values[0], "open")
    return Response(PIXEL, media_type="image/gif", headers=NO_STORE)


@dataclass(frozen=True)
class Target:
    """What an unsubscribe link names: the send, the newsletter's subject and topics."""

    send: Send
    subject: str
    topics: list[str]  # keys of the newsletter's topics; [] = the newsletter went to every topic


def unsubscribe_target(db: Database, secret: str, token: str) -> Target | None:
    values = newsletter_links.verify(secret, "unsubscribe", token, 1)
    send = get_send(db, values[0]) if values is not None else None
    newsletter = get_newsletter(db, send.newsletter_id) if send is not None else None
    if send is None or newsletter is None:
        return None
    return Target(send, newsletter.subject, list(newsletter.audience.get("topics") or []))


def club_topics(request: Request) -> dict[str, str]:
    club = portal_of(request).club
    return dict(club.topics) if club is not None else dict(DEFAULT_TOPICS)


def topic_labels(request: Request, target: Target) -> list[str]:
    labels = club_topics(request)
    return [labels.get(topic, topic) for topic in target.topics]


def unsubscribe_form(request: Request, target: Target, token: str, errors: dict | None = None,
                     choice: str = "", status_code: int = 200) -> Response:
    who = visitor(request)
    db = portal_of(request).db
    return render(request, "newsletter_unsubscribe.html", {
        "title": who.t("unsub.title"), "target": target, "token": token, "topics": topic_labels(request, target),
        "subscribed": events.is_subscribed(db, target.send.user_id), "choice": choice or ("topic" if target.topics
                                                                                  else "all"),
        "errors": errors or {}, "cabinet": CABINET}, status_code=status_code)


async def unsubscribe_page(request: Request) -> Response:
    portal, token = portal_of(request), request.path_params["token"]
    target = unsubscribe_target(portal.db, portal.settings.secret_key, token)
    if target is None:
        return broken_link(request)
    return unsubscribe_form(request, target, token)


async def unsubscribe_post(request: Request) -> Response:
    portal, token = portal_of(request), request.path_params["token"]
    try:
        data = await request.form(max_files=0, max_fields=10)
    except (MultiPartException, FormParserError, UnicodeDecodeError, ValueError) as exc:
        raise HTTPException(400, "bad_form") from exc
    one_click = is_one_click(request, data)
    if not one_click:
        form = await read_form(request)  # the page's own form: CSRF token checked (ASVS 5.0 3.5.1)
    target = unsubscribe_target(portal.db, portal.settings.secret_key, token)
    if target is None:
        return broken_link(request)
    choice = "all" if one_click else form.text("choice", 10)
    if choice not in CHOICES or (choice == "topic" and not target.topics):
        who = visitor(request)
        return unsubscribe_form(request, target, token, {"choice": who.t("unsub.choose")}, status_code=400)
    done = events.unsubscribe(portal.db, target.send.id, target.send.user_id, target.topics, choice,
                              list(club_topics(request)))
    return unsubscribed_page(request, target, done)


def unsubscribed_page(request: Request, target: Target, done: str) -> Response:
    who = visitor(request)
    if done == "topic":
        message = who.t("unsub.done_topic", topics=", ".join(topic_labels(request, target)), email=target.send.email)
    else:
        message = who.t("unsub.done_all", email=target.send.email)
    return render(request, "message.html", {"title": who.t("unsub.done_title"),
                                            "message": message + " " + who.t("unsub.resubscribe"),
                                            "link": CABINET, "link_text": who.t("unsub.cabinet")})


ROUTES = [
    Route(newsletter_links.PREFIX + "/c/{token}", click, methods=["GET"]),
    Route(newsletter_links.PREFIX + "/o/{token}.gif", pixel, methods=["GET"]),
    Route(newsletter_links.PREFIX + "/u/{token}", unsubscribe_page, methods=["GET"]),
    Route(newsletter_links.PREFIX + "/u/{token}", unsubscribe_post, methods=["POST"]),
]
