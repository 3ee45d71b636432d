"""Forum pages under /forum/: categories, topics, posting with preview, quoting, editing.

Non-members see the category list and the way in; everything inside needs member level (company
and phone), checked on every request.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.security import csrf_token
from portal.core.usertext import quote_markdown
from portal.forum import file_pages, likes, lists, solutions, store, watches
from portal.forum import files as forum_files
from portal.forum import moderation as forum_moderation
from portal.forum import render as forum_render
from portal.forum import search as forum_search
from portal.forum import watch as forum_watch
from portal.forum.access import members_only
from portal.forum.rules import (
    PAGE_SIZE,
    Category,
    ForumError,
    Topic,
    can_read_category,
    can_read_forum,
    check_can_post,
    check_rate,
    check_text,
    ensure_handle,
    is_moderator,
    may_change,
    posting_ban,
    render_post,
)
from portal.web.context import Visitor, portal_of, visitor
from portal.web.forms import read_form, whole_number
from portal.web.navigation import redirect
from portal.web.templating import render
from portal.web.uploads import UploadProblem, read_upload_form


def page_number(request: Request) -> int:
    number = whole_number(request.query_params.get("page", "1"))
    if number is None:
        raise HTTPException(400, "bad_form")
    return max(1, min(number, 100_000))




def category_or_404(request: Request, who: Visitor) -> Category:
    category = store.get_category(portal_of(request).db, slug=request.path_params["slug"])
    if category is None or not can_read_category(who.user, category):
        raise HTTPException(404)
    return category


def topic_or_404(request: Request, who: Visitor) -> tuple[Topic, Category]:
    db = portal_of(request).db
    topic = store.get_topic(db, request.path_params["topic_id"], who.user)
    category = store.get_category(db, category_id=topic.category_id) if topic else None
    if topic is None or category is None or not can_read_category(who.user, category):
        raise HTTPException(404)
    return topic, category


async def index(request: Request) -> Response:
    who = visitor(request)
    db = portal_of(request).db
    categories = [c for c in store.list_categories(db, who.user) if c.read_level == "members" or
                  (who.user and who.user.role)]
    return render(request, "forum/index.html", {"categories": categories, "member": can_read_forum(who.user)})


@members_only
async def category_page(request: Request) -> Response:
    who = visitor(request)
    category = category_or_404(request, who)
    portal = portal_of(request)
    page = min(page_number(request), lists.category_pages(category))
    watching = watches.is_watching(portal.db, who.user.id, "category", category.id)
    return render(request, "forum/category.html", {
        "category": category, "watching": watching,
        "list_html": lists.category_list(portal.db, category, page, who, portal.zone)})


@members_only
async def topic_page(request: Request) -> Response:
    who = visitor(request)
    db = portal_of(request).db
    topic, category = topic_or_404(request, who)
    if "unread" in request.query_params:
        number = store.first_unread(topic)
        return redirect(f"/forum/t/{topic.id}/?page={store.page_of(number)}#p{number}")
    page = min(page_number(request), topic.pages)
    posts = forum_render.page_posts(db, topic, page)
    if posts and (topic.last_read or 0) < posts[-1].number:  # write only when the mark moves
        store.mark_read(db, who.user, topic, posts[-1].number)
    moderator, can_reply = is_moderator(who.user), not topic.locked or is_moderator(who.user)
    csrf = csrf_token(request, portal_of(request).settings, who.session.id_hash if who.session else None)
    return render(request, "forum/topic.html", {
        "topic": topic, "category": category, "moderator": moderator, "can_reply": can_reply,
        "posts_html": forum_render.topic_posts(topic, posts, page, who, moderator=moderator, can_reply=can_reply,
                                               csrf=csrf, zone=portal_of(request).zone,
                                               liked=likes.on_posts(db, [p.id for p in posts], who.user.id),
                                               solution=solution_of(db, topic), asker=topic.author_id == who.user.id,
                                               files=forum_files.for_posts(db, [p.id for p in posts])),
        "categories": store.categories(db) if moderator else [],
        "watching": watches.is_watching(db, who.user.id, "topic", topic.id)})


def solution_of(db, topic: Topic) -> solutions.Solution | None:
    post_id = solutions.solution_post_id(db, topic.id)
    post = store.get_post(db, post_id) if post_id else None
    return solutions.shown(post, forum_search.plain_text(post.body) if post else "")


@members_only
async def new_since_last_visit(request: Request) -> Response:
    who = visitor(request)
    db = portal_of(request).db
    since = store.record_visit(db, who.user)
    readable = store.readable_category_ids(db, who.user)
    topics = store.recent_topics(db, who.user, since, readable)
    return render(request, "forum/new.html", {"topics": topics, "since": since})


@members_only
async def latest(request: Request) -> Response:
    who = visitor(request)
    portal = portal_of(request)
    readable = [c for c in store.categories(portal.db) if can_read_category(who.user, c)]
    page = min(page_number(request), lists.latest_pages(readable))
    return render(request, "forum/latest.html",
                  {"list_html": lists.latest_list(portal.db, readable, page, who, portal.zone)})


def composer(request: Request, template: str, values: dict, errors: dict | None = None, preview: str | None = None,
             status_code: int = 200, **context) -> Response:
    who = visitor(request)
    messages = {field: who.t(key, **vals) for field, (key, vals) in (errors or {}).items()}
    policy = forum_files.policy(portal_of(request).settings)
    return render(request, template, {"values": values, "errors": messages, "preview": preview,
                                      "files_accept": policy.accept, "max_files": policy.max_files,
                                      "max_file_mb": (policy.max_file or policy.max_total) // (1024 * 1024),
                                      **context}, status_code=status_code)


async def checked_files(request: Request, chosen: list, problems: dict) -> tuple[list, int]:
    """The chosen files made ready, or none with the problem named under `files` and its status (400 for the
    text's problems when the files are fine)."""
    try:
        return await forum_files.read(portal_of(request).settings, chosen), 400
    except UploadProblem as problem:
        problems["files"] = (problem.key, problem.values)
        return [], problem.status


@members_only
async def new_topic(request: Request) -> Response:
    who = visitor(request)
    category = category_or_404(request, who)
    db = portal_of(request).db
    try:
        check_can_post(db, who.user, category, zone=portal_of(request).zone)
    except ForumError as exc:
        return forum_refusal(request, exc)
    if request.method == "GET":
        return composer(request, "forum/new_topic.html", {"nonce": file_pages.new_nonce()}, category=category)
    form, chosen = await read_upload_form(request)
    try:
        return await post_topic(request, form, chosen, category)
    finally:
        await form.data.close()  # the spooled files go now


async def post_topic(request: Request, form, chosen: list, category: Category) -> Response:
    who, db = visitor(request), portal_of(request).db
    values = {"title": form.line("title", 1000), "body": form.text("body", 100_000),  # the body keeps its lines
              "nonce": file_pages.nonce_of(form)}
    problems = check_text(values["title"], values["body"])
    if problems or form.text("preview"):
        preview = render_post(db, values["body"]) if not problems.get("body") else None
        return composer(request, "forum/new_topic.html", values, problems, preview,
                        status_code=400 if problems else 200, category=category)
    prepared, status = await checked_files(request, chosen, problems)
    if problems:
        return composer(request, "forum/new_topic.html", values, problems, status_code=status, category=category)
    try:
        check_rate(db, who.user, "topic")
    except ForumError as exc:
        return composer(request, "forum/new_topic.html", values, {"_form": (exc.key, exc.values)},
                        status_code=429, category=category)
    ensure_handle(db, who.user)

    def make(stored: list) -> Response:
        topic, _post = store.create_topic(db, category, who.user, values["title"], values["body"], stored,
                                          values["nonce"])
        return redirect(f"/forum/t/{topic.id}/")
    return file_pages.create_once(request, prepared, make)


@members_only
async def reply(request: Request) -> Response:
    who = visitor(request)
    db = portal_of(request).db
    topic, category = topic_or_404(request, who)
    try:
        check_can_post(db, who.user, category, topic, zone=portal_of(request).zone)
    except ForumError as exc:
        return forum_refusal(request, exc)
    if request.method == "GET":
        return composer(request, "forum/reply.html", {"body": quoted(request, topic),
                                                      "nonce": file_pages.new_nonce()}, topic=topic)
    form, chosen = await read_upload_form(request)
    try:
        return await post_reply(request, form, chosen, topic)
    finally:
        await form.data.close()


async def post_reply(request: Request, form, chosen: list, topic: Topic) -> Response:
    who, db = visitor(request), portal_of(request).db
    values = {"body": form.text("body", 100_000), "nonce": file_pages.nonce_of(form)}
    problems = check_text(None, values["body"])
    if problems or form.text("preview"):
        preview = render_post(db, values["body"]) if not problems else None
        return composer(request, "forum/reply.html", values, problems, preview,
                        status_code=400 if problems else 200, topic=topic)
    prepared, status = await checked_files(request, chosen, problems)
    if problems:
        return composer(request, "forum/reply.html", values, problems, status_code=status, topic=topic)
    try:
        check_rate(db, who.user, "reply")
    except ForumError as exc:
        return composer(request, "forum/reply.html", values, {"_form": (exc.key, exc.values)}, status_code=429,
                        topic=topic)
    ensure_handle(db, who.user)

    def make(stored: list) -> Response:
        post = store.add_reply(db, topic, who.user, values["body"], stored, values["nonce"])
        response = redirect(f"/forum/t/{topic.id}/?page={store.page_of(post.number)}#p{post.number}")
        response.background = forum_watch.notify_reply(portal_of(request), topic, post)
        return response
    return file_pages.create_once(request, prepared, make)


def quoted(request: Request, topic: Topic) -> str:
    """`?quote=N`: the reply starts with post N quoted (the member trims it to the part they answer)."""
    number = whole_number(request.query_params.get("quote", "0"))
    if number is None:
        return ""
    db = portal_of(request).db
    post = store.visible_post_by_number(db, topic.id, number)
    if post is None:
        return ""
    url = f"/forum/t/{topic.id}/?page={store.page_of(number)}#p{number}"
    return quote_markdown(post.author_name or "—", url, post.body) + "\n\n"


@members_only
async def edit(request: Request) -> Response:
    who = visitor(request)
    db = portal_of(request).db
    post = store.get_post(db, request.path_params["post_id"])
    if post is None:
        raise HTTPException(404)
    request.path_params["topic_id"] = post.topic_id
    topic, _category = topic_or_404(request, who)
    if not may_change(who.user, post):
        raise HTTPException(403, "forum_not_yours")
    if not is_moderator(who.user) and posting_ban(db, who.user) is not None:
        raise HTTPException(403, "forum_banned")  # a ban stops edits too: an edit is a new text
    if request.method == "GET":
        return composer(request, "forum/edit.html", {"body": post.body}, post=post, topic=topic)
    form = await read_form(request)
    values = {"body": form.text("body", 100_000)}
    problems = check_text(None, values["body"])
    if problems or form.text("preview"):
        kept = forum_files.embeds(forum_files.of_post(db, post.id))
        preview = render_post(db, values["body"], kept) if not problems else None
        return composer(request, "forum/edit.html", values, problems, preview, status_code=400 if problems else 200,
                        post=post, topic=topic)
    store.edit_post(db, post, who.user, values["body"])
    return redirect(f"/forum/t/{topic.id}/?page={store.page_of(post.number)}#p{post.number}")


@members_only
async def delete(request: Request) -> Response:
    who = visitor(request)
    db = portal_of(request).db
    post = store.get_post(db, request.path_params["post_id"])
    await read_form(request)
    if post is None or not post.visible:
        raise HTTPException(404)
    request.path_params["topic_id"] = post.topic_id
    topic_or_404(request, who)  # a post the reader cannot see answers 404, like reading it
    if not may_change(who.user, post) or (post.number == 1 and not is_moderator(who.user)
                                          and store.has_replies(db, post.topic_id)):
        raise HTTPException(403, "forum_not_yours")
    store.delete_post(db, post)
    return redirect(f"/forum/t/{post.topic_id}/?page={store.page_of(post.number)}#p{post.number}")


@members_only
async def search(request: Request) -> Response:
    who = visitor(request)
    db = portal_of(request).db
    query = request.query_params.get("q", "")[:200]
    page = page_number(request)
    found = forum_search.Found()
    if query.strip():  # off the event loop, with a time budget: a broad query cannot stall other pages
        found = await forum_search.find_off_loop(db, query, readable_category_ids=store.readable_category_ids(
            db, who.user), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(request, "forum/search.html", {"q": query, "found": found, "page": page,
                                                 "pages": max(1, -(-found.total // PAGE_SIZE)),
                                                 "page_of": store.page_of})


@members_only
async def member_page(request: Request) -> Response:
    db = portal_of(request).db
    person = store.member_profile(db, request.path_params["handle"])
    if person is None:
        raise HTTPException(404)
    return render(request, "forum/member.html", {"person": person, "handle": request.path_params["handle"]})


@members_only
async def flag_page(request: Request) -> Response:
    """The flag form on a page of its own: a topic page then carries one link per post, not a form."""
    who = visitor(request)
    post = store.get_post(portal_of(request).db, request.path_params["post_id"])
    if post is None or not post.visible:
        raise HTTPException(404)
    request.path_params["topic_id"] = post.topic_id
    topic, _category = topic_or_404(request, who)
    return render(request, "forum/flag.html", {"post": post, "topic": topic,
                                               "flag_reasons": forum_moderation.FLAG_REASONS})


def forum_refusal(request: Request, exc: ForumError) -> Response:
    who = visitor(request)
    return render(request, "message.html", {"title": who.t("forum.title"), "message": who.t(exc.key, **exc.values),
                                            "link": "/forum/", "link_text": who.t("forum.title")}, status_code=403)


ROUTES = [
    Route("/forum/", index, methods=["GET"]),
    Route("/forum/new", new_since_last_visit, methods=["GET"]),
    Route("/forum/latest", latest, methods=["GET"]),
    Route("/forum/search", search, methods=["GET"]),
    Route("/forum/c/{slug:str}/", category_page, methods=["GET"]),
    Route("/forum/c/{slug:str}/new", new_topic, methods=["GET", "POST"]),
    Route("/forum/t/{topic_id:id}/", topic_page, methods=["GET"]),
    Route("/forum/t/{topic_id:id}/reply", reply, methods=["GET", "POST"]),
    Route("/forum/p/{post_id:id}/edit", edit, methods=["GET", "POST"]),
    Route("/forum/p/{post_id:id}/delete", delete, methods=["POST"]),
    Route("/forum/u/{handle:str}", member_page, methods=["GET"]),
    Route("/forum/p/{post_id:id}/flag", flag_page, methods=["GET"]),
]
