"""Forum moderation: topic tools, hiding posts, flags, posting bans, and the log of all of it.

Every moderator action is a POST with a CSRF token, checked on the server (ASVS 5.0 8.2.1), and
written to forum_mod_log in the same transaction as the change: who, when, what, why. A request
that changes nothing (pinning a pinned topic, dismissing flags already dismissed) logs nothing.
"""

from __future__ import annotations

import time

from sqlite_utils import Database
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.identity import User, find_people, get_user, outranks
from portal.forum import files as forum_files
from portal.forum import moderation_store, store
from portal.forum import search as forum_search
from portal.forum.access import moderators_only
from portal.forum.moderation_store import log_action
from portal.forum.rules import can_read_category, can_read_forum
from portal.web.context import Visitor, portal_of, visitor
from portal.web.forms import Form, read_form, whole_number
from portal.web.navigation import redirect
from portal.web.templating import render

FLAG_REASONS = ("spam", "inappropriate", "off_topic", "other")
OLD_FLAG = 48 * 3600.0  # open flags older than this are highlighted in the queue
REASON_LIMIT = NOTE_LIMIT = 500
BAN_DAYS = (1, 365)
LOG_SIZE = 200
TOPIC_ACTIONS = {"pin": ("pinned", True), "unpin": ("pinned", False), "lock": ("locked", True),
                 "unlock": ("locked", False)}



def post_or_404(db: Database, post_id: int) -> store.Post:
    post = store.get_post(db, post_id)
    if post is None:
        raise HTTPException(404)
    return post


def post_url(post: store.Post) -> str:
    return f"/forum/t/{post.topic_id}/?page={store.page_of(post.number)}#p{post.number}"


# --- topics ------------------------------------------------------------------------------------

@moderators_only
async def moderate_topic(request: Request) -> Response:
    who = visitor(request)
    db, form = portal_of(request).db, await read_form(request)
    topic = store.get_topic(db, request.path_params["topic_id"])
    if topic is None:
        raise HTTPException(404)
    action, reason = form.text("action"), form.text("reason", REASON_LIMIT)
    with store.transaction(db):
        if action in TOPIC_ACTIONS:
            column, value = TOPIC_ACTIONS[action]
            if getattr(topic, column) != value:
                store.set_topic_state(db, topic.id, column, value)
                log_action(db, who.user, action, f"topic:{topic.id}", reason)
        elif action == "move":
            target = store.get_category(db, slug=form.text("category", 100))
            if target is None:
                raise HTTPException(400, "bad_form")
            if target.id != topic.category_id:
                source = store.get_category(db, category_id=topic.category_id)
                store.move_topic(db, topic.id, target.id)
                moved = f"{source.slug if source else topic.category_id} → {target.slug}"
                log_action(db, who.user, action, f"topic:{topic.id}", f"{moved}. {reason}" if reason else moved)
        else:
            raise HTTPException(400, "bad_form")
    return redirect(f"/forum/t/{topic.id}/")


# --- hiding posts -------------------------------------------------------------------------------

def _set_hidden(db: Database, who: User, post: store.Post, reason: str | None, action: str = "",
                why: str = "") -> bool:
    """Inside a transaction: hide (reason given) or restore (None) a post with its counter, index and log line.

    The log line says `action` (hide/restore by default) and why (the reason shown to members, or `why`).
    Returns False (and changes nothing) when the post is already in that state or deleted by its author.
    """
    current = store.get_post(db, post.id)  # fresh, under the write lock
    if current is None or current.deleted_at is not None or (reason is not None) == (current.hidden_at is not None):
        return False
    hiding = reason is not None
    store.set_post_hidden(db, post, who if hiding else None, reason)
    if hiding:
        forum_search.unindex_post(db, post.id)
    else:
        title = store.get_topic(db, post.topic_id).title
        forum_search.index_post(db, post.id, title if current.number == 1 else "",
                                forum_files.searchable(current.body, forum_files.of_post(db, post.id)))
    log_action(db, who, action or ("hide" if hiding else "restore"), f"post:{post.id}", reason or why)
    return True


def set_hidden(db: Database, who: User, post: store.Post, reason: str | None, why: str = "") -> bool:
    """Hide (reason given) or restore (None, optionally saying `why`) a post in a transaction of its own."""
    with store.transaction(db):
        return _set_hidden(db, who, post, reason, why=why)


@moderators_only
async def hide_form(request: Request) -> Response:
    post = post_or_404(portal_of(request).db, request.path_params["post_id"])
    return render(request, "forum/mod_hide.html", {"post": post, "values": {}})


@moderators_only
async def hide_post(request: Request) -> Response:
    who = visitor(request)
    db, form = portal_of(request).db, await read_form(request)
    post = post_or_404(db, request.path_params["post_id"])
    reason = form.text("reason", REASON_LIMIT)
    if not reason:
        return render(request, "forum/mod_hide.html", {"post": post, "values": {"reason": ""},
                                                        "errors": {"reason": who.t("forum.reason_needed")}},
                      status_code=400)
    set_hidden(db, who.user, post, reason)
    return redirect(post_url(post))


@moderators_only
async def restore_post(request: Request) -> Response:
    who = visitor(request)
    db, form = portal_of(request).db, await read_form(request)
    post = post_or_404(db, request.path_params["post_id"])
    set_hidden(db, who.user, post, None, why=form.text("reason", REASON_LIMIT))  # a reason is optional here
    return redirect(post_url(post))


# --- flags --------------------------------------------------------------------------------------

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
    reason, note = form.text("reason"), form.text("note", NOTE_LIMIT)
    if reason not in FLAG_REASONS:
        raise HTTPException(400, "bad_form")
    if post.author_id == who.user.id:
        return _flag_message(request, post, "forum.flag_own", status_code=403)
    added = moderation_store.add_flag(db, post.id, who.user.id, reason, note)
    return _flag_message(request, post, "forum.flag_thanks" if added else "forum.flag_already")


def _flag_message(request: Request, post: store.Post, key: str, status_code: int = 200) -> Response:
    who = visitor(request)
    return render(request, "message.html", {"title": who.t("forum.flag"), "message": who.t(key),
                                            "link": post_url(post), "link_text": who.t("forum.back_to_topic")},
                  status_code=status_code)


def open_flags(db: Database, language_of: Visitor, now: float | None = None) -> list[dict]:
    """Open flags grouped by post, the post with the newest flag first; `old` marks flags over 48 hours."""
    now = time.time() if now is None else now
    rows = moderation_store.open_flag_rows(db)
    groups: dict[int, dict] = {}
    for post_id, reason, note, created_at, flagger, topic_id, number, body, hidden_at, author, title in rows:
        group = groups.setdefault(post_id, {
            "post_id": post_id, "topic_id": topic_id, "number": number, "title": title, "author": author,
            "excerpt": body[:300] + ("…" if len(body) > 300 else ""), "hidden": hidden_at is not None,
            "url": f"/forum/t/{topic_id}/?page={store.page_of(number)}#p{number}", "newest": created_at,
            "flags": [], "old": False})
        old = now - created_at > OLD_FLAG
        group["flags"].append({"reason": language_of.t("forum.flag_" + reason) if reason in FLAG_REASONS else reason,
                               "note": note, "who": flagger, "created_at": created_at, "old": old})
        group["oldest"] = created_at
        group["old"] = group["old"] or old
    return list(groups.values())


@moderators_only
async def flag_queue(request: Request) -> Response:
    who = visitor(request)
    return render(request, "forum/mod_flags.html", {"flags": open_flags(portal_of(request).db, who)})


@moderators_only
async def resolve_flags(request: Request) -> Response:
    who = visitor(request)
    db, form = portal_of(request).db, await read_form(request)
    post = post_or_404(db, request.path_params["post_id"])
    action, reason = form.text("action"), form.text("reason", REASON_LIMIT)
    if action not in ("dismiss", "hide"):
        raise HTTPException(400, "bad_form")
    with store.transaction(db):
        closed = moderation_store.resolve_flags(db, post.id, who.user)
        if action == "hide":
            hidden = _set_hidden(db, who.user, post, reason or who.t("forum.hidden_by_flags"), "flags_hide")
            if not hidden and closed:  # already hidden: the flags are closed all the same
                log_action(db, who.user, "flags_hide", f"post:{post.id}", reason)
        elif closed:
            log_action(db, who.user, "flags_dismiss", f"post:{post.id}", reason)
    return redirect("/forum/mod/flags")


# --- posting bans -------------------------------------------------------------------------------

SEARCH_MIN = 2  # characters of a name before the search runs (one letter matches half the club)
SEARCH_LIMIT = 20


def ban_page(request: Request, values: dict, errors: dict | None = None, status_code: int = 200,
             query: str = "") -> Response:
    db = portal_of(request).db
    person = None
    user_id = whole_number(str(values.get("user", "")))
    if user_id is not None:
        person = get_user(db, user_id)
    # Moderators find the member by name, e-mail or company (issue 18: not by a number they cannot know);
    # the list shows names and companies only, as the forum itself does.
    found = find_people(db, query, SEARCH_LIMIT) if len(query.strip()) >= SEARCH_MIN else None
    return render(request, "forum/mod_ban.html", {"values": values, "errors": errors or {}, "person": person,
                                                   "bans": moderation_store.active_bans(db), "days_range": BAN_DAYS,
                                                   "query": query, "found": found, "search_min": SEARCH_MIN},
                  status_code=status_code)


@moderators_only
async def ban_form(request: Request) -> Response:
    params = request.query_params
    user = params.get("user", "")[:20]
    query = " ".join(params.get("q", "").split())[:100]
    # The period and reason ride along through a search, so a moderator who picks another person loses nothing.
    values = {"user": user if whole_number(user) is not None else "", "days": params.get("days", "7")[:20],
              "reason": " ".join(params.get("reason", "").split())[:REASON_LIMIT]}
    return ban_page(request, values, query=query)


@moderators_only
async def ban(request: Request) -> Response:
    who = visitor(request)
    db, form = portal_of(request).db, await read_form(request)
    if form.text("action") == "unban":  # the older form posted both to one address
        return await _unban(request, who, form)
    values = {"user": form.text("user", 20), "days": form.text("days", 20), "reason": form.text("reason", REASON_LIMIT)}
    errors, target, days = _check_ban(db, who, values)
    if errors:
        return ban_page(request, values, errors, status_code=400)
    with store.transaction(db):
        moderation_store.save_ban(db, target.id, days, values["reason"], who.user)
        log_action(db, who.user, "ban", f"user:{target.id}", f"{days} d: {values['reason']}")
    return redirect(f"/forum/mod/ban?user={target.id}")


def _check_ban(db: Database, who: Visitor, values: dict) -> tuple[dict, User | None, int]:
    errors: dict[str, str] = {}
    user_id = whole_number(values["user"])
    target = get_user(db, user_id) if user_id is not None else None
    if target is None:
        errors["user"] = who.t("forum.ban_no_member")
    elif target.id == who.user.id:
        errors["user"] = who.t("forum.ban_self")
    elif not outranks(who.user, target):
        errors["user"] = who.t("forum.ban_rank")
    days = whole_number(values["days"], BAN_DAYS[1] + 1) or 0
    if not BAN_DAYS[0] <= days <= BAN_DAYS[1]:
        errors["days"] = who.t("forum.ban_days_range", min=BAN_DAYS[0], max=BAN_DAYS[1])
    if not values["reason"]:
        errors["reason"] = who.t("forum.ban_reason_needed")
    return errors, target, days


@moderators_only
async def unban(request: Request) -> Response:
    who = visitor(request)
    return await _unban(request, who, await read_form(request))


async def _unban(request: Request, who: Visitor, form: Form) -> Response:
    db = portal_of(request).db
    user_id = whole_number(form.text("user", 20))
    if user_id is None:
        raise HTTPException(400, "bad_form")
    with store.transaction(db):
        if moderation_store.lift_ban(db, user_id):
            log_action(db, who.user, "unban", f"user:{user_id}", form.text("reason", REASON_LIMIT))
    return redirect(f"/forum/mod/ban?user={user_id}")


# --- the log and the edit history ---------------------------------------------------------------

def log_entries(db: Database, limit: int = LOG_SIZE) -> list[dict]:
    """The latest actions, each with a link to what it was done to (when that still exists)."""
    entries = moderation_store.latest_actions(db, limit)
    ids: dict[str, set[int]] = {"topic": set(), "post": set(), "user": set()}
    for entry in entries:
        kind, _, number = entry["target"].partition(":")
        entry["kind"], entry["id"] = kind, whole_number(number)
        if kind in ids and entry["id"] is not None:
            ids[kind].add(entry["id"])
    targets = _targets(db, ids)
    for entry in entries:
        entry["url"], entry["label"] = targets.get((entry["kind"], entry["id"]), (None, entry["target"]))
    return entries


def _targets(db: Database, ids: dict[str, set[int]]) -> dict[tuple[str, int], tuple[str, str]]:
    rows, found = moderation_store.target_names(db, ids), {}
    for topic_id, title in rows["topic"]:
        found["topic", topic_id] = (f"/forum/t/{topic_id}/", title)
    for post_id, topic_id, number, title in rows["post"]:
        found["post", post_id] = (f"/forum/t/{topic_id}/?page={store.page_of(number)}#p{number}", f"{title} #{number}")
    for user_id, name in rows["user"]:
        found["user", user_id] = (f"/forum/mod/ban?user={user_id}", name)
    return found


@moderators_only
async def mod_log(request: Request) -> Response:
    return render(request, "forum/mod_log.html", {"entries": log_entries(portal_of(request).db)})


@moderators_only
async def history(request: Request) -> Response:
    db = portal_of(request).db
    post = post_or_404(db, request.path_params["post_id"])
    topic = store.get_topic(db, post.topic_id)
    return render(request, "forum/mod_history.html", {"post": post, "topic": topic, "url": post_url(post),
                                                       "revisions": store.revisions(db, post.id)})


ROUTES = [
    Route("/forum/t/{topic_id:id}/moderate", moderate_topic, methods=["POST"]),
    Route("/forum/p/{post_id:id}/hide", hide_form, methods=["GET"]),
    Route("/forum/p/{post_id:id}/hide", hide_post, methods=["POST"]),
    Route("/forum/p/{post_id:id}/restore", restore_post, methods=["POST"]),
    Route("/forum/p/{post_id:id}/flag", flag_post, methods=["POST"]),
    Route("/forum/p/{post_id:id}/history", history, methods=["GET"]),
    Route("/forum/mod/flags", flag_queue, methods=["GET"]),
    Route("/forum/mod/flags/{post_id:id}/resolve", resolve_flags, methods=["POST"]),
    Route("/forum/mod/ban", ban_form, methods=["GET"]),
    Route("/forum/mod/ban", ban, methods=["POST"]),
    Route("/forum/mod/unban", unban, methods=["POST"]),
    Route("/forum/mod/log", mod_log, methods=["GET"]),
]
