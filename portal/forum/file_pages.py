"""Posts with files: the composer's form with its files and one-time value, making the post once with its files
(nothing half-written), and sending a file back only to those who may read its post.

Sending (ASVS 5.0 5.4.1-5.4.3, 8.2.2): the URL's key is random, but access is still checked on every request
by the forum's own rules: a member who may read the topic's category, and the post not deleted or hidden (a
moderator sees hidden ones). Anyone else gets 404, the same as for a key that does not exist. Pictures are
shown inline, documents downloaded (Content-Disposition attachment with the RFC 6266 filename*), always with
nosniff and no-store; behind nginx (CLUB_FILES_ACCEL) nginx sends the bytes.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.forum import files as forum_files
from portal.forum import store
from portal.forum.access import members_only
from portal.forum.rules import can_read_category, is_moderator
from portal.web.context import portal_of, visitor
from portal.web.forms import Form
from portal.web.navigation import redirect
from portal.web.uploads import response

NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEY = re.compile(r"[0-9a-f]{24}")


def new_nonce() -> str:
    """The composer's one-time value: the same form sent twice makes one post."""
    return secrets.token_urlsafe(16)


def nonce_of(form: Form) -> str | None:
    """The form's one-time value; None when the form has none (an older page), a 400 when it is malformed."""
    nonce = form.text("nonce", 100)
    if nonce and not NONCE.fullmatch(nonce):
        raise HTTPException(400, "bad_form")
    return nonce or None


def create_once(request: Request, prepared: list[forum_files.Prepared],
                make: Callable[[list[forum_files.Stored]], Response]) -> Response:
    """Files on disk first, then the post and their rows in one transaction (`make`); if no post is made the
    files go again. A resent form (Duplicate) leads to the post it made the first time."""
    portal = portal_of(request)
    stored = forum_files.write(portal.settings, prepared)
    try:
        return make(stored)
    except store.Duplicate as duplicate:
        forum_files.discard(portal.settings, stored)
        post = store.get_post(portal.db, duplicate.post_id)
        if post is None or duplicate.author_id != visitor(request).user.id:
            raise HTTPException(400, "bad_form") from None
        return redirect(f"/forum/t/{post.topic_id}/?page={store.page_of(post.number)}#p{post.number}")
    except BaseException:  # no post (a busy database, a full disk): no files either
        forum_files.discard(portal.settings, stored)
        raise


@members_only
async def download(request: Request) -> Response:
    """A post's file (or a picture's thumbnail) to a reader of its topic; 404 to everyone else."""
    who, portal = visitor(request), portal_of(request)
    key = request.path_params["key"]
    found = forum_files.by_key(portal.db, key) if KEY.fullmatch(key) else None
    post = store.get_post(portal.db, found.post_id) if found else None
    topic = store.get_topic(portal.db, post.topic_id) if post else None
    category = store.get_category(portal.db, category_id=topic.category_id) if topic else None
    if (found is None or post is None or category is None or not can_read_category(who.user, category)
            or not (post.visible or is_moderator(who.user))):
        raise HTTPException(404)
    thumb = request.url.path.endswith("/thumb")
    stored = found.thumb_name if thumb else found.stored_name
    if stored is None:
        raise HTTPException(404)
    behind_nginx = getattr(request.app.state, "dev", None) is None  # `club serve` has no nginx in front
    return response(portal.settings, forum_files.POLICY, stored, found.filename, found.content_type,
                    accel=behind_nginx)


ROUTES = [
    Route("/forum/files/{key:str}", download, methods=["GET"]),
    Route("/forum/files/{key:str}/thumb", download, methods=["GET"]),
]
