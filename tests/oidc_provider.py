"""A small but honest OpenID Connect provider for the tests, served by uvicorn on loopback.

It does what a real provider checks for the authorization code flow: registered client and
redirect URI, client authentication (client_secret_basic or client_secret_post, not both),
one-time short-lived codes bound to client and redirect URI, PKCE S256, and RS256-signed ID tokens
from a key published at /jwks. Flags make it misbehave (deny, tamper with the ID token) and records
let tests see what the client sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import unquote, urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

CODE_LIFETIME = 60
TAMPER_MODES = ("signature", "nonce", "audience", "issuer", "expired", "no_id_token")


@dataclass(frozen=True)
class TestUser:
    __test__ = False  # not a pytest test class

    sub: str = "user-8f3a2c"
    email: str = "ivan.petrov@dealer.example"
    name: str = "Иван Петров"
    email_verified: bool = True


@dataclass
class OIDCProvider:
    """Provider state; `app` serves it. Set `deny` or `tamper` to misbehave."""

    client_id: str = "club-portal"
    client_secret: str = "s3cret-for-tests-only"
    redirect_uris: tuple[str, ...] = ("http://testserver/account/oidc/callback",)
    user: TestUser = field(default_factory=TestUser)
    issuer: str = ""  # set once the server knows its port
    deny: bool = False  # answer /authorize with error=access_denied
    tamper: str | None = None  # one of TAMPER_MODES
    claims_in_id_token: bool = True  # False: e-mail and name only from /userinfo
    authorize_requests: list[dict] = field(default_factory=list)
    token_requests: list[dict] = field(default_factory=list)
    userinfo_requests: int = 0

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig"})
        self._codes: dict[str, dict] = {}
        self._access_tokens: dict[str, str] = {}
        self.app = Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/jwks", self.jwks),
            Route("/authorize", self.authorize),
            Route("/token", self.token, methods=["POST"]),
            Route("/userinfo", self.userinfo, methods=["GET", "POST"]),
        ])

    @property
    def last_code_challenge_method(self) -> str | None:
        return self.authorize_requests[-1].get("code_challenge_method") if self.authorize_requests else None

    def reset(self) -> None:
        self.deny, self.tamper, self.claims_in_id_token = False, None, True
        self.authorize_requests.clear()
        self.token_requests.clear()
        self.userinfo_requests = 0

    async def discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code"],
        })

    async def jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def authorize(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.authorize_requests.append(params)
        # RFC 6749 4.1.2.1: with a bad client or redirect URI, never redirect; show an error instead.
        if params.get("client_id") != self.client_id or params.get("redirect_uri") not in self.redirect_uris:
            return PlainTextResponse("unknown client or redirect_uri", status_code=400)
        back = {"state": params["state"]} if "state" in params else {}
        if self.deny:
            return self._back(params["redirect_uri"], {"error": "access_denied", **back})
        if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
            return self._back(params["redirect_uri"], {"error": "invalid_request", **back})
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return self._back(params["redirect_uri"], {"error": "invalid_request", **back})  # RFC 7636 4.4.1
        code = secrets.token_urlsafe(24)
        self._codes[code] = {"redirect_uri": params["redirect_uri"], "nonce": params.get("nonce"),
                             "challenge": params["code_challenge"], "scope": params["scope"],
                             "expires": time.time() + CODE_LIFETIME}
        return self._back(params["redirect_uri"], {"code": code, **back})

    @staticmethod
    def _back(redirect_uri: str, query: dict) -> Response:
        return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", status_code=302)

    async def token(self, request: Request) -> Response:
        form = dict(await request.form())
        record = {"auth_method": None, "code_verifier": form.get("code_verifier"), "ok": False}
        self.token_requests.append(record)
        record["auth_method"] = self._client_auth(request, form)
        if record["auth_method"] is None:
            return _oauth_error("invalid_client", 401, {"WWW-Authenticate": 'Basic realm="token"'})
        if form.get("grant_type") != "authorization_code":
            return _oauth_error("unsupported_grant_type")
        grant = self._codes.pop(form.get("code", ""), None)  # RFC 6749 4.1.2: a code works once
        if grant is None or grant["expires"] < time.time() or grant["redirect_uri"] != form.get("redirect_uri"):
            return _oauth_error("invalid_grant")
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        record["challenge_matched"] = hmac.compare_digest(digest, grant["challenge"])  # RFC 7636 4.6
        if not record["challenge_matched"]:
            return _oauth_error("invalid_grant")
        access_token = secrets.token_urlsafe(24)
        self._access_tokens[access_token] = self.user.sub
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "scope": grant["scope"]}
        if self.tamper != "no_id_token":
            body["id_token"] = self._id_token(grant["nonce"])
        record["ok"] = True
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    def _client_auth(self, request: Request, form: dict) -> str | None:
        """The method the client authenticated with, or None (RFC 6749 2.3.1)."""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic ") and "client_secret" in form:
            return None  # one method per request
        if header.lower().startswith("basic "):
            try:
                raw_id, _, raw_secret = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return None
            client_id, secret, method = unquote(raw_id), unquote(raw_secret), "client_secret_basic"
        else:
            client_id, secret, method = form.get("client_id"), form.get("client_secret"), "client_secret_post"
        if client_id != self.client_id or not hmac.compare_digest(str(secret or ""), self.client_secret):
            return None
        return method

    def _id_token(self, nonce: str | None) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": self.user.sub, "aud": self.client_id, "iat": now, "exp": now + 300}
        if nonce:
            claims["nonce"] = nonce
        if self.claims_in_id_token:
            claims.update(email=self.user.email, email_verified=self.user.email_verified, name=self.user.name)
        key = self.key
        if self.tamper == "signature":  # same kid, other key: only the signature check can catch it
            key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1"})
        elif self.tamper == "nonce":
            claims["nonce"] = "not-the-nonce-you-sent"
        elif self.tamper == "audience":  # azp names the client, aud does not: authlib alone accepts this
            claims.update(aud="another-client", azp=self.client_id)
        elif self.tamper == "issuer":
            claims["iss"] = "https://impostor.example"
        elif self.tamper == "expired":
            claims.update(iat=now - 900, exp=now - 600)
        return jwt.encode({"alg": "RS256", "kid": "test-key-1", "typ": "JWT"}, claims, key)

    async def userinfo(self, request: Request) -> Response:
        self.userinfo_requests += 1
        header = request.headers.get("authorization", "")
        sub = self._access_tokens.get(header[7:]) if header.lower().startswith("bearer ") else None
        if sub is None:
            return JSONResponse({"error": "invalid_token"}, 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return JSONResponse({"sub": sub, "email": self.user.email, "email_verified": self.user.email_verified,
                             "name": self.user.name})


def _oauth_error(error: str, status: int = 400, headers: dict | None = None) -> Response:
    return JSONResponse({"error": error}, status, {"Cache-Control": "no-store", **(headers or {})})


class ProviderServer:
    """Runs an OIDCProvider under uvicorn on 127.0.0.1 (a free port) in a background thread."""

    def __init__(self, provider: OIDCProvider | None = None) -> None:
        self.provider = provider or OIDCProvider()
        config = uvicorn.Config(self.provider.app, host="127.0.0.1", port=0, log_level="warning",
                                access_log=False, lifespan="off", ws="none", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="oidc-provider", daemon=True)

    def start(self) -> OIDCProvider:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test OIDC provider did not start")
            time.sleep(0.01)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.provider.issuer = f"http://127.0.0.1:{port}"
        return self.provider

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> OIDCProvider:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
