"""Portal pages: Jinja templates from themes/portal/templates, always `no-store` (they are per person)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import club_themes
import jinja2
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from portal.core.i18n import LANG_COOKIE
from portal.core.identity import LEVEL_RANK
from portal.core.security import CSRF_PLACEHOLDER, csrf_token, with_token
from portal.web.context import portal_of, visitor
from portal.web.shell import shell_files
from site_builder.contract.shell import VERSION_META

THEMES = club_themes.ROOT / "portal"
TEMPLATES = THEMES / "templates"
STATIC = THEMES / "static"

# auto_reload off: no stat() of every template on every include (a topic page includes per post);
# templates change only with a deploy, which restarts the server.
ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, auto_reload=False,
                         trim_blocks=True, lstrip_blocks=True)
ACCOUNT_AREAS = 10_000  # rendered header account areas kept (a few KB each)
_ACCOUNT_AREAS: dict[tuple, str] = {}


def format_when(timestamp: float | None, zone: ZoneInfo) -> str:
    """A time on the portal's pages: "03.12.2026 14:30" in `zone`, the club's (Portal.zone)."""
    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp, zone).strftime("%d.%m.%Y %H:%M")


@jinja2.pass_context
def when_filter(context: jinja2.runtime.Context, timestamp: float | None) -> str:
    """`{{ post.created_at | when }}`: in the club's zone, which every render passes as `club_zone`."""
    return format_when(timestamp, context["club_zone"])


ENV.filters["when"] = when_filter


def header_links(portal, user) -> list[tuple[str, str]]:
    """(url, word key) for the header: capabilities' links for the visitor's level, staff tools for their role
    (worked out once per level and role: the capabilities do not change while the portal runs)."""
    if user is None:
        return []
    known = portal.parts.setdefault("header_links", {})
    found = known.get((user.level, user.role))
    if found is None:
        found = known[(user.level, user.role)] = links_for(portal, user)
    return list(found)


def links_for(portal, user) -> tuple[tuple[str, str], ...]:
    rank = LEVEL_RANK.get(user.level, 0)
    links = [(link.order, link.url, link.label) for capability in portal.capabilities
             for link in capability.nav_links if rank >= LEVEL_RANK[link.level]]
    links += [(100 + entry.order, entry.url, entry.label) for capability in portal.capabilities
              for entry in capability.staff_menu if entry.header and user.role in entry.roles]
    return tuple((url, label) for _order, url, label in sorted(links))


def club_menu(portal, user) -> list[tuple[str, str]]:
    """(url, word key) of the member's club menu in the site's header: the cabinet, the header links,
    the staff home for staff. The same on portal pages (_shell_account.html) and on the static site's
    (club.js builds it from /account/status)."""
    if user is None:
        return []
    staff = [("/staff/", "nav.staff_home")] if user.role else []
    return [("/account/", "nav.account"), *header_links(portal, user), *staff]


def account_area(values: dict) -> Markup:
    """The shell header's account area (_shell_account.html), rendered once per language, name, level and
    menu and kept (ACCOUNT_AREAS of them): only the sign-out form's token differs from page to page. It was a
    quarter of the shell's cost on a forum topic page (bench/forum.py)."""
    user = values["user"]
    key = (values["lang"], user.name if user else None, values["level"], tuple(values["club_menu"]))
    html = _ACCOUNT_AREAS.get(key)
    if html is None:
        html = ENV.get_template("_shell_account.html").render({**values, "csrf": CSRF_PLACEHOLDER})
        if len(_ACCOUNT_AREAS) >= ACCOUNT_AREAS:
            _ACCOUNT_AREAS.pop(next(iter(_ACCOUNT_AREAS)))  # the oldest: a bound, not an LRU
        _ACCOUNT_AREAS[key] = html
    return Markup(with_token(html, values["csrf"]))  # noqa: S704 - an autoescaping template's output


def render(request: Request, template: str, context: dict | None = None, status_code: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    portal = portal_of(request)
    who = visitor(request)
    values = {
        "request": request,
        "t": who.t,
        "lang": who.language,
        "user": who.user,
        "level": who.level,
        "site_name": portal.site_name,
        "header_links": header_links(portal, who.user),
        "club_menu": club_menu(portal, who.user),
        "club_zone": portal.zone,
        "csrf": csrf_token(request, portal.settings, who.session.id_hash if who.session else None),
        "oidc_name": portal.settings.oidc.name if portal.settings.oidc else None,
        "errors": {},
        "values": {},
        "notice": None,
    }
    values.update(context or {})
    shell = shell_files(portal).get(who.language) if "shell" not in values else values["shell"]
    values["shell"] = shell.shell if shell else None
    if shell is not None:
        values["shell_account"] = account_area(values)
    body = ENV.get_template(template).render(values)
    response = HTMLResponse(body, status_code=status_code, headers=headers)
    if shell is not None and VERSION_META in body:  # a page in the shell (not e.g. a print page)
        # ASVS 5.0 3.4.3: the shell's inline scripts allowed by hash, nothing else inline
        response.headers["Content-Security-Policy"] = shell.csp
    response.headers["Cache-Control"] = "no-store"  # ASVS 5.0 14.3.2: personal pages never cached
    response.headers["Vary"] = "Cookie"
    if request.query_params.get("lang") in ("ru", "en"):
        response.set_cookie(LANG_COOKIE, request.query_params["lang"], max_age=365 * 24 * 3600,
                            samesite="lax", secure=portal.settings.https)
    return response
