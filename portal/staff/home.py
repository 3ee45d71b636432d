"""`/staff/`: the staff dashboard (every capability's panels for a period) and, beside it, the tools the
visitor's roles allow, from every capability's staff menu. `/staff/dashboard/<panel>.csv|.xlsx?<period>`:
one panel's numbers as a download.

Each menu entry links to a staff page whose own guard decides again (a menu never grants access, it
only shows the way); each panel names the roles that see it (DashboardPanel.roles), checked here for
the page and for its downloads alike (ASVS 5.0 8.2.1).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode, urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route

from portal.core.identity import ROLES
from portal.staff import dashboard, periods
from portal.staff.dashboard_view import Numbers, chart_of, table_rows
from portal.web.context import Portal, portal_of, visitor
from portal.web.csvfile import csv_bytes, text_cell
from portal.web.guards import requires
from portal.web.templating import ENV, render
from portal.web.xlsxfile import MEDIA_TYPE, xlsx_bytes


def menu_for(capabilities, role: str | None) -> list[tuple[str, str]]:
    """(url, word key) of every staff tool this role may open, in the capabilities' order."""
    entries = [entry for capability in capabilities for entry in capability.staff_menu if role in entry.roles]
    return [(entry.url, entry.label) for entry in sorted(entries, key=lambda entry: entry.order)]


def opener(request: Request, role: str | None):
    """`opens(url)` for the template: may this role open the page a figure links to? Asked of the page's own
    guard (`requires` marks its endpoint), so a moderator is not shown a link to members' e-mails; a path no
    route claims (the built site) is left to the site."""
    scope = {"type": "http", "method": "GET", "path": "", "root_path": ""}
    known: dict[str, bool] = {}

    def opens(url: str) -> bool:
        path = urlsplit(url).path
        if path not in known:
            known[path] = _allowed(request.app.routes, {**scope, "path": path}, role)
        return known[path]

    return opens


def _allowed(routes, scope: dict, role: str | None) -> bool:
    for route in routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            wanted = getattr(getattr(route, "endpoint", None), "requires", (None, None))[1]
            return wanted is None or role in wanted
    return True


def warm_up(portal: Portal) -> None:
    """At start, what the first look would otherwise pay for: the page's templates compiled, the number
    and date formats of both languages loaded (tens of milliseconds on a busy server)."""
    for name in ("staff_home.html", "_bar_chart.html"):
        ENV.get_template(name)
    for language in ("ru", "en"):
        Numbers(language, str).value(1.5, "%")
        Numbers(language, str).period(periods.quarter_of(datetime.now(portal.zone).date()))


def figure_cache(portal: Portal) -> dashboard.FigureCache:
    return portal.parts.setdefault("staff.dashboard", dashboard.FigureCache())


def choose(request: Request) -> periods.Choice:
    today = datetime.now(portal_of(request).zone).date()
    return periods.read_period(request.query_params, today)


@requires(roles=ROLES)
async def home(request: Request) -> Response:
    who, portal, choice = visitor(request), portal_of(request), choose(request)
    num = Numbers(who.language, who.t)
    context = {"tools": menu_for(portal.capabilities, who.user.role), "values": choice.values, "num": num,
               "errors": {name: who.t(key) for name, key in choice.errors.items()}, "panels": [],
               "opens": opener(request, who.user.role)}
    if choice.period is None:
        return render(request, "staff_home.html", context, status_code=400)
    panels = dashboard.panels_for(portal.capabilities, who.user.role)
    views = dashboard.views(portal.db, portal.settings, panels, choice.compared, who.language, figure_cache(portal))
    return render(request, "staff_home.html", {
        **context, "compared": choice.compared, "query": urlencode(periods.query_of(choice)),
        "panels": [(item, [(rows, chart_of(rows, num)) for rows in item.breakdowns]) for item in views]})


@requires(roles=ROLES)
async def download(request: Request) -> Response:
    who, portal, choice = visitor(request), portal_of(request), choose(request)
    panel = dashboard.find_panel(portal.capabilities, request.path_params["panel"])
    if panel is None or request.path_params["kind"] not in ("csv", "xlsx"):
        raise HTTPException(404)
    if who.user.role not in panel.roles:
        raise HTTPException(403, "staff_only")
    if choice.period is None:
        raise HTTPException(400, "bad_form")
    item = dashboard.view(portal.db, portal.settings, panel, choice.compared, who.language, figure_cache(portal))
    if item.failed:
        raise HTTPException(503)
    num = Numbers(who.language, who.t)
    period = choice.period
    rows = [[text_cell(cell) if isinstance(cell, str) else cell for cell in row]
            for row in table_rows(item, num, choice.compared)]
    name = f"{panel.key}-{period.start.isoformat()}-{period.end.isoformat()}"
    if request.path_params["kind"] == "csv":
        return Response(csv_bytes(rows), media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"', "Cache-Control": "no-store"})
    return Response(xlsx_bytes(rows, who.t(panel.title), fallback=panel.key), media_type=MEDIA_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{name}.xlsx"', "Cache-Control": "no-store"})


ROUTES = [Route("/staff/", home, methods=["GET"]),
          Route("/staff/dashboard/{panel:str}.{kind:str}", download, methods=["GET"])]
