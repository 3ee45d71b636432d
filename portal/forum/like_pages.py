"""POST /forum/p/{id}/like: a member likes (or takes back a like on) another member's post."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.forum import likes, store
from portal.forum.access import members_only
from portal.forum.pages import topic_or_404
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form
from portal.web.navigation import redirect


@members_only
async def like(request: Request) -> Response:
    who = visitor(request)
    db = portal_of(request).db
    form = await read_form(request)
    post = store.get_post(db, request.path_params["post_id"])
    if post is None or not post.visible:
        raise HTTPException(404)
    request.path_params["topic_id"] = post.topic_id
    topic_or_404(request, who)  # a post the reader cannot read answers 404, as reading it would
    if post.author_id == who.user.id:
        raise HTTPException(403, "forum_like_own")
    if form.text("action") == "unlike":
        likes.unlike(db, post.id, who.user.id)
    else:
        likes.like(db, post.id, who.user.id)
    return redirect(f"/forum/t/{post.topic_id}/?page={store.page_of(post.number)}#p{post.number}")


ROUTES = [Route("/forum/p/{post_id:id}/like", like, methods=["POST"])]
