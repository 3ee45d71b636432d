"""Forgotten passwords: /account/password/reset and the page its e-mail link opens.

Same answer for known and unknown addresses (ASVS 5.0 6.3.8); a link works once, for two hours,
and only while the password it was issued for is unchanged; a new password ends every other
session (ASVS 5.0 7.4.3).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.accounts.mails import password_changed_mail, reset_mail
from portal.accounts.pages import client_address, sign_in, token_problem
from portal.core import identity, passwords, throttle
from portal.core.sessions import revoke_sessions
from portal.core.tokens import TokenError, password_stamp, read_token, use_token
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form
from portal.web.letters import send_later
from portal.web.templating import render


async def reset_request_page(request: Request) -> Response:
    return render(request, "reset_request.html")


async def reset_request(request: Request) -> Response:
    portal, form, who = portal_of(request), await read_form(request), visitor(request)
    email = identity.normalise_email(form.text("email", 1000))
    if email is None:
        return render(request, "reset_request.html", {"values": {"email": form.text("email", 1000)},
                                                      "errors": {"email": who.t("error.email_invalid")}},
                      status_code=400)
    # Mail bombing guard: reset requests count against the same per-address budget as sign-ins.
    keys = [f"reset:{email}", f"address:{client_address(request)}"]
    user = identity.find_user_by_email(portal.db, email)
    response = render(request, "message.html", {"title": who.t("reset.title"),
                                                "message": who.t("reset.sent", email=email)})
    if user is not None and throttle.take_attempt(portal.db, keys[:1]) == 0:
        response.background = send_later(portal, reset_mail(portal, user))
    return response


def reset_form(request: Request, token: str, email: str, errors: dict | None = None, status_code: int = 200):
    who = visitor(request)
    return render(request, "confirm.html", {
        "title": who.t("reset.new_title"), "lead": "", "token": token, "next": "/account/", "email": email,
        "action": "/account/password/reset/confirm", "submit": who.t("reset.new_submit"), "ask_password": True,
        "errors": errors or {}}, status_code=status_code)


def user_for_token(request: Request, token: str) -> identity.User | None:
    portal = portal_of(request)
    try:
        claims = read_token(portal.settings.secret_key, token, "reset")
    except TokenError:
        return None
    user = identity.get_user(portal.db, claims.user_id)
    if user is None or claims.stamp != password_stamp(user.password_hash):
        return None  # the password changed since the link was sent
    return user


async def reset_confirm_page(request: Request) -> Response:
    token = request.query_params.get("token", "")
    user = user_for_token(request, token)
    if user is None:
        return token_problem(request, "token.invalid")
    return reset_form(request, token, user.email)


async def reset_confirm(request: Request) -> Response:
    portal, form, who = portal_of(request), await read_form(request), visitor(request)
    token = form.text("token")
    user = user_for_token(request, token)
    if user is None:
        return token_problem(request, "token.invalid")
    problem = passwords.password_problem(form.password())
    if problem:  # the token is not used up by a too-short password
        return reset_form(request, token, user.email, {"password": who.t(problem)}, status_code=400)
    try:
        use_token(portal.db, portal.settings.secret_key, token, "reset")
    except TokenError:
        return token_problem(request, "token.used")
    new_hash = await passwords.hash_password_async(form.password())
    identity.set_password_hash(portal.db, user.id, new_hash)
    identity.confirm_email(portal.db, user.id)  # the link proved the mailbox is theirs
    revoke_sessions(portal.db, user.id)
    throttle.clear_failures(portal.db, f"account:{user.email}")
    response = sign_in(request, user, "/account/?notice=password_changed")
    response.background = send_later(portal, password_changed_mail(portal, user))
    return response


ROUTES = [
    Route("/account/password/reset", reset_request_page, methods=["GET"]),
    Route("/account/password/reset", reset_request, methods=["POST"]),
    Route("/account/password/reset/confirm", reset_confirm_page, methods=["GET"]),
    Route("/account/password/reset/confirm", reset_confirm, methods=["POST"]),
]
