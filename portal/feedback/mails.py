"""Feedback letters: to the partner on each staff reply, to the owner when the partner answers.

Both go through the one mail path (web/letters: personal_mail, then delivery after the response), so a
slow relay never slows the page and a failure is logged, not shown. The letter carries a link to the
request in the cabinet, where the reply form is; the reply text itself is only an excerpt.
"""

from __future__ import annotations

import functools
import logging

from starlette.background import BackgroundTask

from portal.core.identity import User, get_user
from portal.core.mail import Mail
from portal.core.oneline import one_line
from portal.core.usertext import plain_text
from portal.feedback.model import Request
from portal.web.context import Portal
from portal.web.letters import build_and_send, personal_mail

log = logging.getLogger("portal.feedback")
EXCERPT = 500


def reply_mail(portal: Portal, request: Request, user: User, body: str) -> Mail:
    return personal_mail(portal, "feedback_reply", user, number=request.id, subject=one_line(request.subject),
                         excerpt=plain_text(body, EXCERPT),
                         link=f"{portal.settings.base_url}/account/requests/{request.id}")


def owner_mail(portal: Portal, request: Request, owner: User, partner: User, body: str) -> Mail:
    return personal_mail(portal, "feedback_partner_reply", owner, number=request.id,
                         subject=one_line(request.subject), author=one_line(partner.name) or "—",
                         excerpt=plain_text(body, EXCERPT),
                         link=f"{portal.settings.base_url}/staff/feedback/{request.id}")


def notify_author(portal: Portal, request: Request, body: str) -> BackgroundTask:
    """After a staff reply: the author is told, in their language."""
    return BackgroundTask(_send_to, portal, request.author_id, functools.partial(reply_mail, portal, request),
                          body)


def notify_owner(portal: Portal, request: Request, partner: User, body: str) -> BackgroundTask:
    """After the partner's reply: the request's owner (if it has one) is told."""
    def build(owner: User, text: str) -> Mail:
        return owner_mail(portal, request, owner, partner, text)

    return BackgroundTask(_send_to, portal, request.owner_id, build, body)


async def _send_to(portal: Portal, user_id: int | None, build, body: str) -> None:
    try:
        user = get_user(portal.db, user_id) if user_id is not None else None
    except Exception:  # the reply is saved; a locked database costs this letter, not the page
        log.exception("could not find the recipient of a feedback letter")
        return
    if user is not None:
        await build_and_send(portal, user.email, lambda: build(user, body))
