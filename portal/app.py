"""The portal's ASGI app: `portal.app:create_app`.

For now it serves the built club site: `site/public/` for everyone, with every gated URL from
`site/manifest.json` answered by its public teaser page and marked private/no-store. Accounts
arrive with the portal issue; the dev server adds live reload through `DevHooks`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from .static import SiteFiles, StaticFile

log = logging.getLogger("portal")


class DevHooks(Protocol):
    def routes(self) -> list[Route]: ...
    def decorate_html(self, body: bytes) -> bytes: ...


@dataclass
class SiteLayout:
    site_dir: Path

    @property
    def public(self) -> Path:
        return self.site_dir / "public"

    @property
    def manifest(self) -> Path:
        return self.site_dir / "manifest.json"


class GatedIndex:
    """Gated URLs from the manifest, reloaded when the file changes. Unreadable -> everything gated."""

    def __init__(self, path: Path):
        self.path = path
        self._mtime: float | None = None
        self._urls: dict[str, dict] = {}
        self.broken = False

    def lookup(self, url_path: str) -> dict | None:
        self._refresh()
        key = url_path if url_path.endswith("/") else url_path.rsplit("/index.html", 1)[0] + "/"
        return self._urls.get(key)

    def _refresh(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            self._urls, self.broken = {}, False  # no manifest: no gated pages were built
            return
        if mtime == self._mtime:
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._urls, self.broken, self._mtime = data["pages"], False, mtime
        except (OSError, ValueError, KeyError):
            log.error("%s is unreadable: serving no HTML until the next build", self.path)
            self.broken = True


def create_app(site_dir: str | Path = "site", dev: DevHooks | None = None) -> Starlette:
    layout = SiteLayout(Path(site_dir))
    files = SiteFiles(layout.public)
    gated = GatedIndex(layout.manifest)

    async def serve_site(request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return PlainTextResponse("Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD"})
        path = request.url.path
        entry = gated.lookup(path)
        if gated.broken:
            return PlainTextResponse("The site is being rebuilt; try again in a moment.", status_code=503)
        found = files.locate(path)
        if found is None:
            if not path.endswith("/") and files.is_directory(path):
                return RedirectResponse(path + "/", status_code=301)
            return not_found(files, dev)
        return file_response(request, files.load(found), dev, private=entry is not None)

    async def status(request: Request) -> JSONResponse:
        # The static header asks this; without accounts nobody is signed in yet.
        return JSONResponse({"signed_in": False}, headers={"Cache-Control": "no-store"})

    routes = [Route("/account/status", status)]
    if dev is not None:
        routes += dev.routes()
    routes.append(Route("/{path:path}", serve_site, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]))
    app = Starlette(routes=routes)
    app.state.files = files
    return app


def file_response(request: Request, item: StaticFile, dev: DevHooks | None, private: bool,
                  status_code: int = 200) -> Response:
    headers = {"ETag": item.etag, "X-Content-Type-Options": "nosniff"}
    if private:
        headers.update({"Cache-Control": "private, no-store", "Vary": "Cookie"})
    elif item.media_type.startswith("text/html"):
        headers["Cache-Control"] = "no-cache"
    else:
        headers["Cache-Control"] = "public, max-age=300"
    body = item.body
    if dev is not None and item.media_type.startswith("text/html"):
        body = dev.decorate_html(body)
        headers.pop("ETag")
    elif status_code == 200 and request.headers.get("if-none-match") == item.etag and not private:
        return Response(status_code=304, headers=headers)
    # uvicorn drops the body of a HEAD response itself and keeps the real Content-Length.
    return Response(body, status_code=status_code,
                    media_type=item.media_type, headers=headers)


def not_found(files: SiteFiles, dev: DevHooks | None) -> Response:
    page = files.locate("/404.html")
    if page is None:
        return PlainTextResponse("Not Found", status_code=404)
    item = files.load(page)
    body = dev.decorate_html(item.body) if dev else item.body
    return Response(body, status_code=404, media_type=item.media_type, headers={"Cache-Control": "no-cache"})
