"""Staff tools: find members, suspend and restore membership.

Least privilege (docs/operators.md, «Staff roles»): members' e-mails and phones are for the
roles that work with partners — staff (managers) and admins; moderators and editors do not see them.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core import identity
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render

PAGE_SIZE = 50
MEMBER_DATA_ROLES = ("staff", "admin")  # who sees members' e-mails and phones and may suspend



@requires(roles=MEMBER_DATA_ROLES)
async def members(request: Request) -> Response:
    query = request.query_params.get("q", "")[:100]
    people = identity.find_people(portal_of(request).db, query, PAGE_SIZE)
    return render(request, "staff_members.html", {"people": people, "q": query})


@requires(roles=MEMBER_DATA_ROLES)
async def suspend(request: Request) -> Response:
    who = visitor(request)
    portal, form = portal_of(request), await read_form(request)
    user_id = whole_number(form.text("user", 20))
    if user_id is None:
        raise HTTPException(400, "bad_form")
    target = identity.get_user(portal.db, user_id)
    if target is None:
        raise HTTPException(404)
    if not identity.outranks(who.user, target):
        raise HTTPException(403, "rank")
    if form.text("action") == "suspend":
        identity.suspend_user(portal.db, user_id, form.text("reason", 500) or "—")
    else:
        identity.unsuspend_user(portal.db, user_id)
    return redirect("/staff/members")


ROUTES = [
    Route("/staff/members", members, methods=["GET"]),
    Route("/staff/members", suspend, methods=["POST"]),
]
