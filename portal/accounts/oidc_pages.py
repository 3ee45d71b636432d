"""Sign-in with the club's external identity provider: /account/oidc/start and /callback.

The external account is found by (issuer, subject), never by e-mail alone (OIDC Core 5.7): a
provider could hand out any address. A new person gets a new club account (the address counts
as confirmed only if the provider says it verified it); an existing club account is linked only
while its owner is signed in and starts the flow from the cabinet.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.accounts import store as account_store
from portal.accounts.oidc import ExternalIdentity, OIDCClient, OIDCError
from portal.accounts.pages import sign_in
from portal.core import identity
from portal.core.security import safe_next
from portal.web.context import Portal, portal_of, visitor
from portal.web.navigation import redirect
from portal.web.templating import render

log = logging.getLogger("portal.accounts.oidc")


def start_client(portal: Portal) -> None:
    """The accounts capability's start: the external sign-in client, when CLUB_OIDC_* configure one."""
    portal.oidc = make_client(portal)


def make_client(portal: Portal) -> OIDCClient | None:
    if portal.settings.oidc is None:
        return None
    return OIDCClient(portal.settings.oidc, account_store.SQLiteStateStore(portal.db))


async def start(request: Request) -> Response:
    portal = portal_of(request)
    if portal.oidc is None:
        raise HTTPException(404)
    next_path = safe_next(request.query_params.get("next"))
    return await portal.oidc.begin(request, portal.settings.base_url + "/account/oidc/callback", next_path)


async def callback(request: Request) -> Response:
    portal = portal_of(request)
    if portal.oidc is None:
        raise HTTPException(404)
    try:
        external, next_path = await portal.oidc.finish(request)
    except OIDCError as exc:
        log.info("external sign-in failed: %s", exc)
        response = sign_in_problem(request, exc.key, 400)
        return portal.oidc.clear_cookie(response)
    return portal.oidc.clear_cookie(finish_sign_in(request, external, next_path))


def sign_in_problem(request: Request, key: str, status_code: int) -> Response:
    who = visitor(request)
    return render(request, "message.html", {"title": who.t("login.title"), "message": who.t(key),
                                            "link": "/account/login", "link_text": who.t("nav.login")},
                  status_code=status_code)


def finish_sign_in(request: Request, external: ExternalIdentity, next_path: str) -> Response:
    portal, who = portal_of(request), visitor(request)
    user = account_store.find_user_by_identity(portal.db, external.issuer, external.subject)
    if user is None and who.user is not None:  # linking from the cabinet: the owner is signed in
        account_store.link_identity(portal.db, who.user.id, external.issuer, external.subject, external.email)
        return redirect("/account/?notice=saved")
    if user is None:
        user = create_external_user(portal, external, who.language)
        if user is None:
            return sign_in_problem(request, "oidc.email_taken", 409)
    return sign_in(request, user, next_path)


def create_external_user(portal: Portal, external: ExternalIdentity, language: str) -> identity.User | None:
    """A club account for a new external identity; None if its address already has an account."""
    email = identity.normalise_email(external.email or "")
    if email is None or not external.email_verified:
        email = f"{external.subject}@external.invalid"  # placeholder until the member gives a real one
    if identity.find_user_by_email(portal.db, email):
        return None  # never take over an account by e-mail (sign in with the password, then link)
    user = identity.create_user(portal.db, name=external.name or email.split("@")[0], email=email,
                                password_hash=None, language=language, consent=True,
                                confirmed=external.email_verified)
    account_store.link_identity(portal.db, user.id, external.issuer, external.subject, external.email)
    return identity.get_user(portal.db, user.id)


ROUTES = [
    Route("/account/oidc/start", start, methods=["GET"]),
    Route("/account/oidc/callback", callback, methods=["GET"]),
]
