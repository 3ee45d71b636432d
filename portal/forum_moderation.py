"""Forum moderation: topic tools, hiding posts, flags, posting bans, and the log of all of it.

Every moderator action is a POST with a CSRF token, checked on the server (ASVS 5.0 8.2.1), and
written to forum_mod_log in the same transaction as the change: who, when, what, why.
"""

from __future__ import annotations

import time

from sqlite_utils import Database
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import forum_search
from . import forum_store as store
from .accounts import User
from .context import Visitor, portal_of, visitor
from .forms import Form, read_form
from .forum import can_read_category, can_read_forum, is_moderator
from .navigation import login_redirect, redirect
from .templating import render

FLAG_REASONS = ("spam", "inappropriate", "off_topic", "other")
OLD_FLAG = 48 * 3600.0


def moderator(request: Request) -> Visitor | Response:
    who = visitor(request)
    if who.user is None:
        return login_redirect(request)
    if not is_moderator(who.user):
        raise HTTPException(403, "forum_moderators_only")
    return who


def log_action(db: Database, who: User, action: str, target: str, reason: str = "") -> None:
    db.conn.execute("INSERT INTO forum_mod_log (moderator_id, action, target, reason, created_at) "
                    "VALUES (?, ?, ?, ?, ?)", [who.id, action, target, reason, time.time()])


def post_or_404(db: Database, post_id: int) -> store.Post:
    post = store.get_post(db, post_id)
    if post is None:
        raise HTTPException(404)
    return post


async def moderate_topic(request: Request) -> Response:
    who = moderator(request)
    if isinstance(who, Response):
        return who
    db, form = portal_of(request).db, await read_form(request)
    topic = store.get_topic(db, request.path_params["topic_id"])
    if topic is None:
        raise HTTPException(404)
    action, reason = form.text("action"), form.text("reason", 500)
    changes = {"pin": ("pinned", 1), "unpin": ("pinned", 0), "lock": ("locked", 1), "unlock": ("locked", 0)}
    with store.transaction(db):
        if action in changes:
            column, value = changes[action]
            db.conn.execute(f"UPDATE forum_topics SET {column} = ? WHERE id = ?", [value, topic.id])  # noqa: S608
        elif action == "move":
            target = store.get_category(db, slug=form.text("category"))
            if target is None:
                raise HTTPException(400, "bad_form")
            db.conn.execute("UPDATE forum_topics SET category_id = ? WHERE id = ?", [target.id, topic.id])
            reason = f"→ {target.slug}. {reason}".strip()
        else:
            raise HTTPException(400, "bad_form")
        log_action(db, who.user, action, f"topic:{topic.id}", reason)
    return redirect(f"/forum/t/{topic.id}/")


async def hide_post(request: Request) -> Response:
    who = moderator(request)
    if isinstance(who, Response):
        return who
    db, form = portal_of(request).db, await read_form(request)
    post = post_or_404(db, request.path_params["post_id"])
    reason = form.text("reason", 500)
    if not reason:
        return render(request, "forum/mod_hide.html", {"post": post, "errors": {"reason": who.t("forum.reason_needed")},
                                                        "values": {}}, status_code=400)
    set_hidden(db, who.user, post, reason)
    return redirect(f"/forum/t/{post.topic_id}/?page={store.page_of(post.number)}#p{post.number}")


def set_hidden(db: Database, who: User, post: store.Post, reason: str | None) -> None:
    """Hide (reason given) or restore (None) a post, with its counters, index and log entry."""
    if (reason is not None) == (post.hidden_at is not None) or post.deleted_at is not None:
        return  # already in that state
    with store.transaction(db):
        db.conn.execute("UPDATE forum_posts SET hidden_at = ?, hidden_by = ?, hidden_reason = ? WHERE id = ?",
                        [time.time() if reason else None, who.id if reason else None, reason, post.id])
        db.conn.execute("UPDATE forum_topics SET post_count = post_count + ? WHERE id = ?",
                        [-1 if reason else 1, post.topic_id])
        log_action(db, who, "hide" if reason else "restore", f"post:{post.id}", reason or "")
    if reason:
        forum_search.unindex_post(db, post.id)
    else:
        title = db.execute("SELECT title FROM forum_topics WHERE id = ?", [post.topic_id]).fetchone()[0]
        forum_search.index_post(db, post.id, title if post.number == 1 else "", post.body)


async def hide_form(request: Request) -> Response:
    who = moderator(request)
    if isinstance(who, Response):
        return who
    post = post_or_404(portal_of(request).db, request.path_params["post_id"])
    return render(request, "forum/mod_hide.html", {"post": post, "values": {}})


async def restore_post(request: Request) -> Response:
    who = moderator(request)
    if isinstance(who, Response):
        return who
    db = portal_of(request).db
    await read_form(request)
    post = post_or_404(db, request.path_params["post_id"])
    set_hidden(db, who.user, post, None)
    return redirect(f"/forum/t/{post.topic_id}/?page={store.page_of(post.number)}#p{post.number}")


async def flag_post(request: Request) -> Response:
    who = visitor(request)
    if not can_read_forum(who.user):
        raise HTTPException(403, "forum_members_only")
    db, form = portal_of(request).db, await read_form(request)
    post = post_or_404(db, request.path_params["post_id"])
    topic = store.get_topic(db, post.topic_id)
    category = store.get_category(db, category_id=topic.category_id) if topic else None
    if category is None or not can_read_category(who.user, category) or not post.visible:
        raise HTTPException(404)
    reason = form.text("reason")
    if reason not in FLAG_REASONS or post.author_id == who.user.id:
        raise HTTPException(400, "bad_form")
    cursor = db.execute("INSERT OR IGNORE INTO forum_flags (post_id, user_id, reason, note, created_at) "
                        "VALUES (?, ?, ?, ?, ?)", [post.id, who.user.id, reason, form.text("note", 500), time.time()])
    message = "forum.flag_thanks" if cursor.rowcount else "forum.flag_already"
    return render(request, "message.html", {"title": who.t("forum.flag"), "message": who.t(message),
                                            "link": f"/forum/t/{post.topic_id}/?page={store.page_of(post.number)}"
                                                    f"#p{post.number}", "link_text": who.t("forum.back_to_topic")})


async def flag_queue(request: Request) -> Response:
    who = moderator(request)
    if isinstance(who, Response):
        return who
    rows = portal_of(request).db.execute(
        "SELECT f.post_id, p.topic_id, p.number, t.title, min(f.created_at), count(*), group_concat(f.reason), "
        "group_concat(f.note, ' | '), p.hidden_at FROM forum_flags f JOIN forum_posts p ON p.id = f.post_id "
        "JOIN forum_topics t ON t.id = p.topic_id WHERE f.resolved_at IS NULL GROUP BY f.post_id "
        "ORDER BY min(f.created_at) DESC").fetchall()
    keys = ("post_id", "topic_id", "number", "title", "first", "count", "reasons", "notes", "hidden_at")
    flags = [dict(zip(keys, row, strict=True)) for row in rows]
    now = time.time()
    for flag in flags:
        flag["old"] = now - flag["first"] > OLD_FLAG
        flag["page"] = store.page_of(flag["number"])
    return render(request, "forum/mod_flags.html", {"flags": flags})


async def resolve_flags(request: Request) -> Response:
    who = moderator(request)
    if isinstance(who, Response):
        return who
    db, form = portal_of(request).db, await read_form(request)
    post = post_or_404(db, request.path_params["post_id"])
    if form.text("action") == "hide":
        set_hidden(db, who.user, post, form.text("reason", 500) or who.t("forum.hidden_by_flags"))
    with store.transaction(db):
        db.conn.execute("UPDATE forum_flags SET resolved_at = ?, resolved_by = ? WHERE post_id = ? AND "
                        "resolved_at IS NULL", [time.time(), who.user.id, post.id])
        log_action(db, who.user, "flags_" + ("hide" if form.text("action") == "hide" else "dismiss"),
                   f"post:{post.id}")
    return redirect("/forum/mod/flags")


async def ban(request: Request) -> Response:
    who = moderator(request)
    if isinstance(who, Response):
        return who
    db, form = portal_of(request).db, await read_form(request)
    user_id, days, reason = _ban_fields(form)
    with store.transaction(db):
        if form.text("action") == "unban":
            db.conn.execute("DELETE FROM forum_bans WHERE user_id = ?", [user_id])
        else:
            db.conn.execute("INSERT INTO forum_bans (user_id, until, reason, by_id, created_at) VALUES (?, ?, ?, ?, ?) "
                            "ON CONFLICT(user_id) DO UPDATE SET until = excluded.until, reason = excluded.reason, "
                            "by_id = excluded.by_id", [user_id, time.time() + days * 86400, reason, who.user.id,
                                                       time.time()])
        log_action(db, who.user, form.text("action") or "ban", f"user:{user_id}", reason)
    return redirect("/forum/mod/log")


def _ban_fields(form: Form) -> tuple[int, int, str]:
    try:
        user_id, days = int(form.text("user")), int(form.text("days") or "0")
    except ValueError as exc:
        raise HTTPException(400, "bad_form") from exc
    reason = form.text("reason", 500)
    if form.text("action") != "unban" and (not 1 <= days <= 365 or not reason):
        raise HTTPException(400, "bad_form")
    return user_id, days, reason


async def mod_log(request: Request) -> Response:
    who = moderator(request)
    if isinstance(who, Response):
        return who
    rows = portal_of(request).db.execute(
        "SELECT l.created_at, u.name, l.action, l.target, l.reason FROM forum_mod_log l LEFT JOIN users u "
        "ON u.id = l.moderator_id ORDER BY l.id DESC LIMIT 200").fetchall()
    keys = ("created_at", "moderator", "action", "target", "reason")
    return render(request, "forum/mod_log.html", {"entries": [dict(zip(keys, row, strict=True)) for row in rows]})


async def history(request: Request) -> Response:
    who = moderator(request)
    if isinstance(who, Response):
        return who
    db = portal_of(request).db
    post = post_or_404(db, request.path_params["post_id"])
    return render(request, "forum/mod_history.html", {"post": post, "revisions": store.revisions(db, post.id)})


ROUTES = [
    Route("/forum/t/{topic_id:int}/moderate", moderate_topic, methods=["POST"]),
    Route("/forum/p/{post_id:int}/hide", hide_form, methods=["GET"]),
    Route("/forum/p/{post_id:int}/hide", hide_post, methods=["POST"]),
    Route("/forum/p/{post_id:int}/restore", restore_post, methods=["POST"]),
    Route("/forum/p/{post_id:int}/flag", flag_post, methods=["POST"]),
    Route("/forum/p/{post_id:int}/history", history, methods=["GET"]),
    Route("/forum/mod/flags", flag_queue, methods=["GET"]),
    Route("/forum/mod/flags/{post_id:int}/resolve", resolve_flags, methods=["POST"]),
    Route("/forum/mod/ban", ban, methods=["POST"]),
    Route("/forum/mod/log", mod_log, methods=["GET"]),
]
