"""Saved calculations: save under a project name, the list by project, one calculation, its print view, delete.

A calculation is its author's: to anyone else its number does not exist (404, ASVS 5.0 8.2.2). Saving
computes again from the posted inputs (the browser's numbers are never stored as results), and the form's
one-time value makes a double submit one row. Delete really deletes: a saved calculation is a worksheet,
not a record of money or an order (an order made from it keeps its own lines), and the member may want it
gone (152-FZ art. 21).
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.tools import calculate, store
from portal.tools.pages import cable_context, lumen_context, messages, products_of
from portal.web.context import portal_of, visitor
from portal.web.forms import Form, read_form
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render

NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
NOTICES = {"saved": "tools.saved.notice", "deleted": "tools.saved.deleted"}
PAGES = {"lumen": "tools/room.html", "cable": "tools/cable.html"}


ADVISERS = ("staff", "admin")  # staff roles that answer requests for advice, which link to the calculation


def own_or_404(request: Request) -> store.Saved:
    """The member's own calculation; to advisers any (read only); to everyone else nothing (ASVS 5.0 8.2.2)."""
    who, db, number = visitor(request), portal_of(request).db, request.path_params["calc_id"]
    found = store.find(db, number) if who.user.role in ADVISERS else store.get(db, number, who.user.id)
    if found is None:
        raise HTTPException(404)
    return found


def calculator_again(request: Request, kind: str, outcome: calculate.Outcome, problems: dict,
                     status_code: int, project: str) -> Response:
    """The calculator's page with the posted values, the result if any, and what is wrong (nothing is lost)."""
    context = lumen_context(request) if kind == "lumen" else cable_context()
    values = {**outcome.values, "project": project}
    return render(request, PAGES[kind], {**context, "values": values, "result": outcome.result,
                                         "nonce": secrets.token_urlsafe(16), "errors": messages(request, problems)},
                  status_code=status_code)


def run(kind: str, form: Form, request: Request) -> calculate.Outcome:
    names = calculate.LUMEN_FIELDS if kind == "lumen" else calculate.CABLE_FIELDS
    source = {name: form.text(name, 100) for name in names}
    return calculate.lumen(source, products_of(request)) if kind == "lumen" else calculate.cable(source)


@requires(level="member")
async def save(request: Request) -> Response:
    form = await read_form(request)
    kind, nonce, project = form.text("kind", 10), form.text("nonce", 100), form.line("project", 1000)
    if kind not in PAGES or not NONCE.fullmatch(nonce):
        raise HTTPException(400, "bad_form")
    outcome = run(kind, form, request)
    problems = dict(outcome.problems)
    if not project or len(project) > store.PROJECT_LIMIT:
        problems["project"] = ("tools.error.project", {})
    if problems:
        return calculator_again(request, kind, outcome, problems, 400, project)
    portal, who = portal_of(request), visitor(request)
    if store.count_of(portal.db, who.user.id) >= store.PER_MEMBER:
        return calculator_again(request, kind, outcome, {"project": ("tools.error.too_many", {})}, 409, project)
    try:
        saved_id = store.save(portal.db, who.user.id, who.user.company_id, kind, project, outcome.sku,
                              outcome.values, outcome.result, nonce)
    except store.Duplicate as duplicate:  # the same form sent twice: one calculation, the first
        if duplicate.user_id != who.user.id:
            raise HTTPException(400, "bad_form") from None
        saved_id = duplicate.calculation_id
    return redirect(f"/tools/saved/{saved_id}?notice=saved")


@requires(level="member")
async def saved_list(request: Request) -> Response:
    who = visitor(request)
    projects: dict[str, list[store.Saved]] = {}
    for item in store.saved_by(portal_of(request).db, who.user.id):
        projects.setdefault(item.project, []).append(item)
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return render(request, "tools/saved.html", {"projects": projects, "notice": who.t(notice) if notice else None})


def advice_link(request: Request, item: store.Saved) -> str:
    subject = visitor(request).t("tools.saved.advice_subject", project=item.project)
    return "/feedback/new?" + urlencode({"kind": "advice", "subject": subject, "page": f"/tools/saved/{item.id}"})


@requires(level="member")
async def show(request: Request) -> Response:
    item, who = own_or_404(request), visitor(request)
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return render(request, "tools/saved_one.html", {"item": item, "advice": advice_link(request, item),
                                                    "mine": item.user_id == who.user.id,
                                                    "notice": who.t(notice) if notice else None})


@requires(level="member")
async def print_view(request: Request) -> Response:
    return render(request, "tools/print.html", {"item": own_or_404(request)})


@requires(level="member")
async def delete(request: Request) -> Response:
    await read_form(request)
    if not store.delete(portal_of(request).db, request.path_params["calc_id"], visitor(request).user.id):
        raise HTTPException(404)
    return redirect("/tools/saved/?notice=deleted")


def card(request: Request) -> dict:
    """The cabinet card: how many calculations the member keeps."""
    return {"count": store.count_of(portal_of(request).db, visitor(request).user.id)}


ROUTES = [
    Route("/tools/save", save, methods=["POST"]),
    Route("/tools/saved/", saved_list, methods=["GET"]),
    Route("/tools/saved/{calc_id:id}", show, methods=["GET"]),
    Route("/tools/saved/{calc_id:id}/print", print_view, methods=["GET"]),
    Route("/tools/saved/{calc_id:id}/delete", delete, methods=["POST"]),
]
