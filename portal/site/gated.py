"""Serving the built site: site/public for everyone, gated URLs by access level.

For a URL in site/manifest.json the portal decides: a reader who may read it gets the full page
from site/private/; anyone else gets the public teaser page, with its call to action replaced by
the next step for this reader (register, or add company and phone) and a way back here after.
Gated answers are `private, no-store` with `Vary: Cookie` (ASVS 5.0 14.3.2).

With CLUB_ACCEL_REDIRECT set, nginx sends the full pages instead (portal/site/accel.py).

This is the hot path of the site (bench/serve.py, docs/nginx.md): files are found with one stat
(`SiteFiles.find`), the reader's session with no query while the database is unchanged
(`ReaderCache`), and answers carry headers encoded when the file was read.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Match

from portal.core.i18n import translate
from portal.core.identity import User
from portal.core.sessions import cookie_name, hash_session_id
from portal.site.accel import PrebuiltResponse, accel_response, accel_target, usable_prefix
from portal.site.precompressed import negotiate, vary_value, varying
from portal.site.static import RawHeaders, SiteFiles, StaticFile, file_headers
from portal.web.context import DevHooks, Visitor, portal_of, visitor
from portal.web.compression import etag_matches
from site_builder import contract


log = logging.getLogger("portal")
SEARCH_INDEX = "/" + contract.SEARCH_INDEX
PRIVATE: RawHeaders = ((b"cache-control", b"private, no-store"), (b"vary", b"Cookie"))  # ASVS 5.0 14.3.2
PUBLIC_PAGE: RawHeaders = ((b"cache-control", b"no-cache"),)  # HTML revalidates: a rebuild shows at once
PUBLIC_ASSET: RawHeaders = ((b"cache-control", b"public, max-age=300"),)


class GatedIndex:
    """Gated URLs from the manifest, reloaded when the file changes. Unreadable -> serve no HTML."""

    def __init__(self, path: Path):
        self.path = path
        self._mtime: float | None = None
        self._urls: dict[str, dict] = {}
        self._media: dict[str, dict] = {}
        self.broken = False

    def lookup(self, url_path: str) -> dict | None:
        self._refresh()
        media = self._media.get(url_path)
        if media is not None:  # a file linked only from closed text: site/private/, no teaser
            return media
        key = url_path if url_path.endswith("/") else url_path.rsplit("/index.html", 1)[0] + "/"
        return self._urls.get(key)

    def pages(self) -> dict[str, dict]:
        self._refresh()
        return dict(self._urls)

    def _refresh(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            self._urls, self._media, self.broken = {}, {}, False  # no manifest: no gated pages were built
            return
        if mtime == self._mtime:
            return
        try:
            manifest = contract.read_manifest(self.path)
        except contract.ManifestError as exc:  # fail closed: an unknown or broken manifest gates everything
            log.error("%s: serving no HTML until the next build", exc)
            self.broken = True
            return
        media = {url: {"access": access, "media": True} for url, access in manifest.media.items()}
        self._urls, self._media, self.broken, self._mtime = manifest.pages, media, False, mtime


class ReaderCache:
    """Whose session a cookie is, remembered while the database is unchanged, and at most `ttl`.

    Loading the session and its user is two queries (~35 us, more than the rest of a gated request
    in this module together; bench/serve.py). An entry is
    used only while the portal's connection has written nothing (`total_changes`) and no other
    connection or process has committed anything (`PRAGMA data_version`): sign-out, "sign out
    everywhere", a revoked session, a suspension or a profile change - all writes - take effect on
    the very next request, exactly as without the cache. The TTL bounds what no write announces:
    idle and absolute expiry (`load_session`) may be enforced up to `ttl` seconds late.
    Keys are the cookie's SHA-256, like the sessions table: no live session id is kept here.
    """

    MAX_ENTRIES = 10_000

    def __init__(self, ttl: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[str, tuple[float, tuple[int, int], User | None]] = {}

    def user(self, request: Request) -> User | None:
        """The signed-in user (None for anonymous or dead sessions), as `visitor(request).user`."""
        portal = portal_of(request)
        raw = request.cookies.get(cookie_name(portal.settings))
        if not raw or len(raw) > 100:
            return None  # load_session's own rule: no lookup for these
        key, now = hash_session_id(raw), self.clock()
        # Read before loading: a write racing with the load changes it, so the entry is never reused.
        stamp = self.stamp(portal.db.conn)
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now and hit[1] == stamp:
            return hit[2]
        user = visitor(request).user
        if len(self._entries) >= self.MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (now + self.ttl, stamp, user)
        return user

    @staticmethod
    def stamp(conn: sqlite3.Connection) -> tuple[int, int]:
        return conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0]

    def clear(self) -> None:
        self._entries.clear()


class GatedSite:
    """site/public, site/private and the manifest that says which URLs are whose."""

    def __init__(self, site_dir: Path):
        self.site_dir = Path(site_dir)
        layout = contract.SiteLayout(self.site_dir)
        self.public = SiteFiles(layout.public)
        self.private = SiteFiles(layout.private)
        self.gated = GatedIndex(layout.manifest)
        self.readers = ReaderCache()

    def clear(self) -> None:
        self.public.clear()
        self.private.clear()
        self.readers.clear()


def open_site(portal) -> None:
    """The site capability's start: the built site under CLUB_SITE_DIR (re-read when it changes)."""
    portal.site = GatedSite(portal.settings.site_dir)


def sections_card(request: Request) -> dict:
    """The cabinet's quick links: gated pages from the manifest, by title (the first twenty)."""
    pages = portal_of(request).site.gated.pages()
    return {"sections": [{"url": url, "title": entry["title"], "access": entry["access"]}
                         for url, entry in sorted(pages.items(), key=lambda item: item[1]["title"])][:20]}


async def serve_site(request: Request) -> Response:
    if request.method not in ("GET", "HEAD"):
        if request.scope["path"].startswith(request.scope["router"].portal_prefixes) \
                and not portal_path_exists(request):
            return not_found(request)  # e.g. POST /staff/newsletters/<id too big for any route>/cancel
        return PlainTextResponse("Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD"})
    site, path = portal_of(request).site, url_path(request)
    entry = site.gated.lookup(path)
    if site.gated.broken:
        return PlainTextResponse("The site is being rebuilt; try again in a moment.", status_code=503,
                                 headers={"Retry-After": "5"})
    if entry is not None:
        return serve_gated(request, entry, path)
    if path == SEARCH_INDEX and may_read(request, "members"):
        members_index = send_private(request, path)  # members search everything they may read
        if members_index is not None:
            return members_index
    item = site.public.find(path)
    if item is None:
        if not path.endswith("/") and site.public.is_directory(path):
            return RedirectResponse(directory_url(path), status_code=301)
        return not_found(request)
    return file_response(request, negotiate(request, site.public, item), private=False)


def directory_url(path: str) -> str:
    """The folder's canonical URL: `//events` must not become `//events/`, which a browser reads as
    the host "events" (ASVS 5.0 3.7.2: no open redirects). Empty and "." segments are dropped."""
    return "/" + "".join(part + "/" for part in path.split("/") if part not in ("", "."))


def portal_path_exists(request: Request) -> bool:
    """Some portal route has this path (for another method): then 405 is the honest answer."""
    return any(getattr(route, "endpoint", None) is not serve_site and route.matches(request.scope)[0] != Match.NONE
               for route in request.scope["router"].routes)


def url_path(request: Request) -> str:
    """`request.url.path` without building the whole URL (host parsing, urlsplit: ~10 us a request):
    the server's decoded path with the three characters Starlette's URL escapes escaped alike."""
    return request.scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")


def may_read(request: Request, access: str) -> bool:
    user = portal_of(request).site.readers.user(request)
    return user is not None and user.may_read(access)


def serve_gated(request: Request, entry: dict, path: str) -> Response:
    site = portal_of(request).site
    if may_read(request, entry["access"]):
        full = send_private(request, path)
        if full is not None:
            return full
        if entry.get("media"):
            return not_found(request)
        log.error("%s is gated but missing from site/private: serving the teaser", path)
    item = None if entry.get("media") else site.public.find(path)
    if item is None:  # closed media have no teaser: only readers who may open them learn they exist
        return not_found(request)
    who = visitor(request)
    if who.user is not None:
        item = with_next_step(request, item, who, entry)
    else:  # the teaser as built, the same for every anonymous reader: its compressed copies fit
        item = negotiate(request, site.public, item)
    return file_response(request, item, private=True)


def send_private(request: Request, path: str) -> Response | None:
    """site/private's file for `path`, to a reader allowed to have it: by nginx when configured
    (the portal then needs no body), else from here. None when there is no such file."""
    private, accel = portal_of(request).site.private, accel_prefix(request)
    item = private.find(path, need_body=accel is None)
    if item is None:
        return None
    item = negotiate(request, private, item, need_body=accel is None)
    if accel is not None:
        return accel_response(item, accel_target(accel, private.relative(item.path)), PRIVATE)
    return file_response(request, item, private=True)


def accel_prefix(request: Request) -> str | None:
    """CLUB_ACCEL_REDIRECT when it is usable; never under `club serve`, which has no nginx in front."""
    prefix = portal_of(request).settings.accel_redirect
    return prefix if prefix and usable_prefix(prefix) and dev_hooks(request) is None else None


def with_next_step(request: Request, item: StaticFile, who: Visitor, entry: dict) -> StaticFile:
    """The teaser page with its call to action rewritten for this signed-in reader."""
    from portal.web.templating import ENV

    back = quote(request.url.path, safe="/")
    t = who.t
    if request.url.path.startswith("/en/"):  # an English page's call to action is in English, as the page is
        t = functools.partial(translate, "en")
    html = ENV.get_template("_teaser.html").render(t=t, user=who.user, entry=entry, back=back,
                                                   level=who.level).encode()
    body = contract.TEASER_PATTERN.sub(lambda _: html, item.body, count=1)
    etag = item.etag + "-" + who.level
    return StaticFile(item.path, body, item.media_type, etag, item.mtime, item.csp,
                      headers=file_headers(body, item.media_type, etag, item.csp))


def dev_hooks(request: Request) -> DevHooks | None:
    return getattr(request.app.state, "dev", None)


def file_response(request: Request, item: StaticFile, private: bool, status_code: int = 200) -> Response:
    html = item.html
    dev = dev_hooks(request)
    unchanged = not private and etag_matches(request.headers.get("if-none-match"), item.etag)
    if status_code == 200 and dev is None and not unchanged:
        # The common answer, with headers encoded once per file (the same headers as below).
        cache = PRIVATE if private else PUBLIC_PAGE if html else PUBLIC_ASSET
        encoded = item.headers or file_headers(item.body, item.media_type, item.etag, item.csp)
        return PrebuiltResponse(item.body, [*encoded, *(varying(cache) if item.negotiated else cache)])
    headers: dict[str, str] = {"ETag": item.etag}
    if html:
        headers["Content-Security-Policy"] = item.csp
    if private:
        headers.update({"Cache-Control": "private, no-store", "Vary": "Cookie"})
    elif html:
        headers["Cache-Control"] = "no-cache"
    else:
        headers["Cache-Control"] = "public, max-age=300"
    if item.negotiated:
        headers["Vary"] = vary_value(headers.get("Vary"))
    body = item.body
    if dev is not None and html:
        body = dev.decorate_html(body)
        headers.pop("ETag")
    elif status_code == 200 and unchanged:
        return Response(status_code=304, headers=headers)
    if item.encoding:
        headers["Content-Encoding"] = item.encoding
    # uvicorn drops the body of a HEAD response itself and keeps the real Content-Length.
    return Response(body, status_code=status_code, media_type=item.media_type, headers=headers)


def not_found(request: Request) -> Response:
    """The site's 404 page, in English under /en/ (the English site's own, `club build`)."""
    files = portal_of(request).site.public
    english = request.url.path.startswith("/en/") and files.find("/en/404.html")
    page = english or files.find("/404.html")
    if page is None:
        return PlainTextResponse("Not Found", status_code=404)
    response = file_response(request, negotiate(request, files, page), private=False, status_code=404)
    response.headers["Cache-Control"] = "no-cache"
    return response
