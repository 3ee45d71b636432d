"""Watching topics and categories: mail on new replies (opt-in), a weekly digest for absent members.

Every reply mail carries a stop link that works without signing in (a signed token naming the
watch); its GET only shows a button, so mail scanners that open links do not act on it.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import replace

from sqlite_utils import Database
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.identity import User, get_user
from portal.core.mail import Mail
from portal.core.oneline import one_line
from portal.core.tokens import TokenError, issue_token, read_token
from portal.core.usertext import plain_text
from portal.forum import store, watches
from portal.forum.access import members_only
from portal.forum.rules import Post, Topic, can_read_category, can_read_forum
from portal.web.context import Portal, portal_of, visitor
from portal.web.forms import read_form
from portal.web.letters import build_and_send, personal_mail
from portal.web.navigation import redirect
from portal.web.templating import render

log = logging.getLogger("portal.forum.rules")
KINDS = ("topic", "category")
WEEK = 7 * 86400.0


@members_only
async def toggle_topic(request: Request) -> Response:
    who, db = visitor(request), portal_of(request).db
    form = await read_form(request)
    topic_id = request.path_params["topic_id"]
    topic = store.get_topic(db, topic_id)
    category = store.get_category(db, category_id=topic.category_id) if topic else None
    if category is None or not can_read_category(who.user, category):
        raise HTTPException(404)  # like reading it: a staff-only topic does not exist for members
    (watches.watch if form.text("action") == "watch" else watches.unwatch)(db, who.user.id, "topic", topic_id)
    return redirect(f"/forum/t/{topic_id}/")


@members_only
async def toggle_category(request: Request) -> Response:
    who, db = visitor(request), portal_of(request).db
    form = await read_form(request)
    category = store.get_category(db, slug=request.path_params["slug"])
    if category is None or not can_read_category(who.user, category):
        raise HTTPException(404)
    (watches.watch if form.text("action") == "watch" else watches.unwatch)(db, who.user.id, "category", category.id)
    return redirect(f"/forum/c/{category.slug}/")


@members_only
async def toggle_digest(request: Request) -> Response:
    who, db = visitor(request), portal_of(request).db
    form = await read_form(request)
    watches.set_digest(db, who.user.id, form.text("digest") == "on")
    return redirect("/account/?notice=saved")


def digest_card(request: Request) -> dict:
    """The cabinet's forum card: the way in and the weekly digest switch."""
    return {"digest": watches.wants_digest(portal_of(request).db, visitor(request).user.id)}


def stop_token(secret: str, user_id: int, kind: str, target_id: int) -> str:
    return issue_token(secret, "unwatch", user_id, f"{kind}:{target_id}")


def watch_from_token(request: Request, token: str) -> tuple[int, str, int]:
    try:
        claims = read_token(portal_of(request).settings.secret_key, token, "unwatch")
        kind, target = claims.stamp.split(":", 1)
        if kind not in KINDS:
            raise ValueError(kind)
        return claims.user_id, kind, int(target)
    except (TokenError, ValueError) as exc:
        raise HTTPException(400, "bad_form") from exc


async def stop_page(request: Request) -> Response:
    token = request.query_params.get("token", "")
    watch_from_token(request, token)
    who = visitor(request)
    return render(request, "forum/stop.html", {"token": token, "title": who.t("forum.stop_title")})


async def stop(request: Request) -> Response:
    """RFC 8058 one-click from the mail client, or the button on the page: no sign-in needed.

    No CSRF token here on purpose: the signed stop token is itself the proof, and all it can do
    is stop mail to its own recipient.
    """
    form = await request.form(max_files=0, max_fields=5)
    token = str(form.get("token") or request.query_params.get("token", ""))
    user_id, kind, target = watch_from_token(request, token)
    watches.unwatch(portal_of(request).db, user_id, kind, target)
    who = visitor(request)
    return render(request, "message.html", {"title": who.t("forum.stop_title"), "message": who.t("forum.stopped"),
                                            "link": "/forum/", "link_text": who.t("forum.title")})


def watchers(db: Database, topic: Topic, author_id: int | None) -> list[tuple[User, str, int]]:
    """(user, kind, target) for everyone watching the topic or its category, once each."""
    rows = watches.watching(db, topic.id, topic.category_id)
    category = store.get_category(db, category_id=topic.category_id)
    found: dict[int, tuple[User, str, int]] = {}
    for user_id, kind, target in rows:
        user = get_user(db, user_id)
        if user is None or user_id == author_id or user_id in found or category is None:
            continue
        if can_read_category(user, category):
            found[user_id] = (user, kind, target)
    return list(found.values())


def notify_reply(portal: Portal, topic: Topic, post: Post) -> BackgroundTask:
    """Mail to the watchers, all of it after the response: the reply is saved by then, so nothing here
    (finding watchers, building or sending a message) may turn its page into an error and a retry
    into a duplicate post."""
    return BackgroundTask(deliver_all, portal, topic, post)


async def deliver_all(portal: Portal, topic: Topic, post: Post) -> None:
    try:
        recipients = watchers(portal.db, topic, post.author_id)
    except Exception:  # e.g. a locked database: no mail this time, but no traceback on the visitor's side
        log.exception("could not find the watchers of topic %s", topic.id)
        return
    for user, kind, target in recipients:  # one message that cannot be built or sent does not stop the others
        await build_and_send(portal, user.email, functools.partial(reply_mail, portal, topic, post, user, kind, target))


def reply_mail(portal: Portal, topic: Topic, post: Post, user: User, kind: str, target: int) -> Mail:
    base, page = portal.settings.base_url, store.page_of(post.number)
    stop_link = f"{base}/forum/unwatch?token=" + stop_token(portal.settings.secret_key, user.id, kind, target)
    # Title and author are one-line values (the title goes into the subject); rows from before titles
    # were cleaned on input may still hold line breaks.
    mail = personal_mail(portal, "forum_reply", user, topic_title=one_line(topic.title),
                         author=one_line(post.author_name or "") or "—",
                         excerpt=plain_text(post.body, 500), stop_link=stop_link,
                         link=f"{base}/forum/t/{topic.id}/?page={page}#p{post.number}")
    # RFC 8058: mail programs offer "unsubscribe" and POST to the link themselves.
    return replace(mail, headers=(("List-Unsubscribe", f"<{stop_link}>"),
                                  ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")))


def digest_readers(db: Database, now: float) -> list[tuple[User, list[tuple[int, str, int]]]]:
    """Weekly digests due now: opted in, absent from the forum this week, none sent this week; with their topics."""
    due = []
    for user_id in watches.digest_due(db, now - WEEK, now - WEEK + 3600):
        user = get_user(db, user_id)
        if user is not None and can_read_forum(user):
            topics = active_topics(db, user, now - WEEK)
            if topics:
                due.append((user, topics))
    return due


def digest_mail(portal: Portal, user: User, topics: list[tuple[int, str, int]]) -> Mail:
    base = portal.settings.base_url
    items = [{"title": one_line(title), "posts": posts, "link": f"{base}/forum/t/{topic_id}/"}
             for topic_id, title, posts in topics]
    return personal_mail(portal, "forum_digest", user, topics=items, settings_link=f"{base}/account/")


def active_topics(db: Database, user: User, since: float) -> list[tuple[int, str, int]]:
    return watches.active_topics(db, store.readable_category_ids(db, user), since)

async def send_digests(portal: Portal, now: float | None = None) -> int:
    """Send the digests due; one that cannot be built or sent is logged and tried again on the next run."""
    now = time.time() if now is None else now
    sent = 0
    for user, topics in digest_readers(portal.db, now):
        if await build_and_send(portal, user.email, functools.partial(digest_mail, portal, user, topics)):
            watches.digest_sent(portal.db, user.id, now)
            sent += 1
    return sent


ROUTES = [
    Route("/forum/t/{topic_id:id}/watch", toggle_topic, methods=["POST"]),
    Route("/forum/c/{slug:str}/watch", toggle_category, methods=["POST"]),
    Route("/forum/digest", toggle_digest, methods=["POST"]),
    Route("/forum/unwatch", stop_page, methods=["GET"]),
    Route("/forum/unwatch", stop, methods=["POST"]),
]
