"""The account e-mails: confirm the address, reset the password, already registered, password changed."""

from __future__ import annotations

from portal.core.identity import User
from portal.core.mail import Mail
from portal.core.tokens import LIFETIMES, issue_token, password_stamp
from portal.web.context import Portal
from portal.web.letters import account_link, personal_mail


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
