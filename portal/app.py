"""The portal's ASGI app: `portal.app:create_app` (uvicorn --factory portal.app:create_app).

One app serves the built club site (gated by the manifest) and the member portal under
/account/ and /staff/. Everything it needs comes from `Settings` (CLUB_* variables).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, Router, request_response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from . import (
    account_pages,
    cabinet,
    forum_admin,
    forum_moderation,
    forum_pages,
    forum_watch,
    newsletter_staff,
    newsletter_stats,
    newsletter_tracking,
    oidc_pages,
    password_reset,
    staff,
)
from .context import Portal
from .db import connect
from .dynamic_gzip import DynamicGzip
from .errors import error_page, http_exception, server_error
from .gated import PORTAL_PREFIXES, GatedSite, serve_site
from .mail import Mailer
from .security import SecurityMiddleware
from .settings import Settings, load_settings
from .templating import STATIC

log = logging.getLogger("portal")


class DevHooks(Protocol):
    def routes(self) -> list[Route]: ...
    def decorate_html(self, body: bytes) -> bytes: ...


class ClubRouter(Router):
    """Paths outside the portal's prefixes go straight to the site, without matching ~25 routes.

    Site pages are the hot path (bench/serve.py): route matching was a third of a gated request.
    Middleware (security headers, error pages) still wraps both ways.
    """

    PORTAL_PREFIXES = PORTAL_PREFIXES

    def __init__(self, routes: list, site_endpoint) -> None:
        super().__init__(routes=routes)
        self.site_app = request_response(site_endpoint)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self.PORTAL_PREFIXES):
            scope.setdefault("router", self)
            await self.site_app(scope, receive, send)
            return
        await super().app(scope, receive, send)


async def forum_closed(request, exc):
    return forum_pages.closed_page(request)


def load_club_config(path: Path):
    """Site name and vocabularies from mkdocs.yml when it is there; defaults otherwise."""
    from site_builder.config import ConfigError, load_config

    try:
        return load_config(path) if path.is_file() else None
    except ConfigError as exc:
        log.warning("%s", exc)
        return None


def create_app(settings: Settings | None = None, *, site_dir: str | Path | None = None,
               dev: DevHooks | None = None, mailer: Mailer | None = None) -> Starlette:
    settings = settings or load_settings()
    site = GatedSite(Path(site_dir) if site_dir is not None else settings.site_dir)
    portal = Portal(settings=settings, db=connect(settings.database), mailer=mailer or Mailer(settings),
                    site=site, club=load_club_config(settings.club_config))
    portal.oidc = oidc_pages.make_client(portal)
    routes = [*account_pages.ROUTES, *password_reset.ROUTES, *cabinet.ROUTES, *oidc_pages.ROUTES, *staff.ROUTES,
              *forum_pages.ROUTES, *forum_moderation.ROUTES, *forum_watch.ROUTES, *forum_admin.ROUTES,
              *newsletter_staff.ROUTES, *newsletter_stats.ROUTES, *newsletter_tracking.ROUTES,
              Mount("/_portal/static", StaticFiles(directory=STATIC), name="portal-static")]
    if dev is not None:
        routes += dev.routes()
    routes.append(Route("/{path:path}", serve_site, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]))
    app = Starlette(
        # gzip outermost: it also compresses the error pages SecurityMiddleware answers by itself.
        middleware=[Middleware(DynamicGzip), Middleware(SecurityMiddleware, settings=settings, error_page=error_page)],
        exception_handlers={HTTPException: http_exception, forum_pages.ForumClosed: forum_closed,
                            Exception: server_error},
    )
    app.router = ClubRouter(routes, serve_site)  # before the first request builds the middleware stack
    app.state.portal = portal
    app.state.dev = dev
    app.state.files = site.public
    return app
