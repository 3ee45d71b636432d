"""Account e-mails: links built from CLUB_BASE_URL and sent after the response has gone out.

Sending after the response keeps the answer's timing the same whether or not a message is sent
(no account enumeration through response time) and keeps a slow mail server from slowing pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlencode

from starlette.background import BackgroundTask

from portal.core.identity import User
from portal.core.mail import Mail, MailError, recipient, render_mail
from portal.core.oneline import one_line
from portal.web.context import Portal

log = logging.getLogger("portal.core.mail")



def account_link(portal: Portal, path: str, **query: str) -> str:
    return f"{portal.settings.base_url}{path}?{urlencode(query)}"



def personal_mail(portal: Portal, name: str, user: User, **values: object) -> Mail:
    """Render mail `name` to `user` in their language; every message knows the club and the person."""
    # one_line: a name stored before names were cleaned on input must not break the greeting line either.
    context = {"to": recipient(user.name, user.email), "site_name": portal.site_name, "name": one_line(user.name),
               **values}
    return render_mail(name, user.language, context, portal.settings)



def send_later(portal: Portal, mail: Mail) -> BackgroundTask:
    return BackgroundTask(deliver, portal, mail)


def send_all_later(portal: Portal, mails: list[Mail]) -> BackgroundTask:
    """Several letters after the response, each on its own (one that fails does not stop the others)."""
    return BackgroundTask(deliver_all, portal, mails)


async def deliver_all(portal: Portal, mails: list[Mail]) -> int:
    """Send each letter in turn; how many went (one that fails is logged and does not stop the others)."""
    sent = 0
    for mail in mails:
        sent += await deliver(portal, mail)
    return sent



async def deliver(portal: Portal, mail: Mail) -> bool:
    return await build_and_send(portal, mail.to.addr_spec, lambda: mail)



async def build_and_send(portal: Portal, to: str, build: Callable[[], Mail]) -> bool:
    """Build one message and send it; False, logged with the recipient `to`, when either step fails.

    Never raises: the callers are loops over recipients, where one failed message must not stop the
    others, and tasks that run after the response, where an exception helps nobody (the page has gone
    out; the person can ask again and the operator finds the reason in the log).
    """
    try:
        await portal.mailer.send(build())
    except MailError as exc:  # the relay refused or could not be reached: no traceback needed
        log.error("could not send mail to %s: %s", to, exc)
        return False
    except Exception:  # a message that cannot be built (a header, a template): this recipient's only
        log.exception("could not build mail to %s", to)
        return False
    return True
