"""Who may open the forum's pages, said once: the guards its handlers wear."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from portal.forum.rules import MODERATOR_ROLES
from portal.web.guards import requires
from portal.web.templating import render


def closed_page(request: Request) -> Response:
    """For visitors who may not read the forum: what it is and the way in (register or complete the profile)."""
    return render(request, "forum/closed.html", {"next": request.url.path}, status_code=403)


members_only = requires(level="member", closed=closed_page)
moderators_only = requires(roles=MODERATOR_ROLES, refused="forum_moderators_only")
