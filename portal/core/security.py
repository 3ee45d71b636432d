"""Security headers, request limits, CSRF. The only module that sets security headers or checks CSRF.

CSRF has two layers (ASVS 5.0 3.5.1-3.5.3): every unsafe request must come from our own origin
(Fetch Metadata, else Origin), and every form carries a token bound to the session, or for forms
shown before sign-in, to a random cookie of this browser.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
import secrets
from collections.abc import Callable

from starlette.datastructures import FormData, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.core.settings import Settings

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
PORTAL_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
              "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
              "frame-ancestors 'none'")
ErrorPage = Callable[[Request, int, str], Response]
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>(.*?)</script>", re.S)


def csrf_cookie_name(settings: Settings) -> str:
    return "__Host-club_csrf" if settings.https else "club_csrf"


def site_csp(html: bytes) -> str:
    """CSP for a built site page: Material's few inline scripts allowed by hash, nothing else inline."""
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
                     for body in _INLINE_SCRIPT.findall(html)})
    return PORTAL_CSP.replace("script-src 'self'", "script-src 'self' " + " ".join(hashes) if hashes
                              else "script-src 'self'")


class SecurityMiddleware:
    """Headers on every response, a body size limit, and the origin check for unsafe methods."""

    def __init__(self, app: ASGIApp, settings: Settings, error_page: ErrorPage,
                 upload_prefixes: tuple[str, ...] = ()):
        self.app = app
        self.settings = settings
        self.error_page = error_page
        self.upload_prefixes = upload_prefixes  # forms with files: CLUB_MAX_UPLOAD_BYTES instead

    def body_limit(self, path: str) -> int:
        if self.upload_prefixes and path.startswith(self.upload_prefixes):
            return max(self.settings.max_upload_bytes, self.settings.max_body_bytes)
        return self.settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.settings.trusted_proxies:
            forwarded_client(scope, self.settings.trusted_proxies)
        request = Request(scope)
        problem = self.reject(request)
        if problem is not None:
            response = self.error_page(request, *problem)
            await response(scope, receive, self.add_headers(scope, send))
            return
        await self.app(scope, self.limit_body(receive, self.body_limit(scope["path"])), self.add_headers(scope, send))

    def reject(self, request: Request) -> tuple[int, str] | None:
        if request.method in UNSAFE_METHODS and not same_origin(request, self.settings) \
                and not one_click_path(request):
            return 403, "cross_site"  # ASVS 5.0 3.5.2
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.body_limit(request.url.path)):
            return 413, "too_large"  # ASVS 5.0 4.4.1-style resource limit
        return None

    def limit_body(self, receive: Receive, limit: int) -> Receive:
        seen = 0

        async def guarded() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, "too_large")
            return message

        return guarded

    def add_headers(self, scope: Scope, send: Send) -> Send:
        settings = self.settings

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", PORTAL_CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                if "location" in headers:  # ASVS 5.0 3.7.2: the last line against a redirect to another host
                    headers["location"] = safe_location(headers["location"])
                if settings.https:  # ASVS 5.0 3.4.1
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
                cookie = scope.get("state", {}).get("new_csrf_cookie")
                if cookie:
                    headers.append("Set-Cookie", csrf_cookie_header(settings, cookie))
            await send(message)

        return sending


def forwarded_client(scope: Scope, proxies: tuple) -> None:
    """Behind a trusted proxy, the client is the right-most X-Forwarded-For address that is not one of
    ours; anyone else's header is ignored, since a client can send any X-Forwarded-For it likes (it
    would pick its own throttling key). The peer's address stays in scope["client"] otherwise."""
    peer = scope.get("client")
    if not peer or not _is_trusted(peer[0], proxies):
        return
    header = b",".join(value for name, value in scope["headers"] if name == b"x-forwarded-for")
    for item in reversed(header.decode("latin-1").split(",")):
        address = item.strip()
        if not _is_trusted(address, proxies):
            if _parse_ip(address) is not None:
                scope["client"] = (address, 0)
            return


def _parse_ip(text: str):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_trusted(address: str, proxies: tuple) -> bool:
    ip = _parse_ip(address)
    return ip is not None and any(ip in network for network in proxies)


def csrf_cookie_header(settings: Settings, value: str) -> str:
    secure = "; Secure" if settings.https else ""
    return f"{csrf_cookie_name(settings)}={value}; Path=/; HttpOnly; SameSite=Lax{secure}"


def same_origin(request: Request, settings: Settings) -> bool:
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == settings.origin or origin == request_origin(request)
    return True  # old clients send neither; the form token still has to match


# RFC 8058 section 3.1-3.2: a mail provider unsubscribes a reader by POSTing exactly
# "List-Unsubscribe=One-Click" to the List-Unsubscribe URL itself, without the reader's cookies and
# with no Origin of ours. The signed token in that path is the authentication (newsletter_links: an
# HMAC per recipient, purpose "unsubscribe"), so on this one path the origin check is skipped and a
# body that is exactly the RFC 8058 pair needs no form token; the page's own form there still sends
# one (newsletter_tracking calls verify_csrf), and every other path keeps both checks.
ONE_CLICK_PATH = re.compile(r"^/_club/n/u/[A-Za-z0-9_-]{1,100}\.[A-Za-z0-9_-]{1,100}$")
ONE_CLICK_BODY = [("List-Unsubscribe", "One-Click")]


def one_click_path(request: Request) -> bool:
    return request.method == "POST" and ONE_CLICK_PATH.match(request.url.path) is not None


def is_one_click(request: Request, form: FormData) -> bool:
    """An RFC 8058 one-click unsubscribe: the signed path and a body of exactly List-Unsubscribe=One-Click."""
    return one_click_path(request) and list(form.multi_items()) == ONE_CLICK_BODY


def request_origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _token_for(settings: Settings, binding: str) -> str:
    return hmac.new(settings.secret_key.encode(), b"csrf|" + binding.encode(), hashlib.sha256).hexdigest()


# Cached HTML (forum post lists, the shell's account area) is rendered once with this in its forms' token
# fields; with_token puts each page's own token there. Plain letters: the same after HTML escaping.
CSRF_PLACEHOLDER = "csrf-" + secrets.token_hex(16)
_CSRF_FIELD = f'name="csrf" value="{CSRF_PLACEHOLDER}"'


def with_token(html: str, csrf: str) -> str:
    """Cached HTML with this page's token in its forms' hidden fields, and nowhere else (a member's text that
    quotes the placeholder stays as written)."""
    if not csrf.isascii() or not csrf.isalnum():
        raise ValueError("a CSRF token is hex")
    return html.replace(_CSRF_FIELD, f'name="csrf" value="{csrf}"')


def csrf_token(request: Request, settings: Settings, session_hash: str | None) -> str:
    """The token to put in a form: bound to the session, or to this browser's CSRF cookie; masked
    afresh for every page (see masked), the same in all forms of one page."""
    state = request.scope.setdefault("state", {})
    if session_hash:
        binding = "s:" + session_hash
    else:
        value = request.cookies.get(csrf_cookie_name(settings)) or state.get("new_csrf_cookie")
        if not value or len(value) > 100:
            value = secrets.token_urlsafe(24)
            state["new_csrf_cookie"] = value
        binding = "a:" + value
    page = state.get("csrf_masked")
    if page is None or page[0] != binding:
        page = state["csrf_masked"] = (binding, masked(_token_for(settings, binding)))
    return page[1]


def masked(token: str) -> str:
    """A random mask and the token XOR that mask, in hex: a different string on every page.

    The portal compresses its pages (web/compression.py); a secret that stays the same on every page next to
    text an attacker can make the page repeat (a search query) could be guessed from the compressed
    size, one character at a time (BREACH, CVE-2013-3587). A token masked afresh for each page gives
    that nothing to converge on; the server removes the mask before it compares.
    """
    raw = bytes.fromhex(token)
    mask = secrets.token_bytes(len(raw))
    return (mask + bytes(a ^ b for a, b in zip(mask, raw, strict=True))).hex()


def unmasked(sent: str) -> bytes:
    """The token inside a masked one (an unmasked token passes as it is); b"" for anything malformed."""
    if not sent.isascii() or len(sent) not in (64, 128):
        return b""
    try:
        raw = bytes.fromhex(sent)
    except ValueError:
        return b""
    if len(raw) == 32:
        return sent.encode()
    return bytes(a ^ b for a, b in zip(raw[:32], raw[32:], strict=True)).hex().encode()


def verify_csrf(request: Request, settings: Settings, form: FormData, session_hash: str | None) -> None:
    """403 unless the form's token matches this session or this browser's CSRF cookie."""
    sent = unmasked(str(form.get("csrf", "")))  # bytes: compare_digest raises on non-ASCII str (csrf=%C3%A9)
    candidates = []
    if session_hash:
        candidates.append(_token_for(settings, "s:" + session_hash))
    cookie = request.cookies.get(csrf_cookie_name(settings))
    if cookie:
        candidates.append(_token_for(settings, "a:" + cookie))
    if not sent or not any(hmac.compare_digest(sent, c.encode()) for c in candidates):
        raise HTTPException(403, "csrf")


def safe_next(value: str | None, default: str = "/account/") -> str:
    """Only same-site paths (ASVS 5.0 3.7.2: no open redirects).

    Browsers remove dot segments before they request a path, so `/.//club` is fetched as `//club`:
    a path with an empty, "." or ".." segment is refused, not only one that starts with `//`.
    """
    if not value or len(value) > 500:
        return default
    # Browsers drop tabs and newlines and read a backslash as "/": "/<tab>/evil" would leave the site.
    if not value.startswith("/") or any(ord(c) < 32 or ord(c) == 0x7F or c == "\\" for c in value):
        return default
    path = value.split("?", 1)[0].split("#", 1)[0]
    if any(part in ("", ".", "..") for part in path.split("/")[1:-1]) or path.endswith(("/.", "/..")):
        return default
    return value


def safe_location(value: str) -> str:
    """A Location header that cannot name another host by accident: `//x` and `/\\x` are collapsed."""
    if value.startswith(("//", "/\\", "\\")):
        return "/" + value.lstrip("/\\")
    return value
