"""POST /forum/t/{id}/solution: the topic's asker (or a moderator) marks the reply that solved it, or clears it."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.forum import solutions, store
from portal.forum.access import members_only
from portal.forum.moderation_store import log_action
from portal.forum.pages import topic_or_404
from portal.forum.rules import is_moderator
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form, whole_number
from portal.web.navigation import redirect


@members_only
async def solution(request: Request) -> Response:
    who = visitor(request)
    db = portal_of(request).db
    form = await read_form(request)
    topic, _category = topic_or_404(request, who)
    moderator = is_moderator(who.user)
    if topic.author_id != who.user.id and not moderator:
        raise HTTPException(403, "forum_solution_not_yours")  # only the asker knows what answered them
    if form.text("action") == "clear":
        solutions.clear(db, topic.id)
        return redirect(f"/forum/t/{topic.id}/")
    number = whole_number(form.text("number", 12))
    post = store.visible_post_by_number(db, topic.id, number) if number and number > 1 else None
    if post is None:
        raise HTTPException(404)  # the question itself, a gone reply or another topic's number
    with store.transaction(db):
        solutions.mark(db, topic.id, post, who.user.id)
        if moderator and topic.author_id != who.user.id:
            log_action(db, who.user, "solution", f"post:{post.id}")
    return redirect(f"/forum/t/{topic.id}/?page={store.page_of(post.number)}#p{post.number}")


ROUTES = [Route("/forum/t/{topic_id:id}/solution", solution, methods=["POST"])]
