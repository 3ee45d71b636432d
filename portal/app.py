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
from starlette.routing import BaseRoute, Match, Mount, Route, Router, request_response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from portal.capabilities import installed
from portal.core.capability import Capability
from portal.core.db import connect
from portal.core.mail import Mailer
from portal.core.security import SecurityMiddleware
from portal.core.settings import Settings, load_settings
from portal.web.compression import DynamicCompression
from portal.web.context import DevHooks, build_portal
from portal.web.errors import error_page, http_exception, server_error
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
        self.index_routes()

    def index_routes(self) -> None:
        self.indexed = list(self.routes)
        self.direct = direct_routes(self.routes)
        self.by_segment = routes_by_segment(self.routes)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self.portal_prefixes):
            scope.setdefault("router", self)
            await self.site_app(scope, receive, send)
            return
        found = self.find(scope) if scope["type"] == "http" and not scope.get("root_path") else None
        if found is None:  # trailing-slash redirects, 404, a root_path (Starlette works out the route path)
            await super().app(scope, receive, send)
            return
        route, child_scope = found
        scope.setdefault("router", self)
        scope["route"] = route
        scope.update(child_scope)
        await route.handle(scope, receive, send)

    def find(self, scope: Scope) -> tuple[BaseRoute, dict] | None:
        """The route Starlette's Router.app would pick (the first FULL match, else the first PARTIAL one,
        which answers 405), looking only at the routes that could match; None: let Starlette decide."""
        if self.routes != self.indexed:  # routes added or replaced since (tests, plugins): a list compare, ~1 µs
            self.index_routes()
        route = self.direct.get(scope["path"])
        if route is not None:  # without trying the ~100 routes before it
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                return route, child_scope
        partial = None
        for route in self.by_segment.get(first_segment(scope["path"]), ()):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                return route, child_scope
            if match is Match.PARTIAL and partial is None:
                partial = (route, child_scope)
        return partial


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


def first_segment(path: str) -> str:
    """'/forum/t/12/' -> '/forum/'; a path with one slash is its own (no route list is kept for it)."""
    end = path.find("/", 1)
    return path[:end + 1] if end > 0 else path


def routes_by_segment(routes: list) -> dict[str, list]:
    """For each first path segment the routes use, the routes that could match a path under it, in order.

    A route matches only paths that start with its literal part (the text before its first parameter), and a
    path starts with its own first segment too: so one of the two starts with the other. Keeping each route
    whose literal part passes that test keeps every route that could match, in Starlette's order, so the
    first FULL match is the one Starlette would find, without trying the ~140 others (a fifth of a forum
    topic page's time at 1,000,000 posts, bench/forum.py).
    """
    literals = [getattr(route, "path", "").split("{")[0] for route in routes]  # a Mount's path too
    segments = {first_segment(literal) for literal in literals} - {"/"}
    return {segment: [route for route, literal in zip(routes, literals, strict=True)
                      if literal.startswith(segment) or segment.startswith(literal)]
            for segment in segments if segment.endswith("/")}


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
    # Compression outermost: it also compresses the error pages SecurityMiddleware answers by itself.
    uploads = tuple(p for capability in capabilities for p in capability.upload_prefixes)
    app = Starlette(middleware=[Middleware(DynamicCompression),
                                Middleware(SecurityMiddleware, settings=settings, error_page=error_page,
                                           upload_prefixes=uploads)],
                    exception_handlers=handlers)
    prefixes = OWN_PREFIXES + tuple(p for capability in capabilities for p in capability.url_prefixes)
    app.router = ClubRouter(routes, fallback, prefixes)  # before the first request builds the middleware stack
    app.state.portal = portal
    app.state.dev = dev
    return app
