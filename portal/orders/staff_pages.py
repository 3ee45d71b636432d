"""Staff: `/staff/orders/` (all orders, filtered by distributor, region, state and overdue, with response
times and the median per distributor; CSV export), one order with the form to pass it to another
distributor (a new event: the new distributor gets the mail, the old one loses access), and
`/staff/orders/distributors/` (which regions each distributor serves, with the history of changes).

For the roles that work with partner companies. Every form carries CSRF, passing also the seq seen and a
one-time value (a stale page is 409, a double submit one change).
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.orders import mails, routing, staff_view, store, terms
from portal.orders.access import STAFF_ROLES
from portal.web.context import portal_of, visitor, vocabularies
from portal.web.csvfile import csv_response, text_cell
from portal.web.forms import read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import format_when, render

LIST = "/staff/orders/"
DISTRIBUTORS = "/staff/orders/distributors/"
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
CSV_COLUMNS = ("number", "sent", "company", "region", "distributor", "state", "city", "wanted_on", "lines",
               "response", "overdue")


def filters_of(request: Request) -> tuple[store.Filters, bool]:
    query = request.query_params
    distributor = query.get("distributor", "")
    state = query.get("state", "")
    return store.Filters(distributor_id=whole_number(distributor) if distributor else None,
                         region=query.get("region", "")[:50],
                         state=state if state in store.STATES else ""), query.get("overdue") == "1"


def listed(request: Request) -> list[staff_view.Row]:
    portal = portal_of(request)
    filters, only_overdue = filters_of(request)
    orders = store.search(portal.db, filters)
    found = staff_view.rows(orders, store.first_answers(portal.db, [o.id for o in orders]), time.time(),
                            terms.answer_hours(portal.club), portal.zone)
    return [row for row in found if row.overdue] if only_overdue else found


@requires(roles=STAFF_ROLES)
async def staff_list(request: Request) -> Response:
    portal, who = portal_of(request), visitor(request)
    found = listed(request)
    filters, only_overdue = filters_of(request)
    return render(request, "orders/staff_list.html", {
        "rows": found, "medians": staff_view.medians(found), "duration": lambda s: staff_view.duration(s, who.language),
        "distributors": routing.distributors(portal.db), "regions": vocabularies(portal.club, who.language)["regions"],
        "states": store.STATES, "filters": filters, "only_overdue": only_overdue,
        "query": request.url.query})


@requires(roles=STAFF_ROLES)
async def export_csv(request: Request) -> Response:
    """The filtered list for Excel (web/csvfile; companies' names guarded against formulas)."""
    portal, who = portal_of(request), visitor(request)
    found = listed(request)

    def rows() -> Iterator[list]:
        yield [who.t(f"orders.csv.{key}") for key in CSV_COLUMNS]
        for row in found:
            order = row.order
            yield [order.id, format_when(order.sent_at, portal.zone), text_cell(order.company_name), order.region,
                   text_cell(order.distributor_name or ""), order.state, text_cell(order.city), order.wanted_on,
                   len(store.lines(portal.db, order.id)),
                   "" if row.response_seconds is None else round(row.response_seconds / 3600, 2),
                   "1" if row.overdue else ""]

    return csv_response("orders.csv", rows())


def order_or_404(request: Request) -> store.Order:
    order = store.get(portal_of(request).db, request.path_params["order_id"])
    if order is None:
        raise HTTPException(404)
    return order


def staff_order_page(request: Request, order: store.Order, errors: dict | None = None, status_code: int = 200):
    portal = portal_of(request)
    return render(request, "orders/staff_order.html", {
        "order": order, "lines": store.lines(portal.db, order.id), "events": store.history(portal.db, order.id),
        "distributors": [d for d in routing.distributors(portal.db) if d.id != order.distributor_id],
        "may_pass": "passed" in store.NEXT.get(order.state, ()), "nonce": secrets.token_urlsafe(16),
        "errors": errors or {},
        "region_name": vocabularies(portal.club, visitor(request).language)["regions"].get(order.region, order.region),
        "notice": visitor(request).t("orders.notice.passed") if request.query_params.get("notice") == "passed"
        else None}, status_code=status_code)


@requires(roles=STAFF_ROLES)
async def staff_order(request: Request) -> Response:
    return staff_order_page(request, order_or_404(request))


@requires(roles=STAFF_ROLES)
async def pass_on(request: Request) -> Response:
    """Pass the order to another distributor (a new event; the old distributor loses access)."""
    portal, who, order = portal_of(request), visitor(request), order_or_404(request)
    form = await read_form(request)
    nonce, seq, target = form.text("nonce", 100), whole_number(form.text("seq", 20)), form.text("distributor", 20)
    if not NONCE.fullmatch(nonce) or seq is None:
        raise HTTPException(400, "bad_form")
    chosen = whole_number(target)
    if chosen is None or all(d.id != chosen for d in routing.distributors(portal.db)):
        return staff_order_page(request, order, {"distributor": who.t("orders.error.distributor")}, 400)
    try:
        store.change(portal.db, order.id, "passed", seen_seq=seq, by_id=who.user.id, now=time.time(), nonce=nonce,
                     distributor_id=chosen)
    except store.Duplicate:
        return redirect(f"{LIST}{order.id}?notice=passed")
    except store.Stale as stale:
        errors = {"_form": who.t("orders.error.stale", state=who.t(f"orders.state.{stale.state}"))}
        return staff_order_page(request, store.get(portal.db, order.id), errors, 409)
    except store.OrderError:  # the distributor it has already (checked after the double submit's nonce)
        return staff_order_page(request, order, {"distributor": who.t("orders.error.distributor")}, 400)
    response = redirect(f"{LIST}{order.id}?notice=passed")
    response.background = mails.notify_later(portal, order.id, "passed")
    return response


def distributors_page(request: Request, errors: dict | None = None, status_code: int = 200) -> Response:
    portal = portal_of(request)
    served = routing.all_regions(portal.db)
    return render(request, "orders/staff_distributors.html", {
        "companies": [(company, served.get(company.id, ())) for company in routing.distributors(portal.db)],
        "regions": vocabularies(portal.club, visitor(request).language)["regions"],
        "history": routing.history(portal.db, limit=50),
        "errors": errors or {},
        "notice": visitor(request).t("orders.notice.regions") if request.query_params.get("notice") == "saved"
        else None}, status_code=status_code)


@requires(roles=STAFF_ROLES)
async def distributors(request: Request) -> Response:
    if request.method == "GET":
        return distributors_page(request)
    portal, who = portal_of(request), visitor(request)
    form = await read_form(request)
    company_id = whole_number(form.text("company", 20))
    chosen = form.many("region")
    known = vocabularies(portal.club, who.language)["regions"]
    if company_id is None or all(d.id != company_id for d in routing.distributors(portal.db)):
        return distributors_page(request, {"_form": who.t("orders.error.distributor")}, 400)
    if any(region not in known for region in chosen):
        return distributors_page(request, {"_form": who.t("orders.error.region")}, 400)
    routing.set_regions(portal.db, company_id, chosen, by_id=who.user.id)
    return redirect(DISTRIBUTORS + "?notice=saved")


ROUTES = [
    Route(LIST, staff_list, methods=["GET"]),
    Route(LIST + "export.csv", export_csv, methods=["GET"]),
    Route(DISTRIBUTORS, distributors, methods=["GET", "POST"]),
    Route(LIST + "{order_id:id}", staff_order, methods=["GET"]),
    Route(LIST + "{order_id:id}/pass", pass_on, methods=["POST"]),
]
