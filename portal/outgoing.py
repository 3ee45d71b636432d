"""Account e-mails: links built from CLUB_BASE_URL and sent after the response has gone out.

Sending after the response keeps the answer's timing the same whether or not a message is sent
(no account enumeration through response time) and keeps a slow mail server from slowing pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlencode

from starlette.background import BackgroundTask

from .accounts import User
from .context import Portal
from .mail import Mail, MailError, recipient, render_mail
from .oneline import one_line
from .tokens import LIFETIMES, issue_token, password_stamp

log = logging.getLogger("portal.mail")


def account_link(portal: Portal, path: str, **query: str) -> str:
    return f"{portal.settings.base_url}{path}?{urlencode(query)}"


def personal_mail(portal: Portal, name: str, user: User, **values: object) -> Mail:
    """Render mail `name` to `user` in their language; every message knows the club and the person."""
    # one_line: a name stored before names were cleaned on input must not break the greeting line either.
    context = {"to": recipient(user.name, user.email), "site_name": portal.site_name, "name": one_line(user.name),
               **values}
    return render_mail(name, user.language, context, portal.settings)


def confirm_mail(portal: Portal, user: User, next_path: str, password_hash: str | None = None) -> Mail:
    """`password_hash`: a registration's password that waits for this link (accounts.confirm_registration)."""
    stamp = password_stamp(password_hash) if password_hash else ""
    token = issue_token(portal.settings.secret_key, "confirm", user.id, stamp)
    return personal_mail(portal, "confirm", user, expires_hours=LIFETIMES["confirm"] // 3600,
                         link=account_link(portal, "/account/confirm", token=token, next=next_path))


def reset_mail(portal: Portal, user: User) -> Mail:
    token = issue_token(portal.settings.secret_key, "reset", user.id, password_stamp(user.password_hash))
    return personal_mail(portal, "reset", user, expires_hours=LIFETIMES["reset"] // 3600,
                         link=account_link(portal, "/account/password/reset/confirm", token=token))


def already_registered_mail(portal: Portal, user: User) -> Mail:
    base = portal.settings.base_url
    return personal_mail(portal, "already_registered", user, login_link=f"{base}/account/login",
                         reset_link=f"{base}/account/password/reset")


def password_changed_mail(portal: Portal, user: User) -> Mail:
    return personal_mail(portal, "password_changed", user,
                         reset_link=f"{portal.settings.base_url}/account/password/reset")


def send_later(portal: Portal, mail: Mail) -> BackgroundTask:
    return BackgroundTask(deliver, portal, mail)


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
