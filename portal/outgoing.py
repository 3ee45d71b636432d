"""Account e-mails: links built from CLUB_BASE_URL and sent after the response has gone out.

Sending after the response keeps the answer's timing the same whether or not a message is sent
(no account enumeration through response time) and keeps a slow mail server from slowing pages.
"""

from __future__ import annotations

import logging
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


async def deliver(portal: Portal, mail: Mail) -> None:
    try:
        await portal.mailer.send(mail)
    except MailError as exc:  # the person can ask again; the operator sees why in the log
        log.error("could not send %r to %s: %s", mail.subject, mail.to, exc)
