"""Joining and signing in: /account/register, /confirm, /login, /logout.

No account enumeration (ASVS 5.0 6.3.8): registering a known address, or signing in with an
unknown one, gives the same page after the same argon2 work as the other case; the owner of a
known address learns about the attempt by e-mail instead.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.accounts import store as account_store
from portal.accounts.mails import already_registered_mail, confirm_mail
from portal.core import identity, passwords, throttle
from portal.core.security import safe_next
from portal.core.sessions import end_session, start_session
from portal.core.tokens import TokenError, read_token, use_token
from portal.web.context import forget_visitor, portal_of, visitor
from portal.web.forms import Form, read_form
from portal.web.letters import send_later
from portal.web.navigation import redirect
from portal.web.templating import render


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def register_page(request: Request) -> Response:
    next_path = safe_next(request.query_params.get("next"))
    if visitor(request).user:
        return redirect(next_path)
    return render(request, "register.html", {"next": next_path})


def registration_errors(form: Form, t) -> tuple[dict, dict]:
    values = {"name": form.line("name", 1000), "email": form.text("email", 1000), "consent": form.checked("consent"),
              "newsletters": form.checked("newsletters")}
    errors = {}
    if not values["name"]:
        errors["name"] = t("error.name_required")
    elif len(values["name"]) > 200:
        errors["name"] = t("error.name_too_long")
    if identity.normalise_email(values["email"]) is None:
        errors["email"] = t("error.email_invalid")
    problem = passwords.password_problem(form.password())
    if problem:
        errors["password"] = t(problem)
    if not values["consent"]:
        errors["consent"] = t("error.consent_required")
    return values, errors


async def register(request: Request) -> Response:
    portal, form = portal_of(request), await read_form(request)
    who = visitor(request)
    next_path = safe_next(form.text("next"))
    values, errors = registration_errors(form, who.t)
    if errors:
        return render(request, "register.html", {"values": values, "errors": errors, "next": next_path},
                      status_code=400)
    wait = throttle.take_attempt(portal.db, [f"register:{client_address(request)}"])
    if wait:  # ASVS 5.0 2.4.1: each registration costs an argon2 hash and may send a letter
        errors = {"_form": who.t("error.throttled", seconds=wait)}
        return render(request, "register.html", {"values": values, "errors": errors, "next": next_path},
                      status_code=429, headers={"Retry-After": str(wait)})
    email = identity.normalise_email(values["email"])
    password_hash = await passwords.hash_password_async(form.password())  # same work either way
    existing = identity.find_user_by_email(portal.db, email)
    if existing is None:
        user = identity.create_user(portal.db, name=values["name"], email=email, password_hash=password_hash,
                                    language=who.language, consent=True)
        if values["newsletters"]:  # opt-in only (38-FZ art. 18: advertising mail needs prior consent)
            account_store.set_subscriptions(portal.db, user.id, set(account_store.NEWSLETTER_LISTS))
        mail = confirm_mail(portal, user, next_path)
    elif not existing.confirmed:  # someone else may have registered it first: this password waits for the link
        identity.set_pending_password(portal.db, existing.id, password_hash)
        mail = confirm_mail(portal, existing, next_path, password_hash)
    else:
        mail = already_registered_mail(portal, existing)
    response = render(request, "message.html", {"title": who.t("register.check_mail_title"),
                                                "message": who.t("register.check_mail", email=email)})
    # The same page either way (ASVS 5.0 6.3.8); an address gets a few letters an hour, however
    # often someone registers it (no mail bombing through the form).
    if throttle.take_attempt(portal.db, [f"register_mail:{email}"]) == 0:
        response.background = send_later(portal, mail)
    return response


async def confirm_page(request: Request) -> Response:
    portal, who = portal_of(request), visitor(request)
    token = request.query_params.get("token", "")
    try:
        claims = read_token(portal.settings.secret_key, token, "confirm")
    except TokenError:
        return token_problem(request, "token.invalid")
    user = identity.get_user(portal.db, claims.user_id)
    if user is None:
        return token_problem(request, "token.invalid")
    return render(request, "confirm.html", {
        "title": who.t("confirm.title"), "lead": who.t("confirm.lead", email=user.email), "token": token,
        "next": safe_next(request.query_params.get("next")), "action": "/account/confirm",
        "submit": who.t("confirm.submit")})


async def confirm(request: Request) -> Response:
    portal, form = portal_of(request), await read_form(request)
    try:
        claims = use_token(portal.db, portal.settings.secret_key, form.text("token"), "confirm")
    except TokenError as exc:
        return token_problem(request, "token.used" if str(exc) == "used" else "token.invalid")
    user = identity.get_user(portal.db, claims.user_id)
    if user is None:
        return token_problem(request, "token.invalid")
    if not identity.confirm_registration(portal.db, user.id, claims.stamp):
        return token_problem(request, "token.replaced")
    # Pressing the button in the letter's page proves the mailbox, as a password would: the person is signed in
    # on this browser (issue 18; Ghost's magic links do the same). The token stays single-use and expiring.
    next_path = safe_next(form.text("next"))
    confirmed = identity.get_user(portal.db, user.id)
    if confirmed is None:
        return token_problem(request, "token.invalid")
    return sign_in(request, confirmed, next_path if next_path != "/account/" else "/account/?notice=confirmed")


def token_problem(request: Request, key: str) -> Response:
    who = visitor(request)
    return render(request, "message.html", {"title": who.t("confirm.title"), "message": who.t(key),
                                            "link": "/account/login", "link_text": who.t("nav.login")},
                  status_code=400)


async def login_page(request: Request) -> Response:
    who = visitor(request)
    next_path = safe_next(request.query_params.get("next"))
    if who.user:
        return redirect(next_path)
    values = {"email": request.query_params.get("email", "")[:254]}
    return render(request, "login.html", {"next": next_path, "values": values})


async def login(request: Request) -> Response:
    portal, form = portal_of(request), await read_form(request)
    who = visitor(request)
    next_path = safe_next(form.text("next"))
    email = identity.normalise_email(form.text("email", 1000)) or form.text("email", 1000).lower()
    context = {"next": next_path, "values": {"email": form.text("email", 1000)}}
    keys = throttle.throttle_keys(email, client_address(request))
    wait = throttle.take_attempt(portal.db, keys)  # counted before verifying: parallel guesses queue up
    if wait:  # ASVS 5.0 6.3.1: slow down guessing, never lock out for good
        return render(request, "login.html", {**context, "errors": {"_form": who.t("error.throttled", seconds=wait)}},
                      status_code=429, headers={"Retry-After": str(wait)})
    user = identity.find_user_by_email(portal.db, email)
    ok = await passwords.verify_password_async(user.password_hash if user else None, form.password())
    if not ok or user is None:
        return render(request, "login.html", {**context, "errors": {"_form": who.t("error.login_failed")}},
                      status_code=400)
    throttle.attempt_succeeded(portal.db, keys)
    if not user.confirmed:
        response = render(request, "login.html", {**context, "errors": {"_form": who.t("error.not_confirmed")}},
                          status_code=400)
        response.background = send_later(portal, confirm_mail(portal, user, next_path))
        return response
    if passwords.needs_rehash(user.password_hash or ""):
        new_hash = await passwords.hash_password_async(form.password())
        identity.set_password_hash(portal.db, user.id, new_hash)
    return sign_in(request, user, next_path)


def sign_in(request: Request, user: identity.User, next_path: str) -> Response:
    """A new session for the user (the old id, if any, stops working) and the way on."""
    portal = portal_of(request)
    response = redirect(next_path)
    start_session(portal.db, portal.settings, request, response, user.id, previous=visitor(request).session)
    forget_visitor(request)
    return response


async def logout_page(request: Request) -> Response:
    if not visitor(request).user:
        return redirect("/")
    return render(request, "logout.html")


async def logout(request: Request) -> Response:
    portal = portal_of(request)
    await read_form(request)
    response = redirect("/")
    end_session(portal.db, portal.settings, response, visitor(request).session)
    forget_visitor(request)
    return response


ROUTES = [
    Route("/account/register", register_page, methods=["GET"]),
    Route("/account/register", register, methods=["POST"]),
    Route("/account/confirm", confirm_page, methods=["GET"]),
    Route("/account/confirm", confirm, methods=["POST"]),
    Route("/account/login", login_page, methods=["GET"]),
    Route("/account/login", login, methods=["POST"]),
    Route("/account/logout", logout_page, methods=["GET"]),
    Route("/account/logout", logout, methods=["POST"]),
]
