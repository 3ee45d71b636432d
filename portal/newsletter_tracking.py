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
import json
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from python_multipart.exceptions import FormParserError
from sqlite_utils import Database
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from site_builder.config import DEFAULT_TOPICS

from . import newsletter_links
from .context import portal_of, visitor
from .db import now_iso
from .forms import read_form
from .newsletter_model import Send, get_newsletter, get_send, on_club
from .security import is_one_click
from .templating import render

# A 1x1 transparent GIF89a (43 bytes).
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
NO_STORE = {"Cache-Control": "no-store"}
CABINET = "/account/newsletters"  # the cabinet's newsletter settings: topics, tracking, subscription
CHOICES = ("topic", "all")
MAX_EVENTS = 100  # per send and kind: far above any reader; bounds garbage data from a script (ASVS 5.0 2.4.1)


# Tracked when the letter was frozen with tracking and the member has not switched it off since.
_TRACKING = "s.tracking AND coalesce(u.mail_tracking, 1)"


def tracking_enabled(settings: object) -> bool:
    """The club-wide switch (Settings.newsletter_tracking, CLUB_NEWSLETTER_TRACKING); on unless set to off."""
    return bool(getattr(settings, "newsletter_tracking", True))


def record_event(db: Database, send_id: int, kind: str, link: int | None = None, at: float | None = None) -> None:
    """One open or click; at most MAX_EVENTS per send and kind, so one leaked link cannot fill the disk."""
    db.execute("INSERT INTO newsletter_events (send_id, kind, link, at) SELECT ?, ?, ?, ? WHERE (SELECT count(*) "
               "FROM newsletter_events WHERE send_id = ? AND kind = ?) < ?",
               [send_id, kind, link, time.time() if at is None else at, send_id, kind, MAX_EVENTS])


def click_target(db: Database, secret: str, token: str, base_url: str) -> tuple[int, int, bool, str] | None:
    """(send id, link index, tracking, URL) for a genuine click token; None for anything else.
    A link to the club's own page (a site path) goes to it at `base_url` (CLUB_BASE_URL)."""
    values = newsletter_links.verify(secret, "click", token, 2)
    if values is None:
        return None
    send_id, index = values
    # The same as Newsletter.mail.links[index], without parsing the whole letter on every click.
    row = db.execute(f"SELECT {_TRACKING}, json_extract(n.mail, ?) FROM newsletter_sends s "  # noqa: S608
                     "JOIN newsletters n ON n.id = s.newsletter_id LEFT JOIN users u ON u.id = s.user_id "
                     "WHERE s.id = ?", [f"$.links[{index}]", send_id]).fetchone()
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
        record_event(portal.db, send_id, "click", index)
    return RedirectResponse(url, status_code=302, headers=NO_STORE)


async def pixel(request: Request) -> Response:
    portal = portal_of(request)
    values = newsletter_links.verify(portal.settings.secret_key, "open", request.path_params["token"], 1)
    if values is not None and request.method == "GET" and tracking_enabled(portal.settings):
        row = portal.db.execute(f"SELECT {_TRACKING} FROM newsletter_sends s "  # noqa: S608 - a constant
                                "LEFT JOIN users u ON u.id = s.user_id WHERE s.id = ?", [values[0]]).fetchone()
        if row is not None and row[0]:
            record_event(portal.db, values[0], "open")
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


def is_subscribed(db: Database, user_id: int | None) -> bool:
    return user_id is not None and db.execute(
        "SELECT 1 FROM subscriptions WHERE user_id = ? AND list = 'newsletters'", [user_id]).fetchone() is not None


def unsubscribe(db: Database, target: Target, choice: str, club_topics: list[str]) -> str:
    """Apply `choice` (topic | all) in one transaction; returns what happened: 'topic' or 'all'."""
    user_id = target.send.user_id
    with db.conn:
        db.conn.execute("BEGIN IMMEDIATE")
        done = "all"
        if user_id is not None and choice == "topic" and target.topics:
            done = _drop_topics(db, user_id, target.topics, club_topics)
        if user_id is not None and done == "all":
            db.conn.execute("DELETE FROM subscriptions WHERE user_id = ? AND list = 'newsletters'", [user_id])
        # once per send, however often the link is used
        db.conn.execute("INSERT INTO newsletter_events (send_id, kind, link, at) SELECT ?, 'unsubscribe', NULL, ? "
                        "WHERE NOT EXISTS (SELECT 1 FROM newsletter_events WHERE send_id = ? AND kind = 'unsubscribe')",
                        [target.send.id, time.time(), target.send.id])
    return done


def _drop_topics(db: Database, user_id: int, topics: list[str], club_topics: list[str]) -> str:
    row = db.conn.execute("SELECT topics FROM users WHERE id = ?", [user_id]).fetchone()
    if row is None:
        return "all"
    mine = json.loads(row[0] or "[]") or list(club_topics)  # [] = "no preference" = every club topic
    left = [topic for topic in mine if topic not in topics]
    if not left:
        # An empty list would mean "every topic" again: someone leaving the last topics they had
        # wants no newsletters at all.
        return "all"
    db.conn.execute("UPDATE users SET topics = ?, updated_at = ? WHERE id = ?",
                    [json.dumps(left, ensure_ascii=False), now_iso(), user_id])
    return "topic"


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
        "subscribed": is_subscribed(db, target.send.user_id), "choice": choice or ("topic" if target.topics
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
    done = unsubscribe(portal.db, target, choice, list(club_topics(request)))
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
