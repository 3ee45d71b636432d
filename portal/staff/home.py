"""`/staff/`: the staff home — the tools the visitor's roles allow, from every capability's staff menu.

Until the dashboard arrives (it will live here too), this page is the menu: each entry links to a
staff page whose own guard decides again (a menu never grants access, it only shows the way).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.identity import ROLES
from portal.web.context import portal_of, visitor
from portal.web.guards import requires
from portal.web.templating import render


def menu_for(capabilities, role: str | None) -> list[tuple[str, str]]:
    """(url, word key) of every staff tool this role may open, in the capabilities' order."""
    entries = [entry for capability in capabilities for entry in capability.staff_menu if role in entry.roles]
    return [(entry.url, entry.label) for entry in sorted(entries, key=lambda entry: entry.order)]


@requires(roles=ROLES)
async def home(request: Request) -> Response:
    who = visitor(request)
    return render(request, "staff_home.html", {"tools": menu_for(portal_of(request).capabilities, who.user.role)})


ROUTES = [Route("/staff/", home, methods=["GET"])]
