"""Optional sign-in with one external OpenID Connect provider (authorization code flow + PKCE S256).

authlib's Starlette client does the protocol work (discovery, state/nonce/code_challenge, the token
exchange with the code_verifier, the ID token's JWKS signature and claims). This module adds:

* Flow state kept server-side. authlib keeps verifier and nonce in `request.session`, but the portal
  has no SessionMiddleware: authlib gets a fresh dict as `request.scope["session"]` for one call, and
  that dict lives in a `StateStore` under the hash of a random short-lived cookie, `club_oidc`.
* Checks authlib leaves out: `aud` (it only checks `azp`), the discovery issuer, the signature
  algorithms, and that an ID token came back at all.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx2
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import Response

from portal.core.oneline import one_line
from portal.core.security import safe_next
from portal.core.settings import OIDCSettings

log = logging.getLogger("portal.accounts.oidc")

COOKIE_NAME = "club_oidc"
COOKIE_PATH = "/account/oidc"
FLOW_TTL_SECONDS = 600  # long enough to type a password at the provider, short enough to be useless later
DEFAULT_NEXT = "/account/"
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"
# Asymmetric algorithms only: "none" and HS* (keyed with the client secret) are not accepted for ID tokens.
SIGNING_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
CLOCK_LEEWAY_SECONDS = 60
_APP_NAME = "club_oidc"  # authlib's registry name; settings.name is only the button label
# Errors authlib lets through from the provider's answers: HTTP, OAuth error bodies, JOSE checks, bad JSON.
_PROVIDER_ERRORS = (httpx2.HTTPError, AuthlibBaseError, JoseError, ValueError, KeyError, RuntimeError)


@dataclass(frozen=True)
class ExternalIdentity:
    """Who the provider vouches for. Accounts are linked by (issuer, subject), never by e-mail alone."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None


class OIDCError(Exception):
    """Sign-in through the provider failed; `reason` is safe to show, `key` is the i18n key."""

    def __init__(self, reason: str, key: str = "oidc.failed") -> None:
        super().__init__(reason)
        self.reason = reason
        self.key = key


class StateStore(Protocol):
    """Server-side storage for in-flight sign-ins; values are JSON-serialisable dicts."""

    def put(self, key: str, value: dict, ttl_seconds: int) -> None: ...
    def pop(self, key: str) -> dict | None: ...


class MemoryStateStore:
    """A StateStore in process memory, for tests and the dev server (one process only)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._items: dict[str, tuple[float, str]] = {}

    def put(self, key: str, value: dict, ttl_seconds: int) -> None:
        now = self._clock()
        self._items = {k: v for k, v in self._items.items() if v[0] > now}  # drop abandoned flows
        # Stored as JSON like the SQLite store will, so anything unserialisable fails here too.
        self._items[key] = (now + ttl_seconds, json.dumps(value))

    def pop(self, key: str) -> dict | None:
        item = self._items.pop(key, None)
        if item is None or item[0] <= self._clock():
            return None
        return json.loads(item[1])


def safe_next_path(value: str | None) -> str:
    """`value` if it is a path on this site, else DEFAULT_NEXT (no open redirects; security.safe_next)."""
    return safe_next(value, DEFAULT_NEXT)


def _store_key(browser_key: str) -> str:
    # Only a hash is stored, so reading the state table does not give out live cookie values.
    return "oidc:" + hashlib.sha256(browser_key.encode()).hexdigest()


@contextmanager
def _authlib_session(request: Request, session: dict) -> Iterator[None]:
    """Lend authlib `session` as `request.session` for one call (the portal has no SessionMiddleware)."""
    saved = request.scope.get("session")
    request.scope["session"] = session
    try:
        yield
    finally:
        request.scope.pop("session")
        if saved is not None:
            request.scope["session"] = saved


def _provider_error(error: str) -> OIDCError:
    if error == "access_denied":  # RFC 6749 4.1.2.1
        return OIDCError("Sign-in was cancelled at the provider.", "oidc.denied")
    code = error if re.fullmatch(r"[a-z_]{1,40}", error) else "error"
    return OIDCError(f"The provider refused the sign-in ({code}).", "oidc.refused")


class OIDCClient:
    """One configured provider; `begin` sends the browser there, `finish` handles its callback."""

    def __init__(self, settings: OIDCSettings, store: StateStore, http_client_kwargs: dict | None = None) -> None:
        if "openid" not in settings.scope.split():
            raise ValueError("OIDC scope must include 'openid'")  # OIDC Core 3.1.2.1
        self.settings = settings
        self._store = store
        client_kwargs: dict[str, Any] = {"scope": settings.scope, "code_challenge_method": "S256"}
        if not settings.client_secret:
            client_kwargs["token_endpoint_auth_method"] = "none"  # noqa: S105 - public client, PKCE only
        client_kwargs.update(http_client_kwargs or {})
        self._app = OAuth().register(
            _APP_NAME, server_metadata_url=settings.discovery_url, client_id=settings.client_id,
            client_secret=settings.client_secret or None, client_kwargs=client_kwargs)
        url = settings.discovery_url
        self._expected_issuer = url[: -len(DISCOVERY_SUFFIX)] if url.endswith(DISCOVERY_SUFFIX) else None

    async def begin(self, request: Request, redirect_uri: str, next_path: str = DEFAULT_NEXT) -> Response:
        """Redirect to the provider's authorization endpoint and bind the flow to this browser."""
        await self._metadata()
        browser_key = secrets.token_urlsafe(32)
        state = secrets.token_urlsafe(32)
        session: dict[str, Any] = {}  # authlib puts verifier, nonce and redirect_uri here
        try:
            with _authlib_session(request, session):
                response = await self._app.authorize_redirect(request, redirect_uri, state=state)
        except _PROVIDER_ERRORS as exc:
            log.warning("OIDC authorization URL failed: %s: %s", type(exc).__name__, exc)
            raise OIDCError("The sign-in provider is not available right now.", "oidc.unavailable") from exc
        flow = {"state": state, "next": safe_next_path(next_path), "session": session}
        self._store.put(_store_key(browser_key), flow, FLOW_TTL_SECONDS)
        response.set_cookie(COOKIE_NAME, browser_key, max_age=FLOW_TTL_SECONDS, path=COOKIE_PATH,
                            secure=urlsplit(redirect_uri).scheme == "https", httponly=True, samesite="lax")
        return response

    async def finish(self, request: Request) -> tuple[ExternalIdentity, str]:
        """Check the callback, exchange the code and verify the ID token; return (identity, next path).

        The caller should pass its response to `clear_cookie`, whether this succeeded or raised.
        """
        flow = self._take_flow(request)
        error = request.query_params.get("error")
        if error:
            raise _provider_error(error)
        await self._metadata()
        try:
            with _authlib_session(request, flow["session"]):
                token = await self._app.authorize_access_token(
                    request, claims_options=self._claims_options(), leeway=CLOCK_LEEWAY_SECONDS)
        except JoseError as exc:
            log.warning("OIDC ID token rejected: %s: %s", type(exc).__name__, exc)
            raise OIDCError("The provider's answer could not be verified.", "oidc.invalid_token") from exc
        except _PROVIDER_ERRORS as exc:
            log.warning("OIDC token exchange failed: %s: %s", type(exc).__name__, exc)
            raise OIDCError("The provider did not confirm the sign-in.", "oidc.exchange") from exc
        claims = token.get("userinfo")
        if not claims:  # authlib skips ID token checks when there is none; OIDC Core 3.1.3.3 requires one
            raise OIDCError("The provider did not return an ID token.", "oidc.invalid_token")
        claims = await self._with_userinfo(dict(claims), token)
        return self._identity(claims), flow["next"]

    def clear_cookie(self, response: Response) -> Response:
        """Delete the flow cookie on the callback's response (success or error)."""
        response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, httponly=True, samesite="lax")
        return response

    def _take_flow(self, request: Request) -> dict:
        browser_key = request.cookies.get(COOKIE_NAME)
        # Popped before anything else, so a flow is used once whatever the outcome (no replays).
        flow = self._store.pop(_store_key(browser_key)) if browser_key else None
        if flow is None:
            raise OIDCError("The sign-in attempt expired or was started in another browser; please try again.",
                            "oidc.expired")
        state = request.query_params.get("state", "")
        # RFC 6749 10.12: the callback must carry the state this browser was sent off with (login CSRF).
        if not hmac.compare_digest(state.encode(), flow["state"].encode()):
            raise OIDCError("The sign-in answer does not belong to this browser; please try again.", "oidc.state")
        return flow

    async def _metadata(self) -> dict:
        try:
            metadata = await self._app.load_server_metadata()
        except _PROVIDER_ERRORS as exc:
            log.warning("OIDC discovery failed: %s: %s", type(exc).__name__, exc)
            self._app.server_metadata.clear()
            raise OIDCError("The sign-in provider is not available right now.", "oidc.unavailable") from exc
        issuer = metadata.get("issuer")
        # OIDC Discovery 4.3: the issuer must be exactly the URL the document was fetched under.
        if not isinstance(issuer, str) or (self._expected_issuer and issuer != self._expected_issuer):
            log.warning("OIDC discovery issuer %r does not match %s", issuer, self.settings.discovery_url)
            self._app.server_metadata.clear()  # fetch again next time instead of trusting it
            raise OIDCError("The sign-in provider is misconfigured.", "oidc.unavailable")
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]  # Discovery 3: RS256 default
        # authlib verifies with whatever this list holds, so narrow it to asymmetric algorithms.
        metadata["id_token_signing_alg_values_supported"] = [a for a in offered if a in SIGNING_ALGS]
        return metadata

    def _claims_options(self) -> dict[str, dict]:
        # OIDC Core 3.1.3.7: iss must equal the discovered issuer (2), aud must contain our client_id (3).
        # authlib adds nonce (11), azp (4-5), exp (9) and the signature against the JWKS (6).
        return {"iss": {"essential": True, "value": self._app.server_metadata["issuer"]},
                "aud": {"essential": True, "value": self.settings.client_id}, "sub": {"essential": True}}

    async def _with_userinfo(self, claims: dict, token: dict) -> dict:
        """Fill e-mail and name from the UserInfo endpoint when the ID token leaves them out."""
        if ("email" in claims and "name" in claims) or not self._app.server_metadata.get("userinfo_endpoint"):
            return claims
        try:
            info = dict(await self._app.userinfo(token=token))
        except _PROVIDER_ERRORS as exc:  # the ID token alone is enough to sign in
            log.warning("OIDC userinfo failed: %s: %s", type(exc).__name__, exc)
            return claims
        if info.get("sub") != claims["sub"]:  # OIDC Core 5.3.2: otherwise the answer MUST NOT be used
            log.warning("OIDC userinfo sub does not match the ID token; ignored")
            return claims
        if "email" not in claims and "email" in info:
            claims["email"], claims["email_verified"] = info["email"], info.get("email_verified")
        claims.setdefault("name", info.get("name"))
        return claims

    @staticmethod
    def _identity(claims: dict) -> ExternalIdentity:
        email, name = claims.get("email"), claims.get("name")
        return ExternalIdentity(
            issuer=claims["iss"],
            subject=claims["sub"],
            email=email if isinstance(email, str) and email else None,
            # Only a JSON true counts: an unverified address must never be trusted for matching.
            email_verified=claims.get("email_verified") is True and isinstance(email, str),
            name=(one_line(name) or None) if isinstance(name, str) else None,  # a provider's name is typed text too
        )
