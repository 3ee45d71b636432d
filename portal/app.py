"""The portal's ASGI app: `portal.app:create_app` (uvicorn --factory portal.app:create_app).

One app serves the built club site (gated by the manifest) and every capability's pages. It walks
the capability list (`portal/capabilities.py`) for routes, URL prefixes and error handlers; it knows
no capability by name. Everything else comes from `Settings` (CLUB_* variables).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Match, Mount, Route, Router, request_response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from portal.capabilities import installed
from portal.core.capability import Capability
from portal.core.db import connect
from portal.core.mail import Mailer
from portal.core.security import SecurityMiddleware
from portal.core.settings import Settings, load_settings
from portal.web.context import DevHooks, build_portal
from portal.web.errors import error_page, http_exception, server_error
from portal.web.gzip import DynamicGzip
from portal.web.templating import STATIC

OWN_PREFIXES = ("/_portal/", "/_club/")  # the portal's static files; development and mail endpoints
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]


class ClubRouter(Router):
    """Paths outside the capabilities' prefixes go straight to the site, without matching ~80 routes.

    Site pages are the hot path (bench/serve.py): route matching was a third of a gated request.
    Middleware (security headers, error pages) still wraps both ways.
    """

    def __init__(self, routes: list, fallback: Callable, prefixes: tuple[str, ...]) -> None:
        super().__init__(routes=routes)
        self.site_app = request_response(fallback)
        self.portal_prefixes = prefixes
        self.direct = direct_routes(self.routes)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self.portal_prefixes):
            scope.setdefault("router", self)
            await self.site_app(scope, receive, send)
            return
        route = self.direct.get(scope["path"]) if scope["type"] == "http" else None
        if route is not None:  # the route Starlette would find first, without trying the ~100 before it
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope.setdefault("router", self)
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
        await super().app(scope, receive, send)  # parameters, other methods (405), trailing-slash redirects


def direct_routes(routes: list) -> dict[str, Route]:
    """Paths without parameters, each with the first route of the list that could match it (as Starlette
    would pick it): a dict look-up instead of matching every route listed before it, which was half the
    time of a small JSON endpoint (bench/tools.py). A path an earlier pattern also matches is left out."""
    found: dict[str, Route] = {}
    for index, route in enumerate(routes):
        if not isinstance(route, Route) or "{" in route.path or route.path in found:
            continue
        if not any(getattr(earlier, "path_regex", None) is not None and earlier.path_regex.match(route.path)
                   for earlier in routes[:index]):
            found[route.path] = route
    return found


def create_app(settings: Settings | None = None, *, site_dir: str | Path | None = None,
               dev: DevHooks | None = None, mailer: Mailer | None = None,
               capabilities: list[Capability] | None = None) -> Starlette:
    settings = settings or load_settings()
    if site_dir is not None:
        settings = dataclasses.replace(settings, site_dir=Path(site_dir))
    capabilities = installed() if capabilities is None else capabilities
    migrations = [m for capability in capabilities for m in capability.migrations]
    portal = build_portal(settings, connect(settings.database, migrations), tuple(capabilities), mailer)
    fallback = next(c.fallback for c in capabilities if c.fallback is not None)
    routes = [route for capability in capabilities for route in capability.routes]
    routes.append(Mount("/_portal/static", StaticFiles(directory=STATIC), name="portal-static"))
    routes += dev.routes() if dev is not None else []
    routes.append(Route("/{path:path}", fallback, methods=ALL_METHODS))
    handlers: dict = {HTTPException: http_exception, Exception: server_error}
    for capability in capabilities:
        handlers.update(capability.exception_handlers)
    # gzip outermost: it also compresses the error pages SecurityMiddleware answers by itself.
    uploads = tuple(p for capability in capabilities for p in capability.upload_prefixes)
    app = Starlette(middleware=[Middleware(DynamicGzip),
                                Middleware(SecurityMiddleware, settings=settings, error_page=error_page,
                                           upload_prefixes=uploads)],
                    exception_handlers=handlers)
    prefixes = OWN_PREFIXES + tuple(p for capability in capabilities for p in capability.url_prefixes)
    app.router = ClubRouter(routes, fallback, prefixes)  # before the first request builds the middleware stack
    app.state.portal = portal
    app.state.dev = dev
    return app
