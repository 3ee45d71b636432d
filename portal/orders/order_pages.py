"""The orders in the cabinet: `/orders/` (the company's sent orders), `/orders/incoming/` (the orders assigned
to the visitor's distributor company), `/orders/<id>/` (one order, its lines and history, and what the
visitor may do with it), the distributor's answer (accept, ask a question, decline with a reason), the
sender's answer to a question, and the lines as CSV or XLSX.

Access is access.visible_order's: another company's order answers 404. Every change carries the seq the
person saw and a one-time value: a form from an out-of-date page is 409 with nothing written, a double
submit is one change, two people answering at once make one change (store.change).
"""

from __future__ import annotations

import re
import secrets
import time

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.orders import files, mails, store
from portal.orders.access import company_of, visible_order
from portal.orders.store import Order
from portal.web.context import portal_of, visitor, vocabularies
from portal.web.forms import read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render
from portal.web.xlsxfile import MEDIA_TYPE

LIST, INCOMING = "/orders/", "/orders/incoming/"
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
PAGE_SIZE = 30
MAX_PAGE = 10_000
NOTICES = ("sent", "accepted", "question", "declined", "answered")


def page_number(request: Request) -> int:
    return whole_number(request.query_params.get("page", "1"), MAX_PAGE) or 1


@requires("member")
async def my_orders(request: Request) -> Response:
    company, page = company_of(request), page_number(request)
    rows = store.for_company(portal_of(request).db, company.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE) \
        if company else []
    return render(request, "orders/list.html", {
        "rows": rows[:PAGE_SIZE], "page": page, "more": len(rows) > PAGE_SIZE, "company": company,
        "incoming": False, "is_distributor": company is not None and company.segment == "distributors"})


@requires("member")
async def incoming(request: Request) -> Response:
    company, page = company_of(request), page_number(request)
    rows = store.incoming(portal_of(request).db, company.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE) \
        if company else []
    return render(request, "orders/list.html", {
        "rows": rows[:PAGE_SIZE], "page": page, "more": len(rows) > PAGE_SIZE, "company": company,
        "incoming": True, "is_distributor": True})


def order_page(request: Request, order: Order, found: set[str], errors: dict | None = None,
               values: dict | None = None, status_code: int = 200) -> Response:
    portal, who = portal_of(request), visitor(request)
    notice = request.query_params.get("notice")
    return render(request, "orders/order.html", {
        "order": order, "lines": store.lines(portal.db, order.id), "events": store.history(portal.db, order.id),
        "sides": found, "may_answer": "distributor" in found and order.state in store.WAITING,
        "may_reply": "sender" in found and order.state == "question",
        "region_name": vocabularies(portal.club, who.language)["regions"].get(order.region, order.region),
        "nonce": secrets.token_urlsafe(16), "errors": errors or {}, "values": values or {},
        "notice": who.t(f"orders.notice.{notice}") if notice in NOTICES else None}, status_code=status_code)


@requires("member")
async def one_order(request: Request) -> Response:
    order, found = visible_order(request)
    return order_page(request, order, found)


async def change_form(request: Request) -> tuple[dict, int]:
    form = await read_form(request)
    values = {"action": form.text("action", 20), "note": form.text("note", 10_000), "nonce": form.text("nonce", 100)}
    seq = whole_number(form.text("seq", 20))
    if not NONCE.fullmatch(values["nonce"]) or seq is None:
        raise HTTPException(400, "bad_form")
    return values, seq


def apply(request: Request, order: Order, found: set[str], state: str, values: dict, seq: int) -> Response:
    """Write the change the person asked for, or bring the page back saying why not."""
    portal, who = portal_of(request), visitor(request)
    if state in ("declined", "question", "answered") and not values["note"]:
        return order_page(request, order, found, {"note": who.t(f"orders.error.note_{state}")}, values, 400)
    if len(values["note"]) > store.NOTE_LIMIT:
        return order_page(request, order, found, {"note": who.t("orders.error.note_long", limit=store.NOTE_LIMIT)},
                          values, 400)
    try:
        store.change(portal.db, order.id, state, seen_seq=seq, by_id=who.user.id, now=time.time(),
                     note=values["note"], nonce=values["nonce"])
    except store.Duplicate:
        return redirect(f"/orders/{order.id}/?notice={state}")
    except store.Stale as stale:
        errors = {"_form": who.t("orders.error.stale", state=who.t(f"orders.state.{stale.state}"))}
        fresh = store.get(portal.db, order.id)
        return order_page(request, fresh, found, errors, values, 409)
    response = redirect(f"/orders/{order.id}/?notice={state}")
    response.background = mails.notify_later(portal, order.id, state, values["note"])
    return response


@requires("member")
async def answer(request: Request) -> Response:
    """The distributor's people: accept, ask a question, or decline with a reason."""
    order, found = visible_order(request)
    values, seq = await change_form(request)
    state = {"accept": "accepted", "question": "question", "decline": "declined"}.get(values["action"])
    if state is None:
        raise HTTPException(400, "bad_form")
    if "distributor" not in found:
        raise HTTPException(403, "staff_only")
    return apply(request, order, found, state, values, seq)


@requires("member")
async def reply(request: Request) -> Response:
    """The sender's company answers the distributor's question."""
    order, found = visible_order(request)
    values, seq = await change_form(request)
    if "sender" not in found:
        raise HTTPException(403, "staff_only")
    return apply(request, order, found, "answered", values, seq)


@requires("member")
async def lines_file(request: Request) -> Response:
    order, _found = visible_order(request)
    if request.path_params["kind"] not in ("csv", "xlsx"):
        raise HTTPException(404)
    rows = files.line_rows(store.lines(portal_of(request).db, order.id), visitor(request).language)
    kind = request.path_params["kind"]
    data, media = (files.csv_data(rows), "text/csv; charset=utf-8") if kind == "csv" \
        else (files.xlsx_data(rows, order.id), MEDIA_TYPE)
    return Response(data, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="order-{order.id}.{kind}"', "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


ROUTES = [
    Route(LIST, my_orders, methods=["GET"]),
    Route(INCOMING, incoming, methods=["GET"]),
    Route("/orders/{order_id:id}/", one_order, methods=["GET"]),
    Route("/orders/{order_id:id}/answer", answer, methods=["POST"]),
    Route("/orders/{order_id:id}/reply", reply, methods=["POST"]),
    Route("/orders/{order_id:id}/lines.{kind:str}", lines_file, methods=["GET"]),
]
