"""Sending the cart as an order `/orders/cart/send` (members of a company): a distributor among the club's
distributor companies serving the company's region, the delivery city, the date wanted (today or later, in
the club's time zone) and a comment. When no distributor serves the region the order goes to the club's
staff, who pass it to a distributor (the member is told so before sending): an order is never stuck in a
cart because the club has not yet signed up a distributor there.

Orders are never prices or payments (the distributor quotes). The form carries a one-time value: a double
submit is one order. A problem brings the form back with the input kept (400); a distributor that stopped
serving the region or a cart emptied meanwhile is 409, nothing written.
"""

from __future__ import annotations

import re
import secrets
import time
from datetime import date, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.catalogue import catalogue_for
from portal.core.companies import Company
from portal.orders import cart, mails, routing, store
from portal.orders.access import company_of
from portal.web.context import portal_of, visitor, vocabularies
from portal.web.forms import read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render

SEND = "/orders/cart/send"
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
CLUB = "club"  # the distributor field's value when the club's staff route the order


def serving(request: Request, company: Company) -> list[Company]:
    """The distributors the member may choose: those serving the region, never the member's own company."""
    found = routing.serving(portal_of(request).db, region_of(request, company))
    return [distributor for distributor in found if distributor.id != company.id]


def region_of(request: Request, company: Company) -> str:
    user = visitor(request).user
    return company.region or (user.region if user else None) or ""


def form_page(request: Request, company: Company, values: dict, errors: dict | None = None,
              status_code: int = 200) -> Response:
    portal, who = portal_of(request), visitor(request)
    region = region_of(request, company)
    values.setdefault("nonce", secrets.token_urlsafe(16))
    products = catalogue_for(portal.settings.site_dir)
    rows = [(line, products.get(line.sku)) for line in cart.lines(portal.db, who.user.id)]
    return render(request, "orders/send.html", {
        "rows": rows, "company": company, "region": region,
        "region_name": vocabularies(portal.club, who.language)["regions"].get(region, region),
        "distributors": serving(request, company), "values": values, "errors": errors or {},
        "today": today(request).isoformat()}, status_code=status_code)


def today(request: Request) -> date:
    return datetime.now(portal_of(request).zone).date()


def no_company(request: Request) -> Response:
    who = visitor(request)
    return render(request, "message.html", {
        "title": who.t("orders.send.title"), "message": who.t("orders.send.no_company"), "link": "/account/profile",
        "link_text": who.t("orders.send.profile")}, status_code=403)


@requires("member")
async def send_form(request: Request) -> Response:
    company = company_of(request)
    if company is None:
        return no_company(request)
    if request.method == "GET":
        return form_page(request, company, {})
    form = await read_form(request)
    values = {"distributor": form.text("distributor", 20), "city": form.line("city", 500),
              "wanted_on": form.text("wanted_on", 20), "comment": form.text("comment", 10_000),
              "nonce": form.text("nonce", 100)}
    if not NONCE.fullmatch(values["nonce"]):
        raise HTTPException(400, "bad_form")
    return submit(request, company, values)


def problems(request: Request, values: dict) -> dict[str, str]:
    who, found = visitor(request), {}
    if not values["city"]:
        found["city"] = who.t("orders.error.city")
    elif len(values["city"]) > store.CITY_LIMIT:
        found["city"] = who.t("orders.error.city_long", limit=store.CITY_LIMIT)
    try:
        wanted = date.fromisoformat(values["wanted_on"]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", values["wanted_on"]) \
            else None
    except ValueError:
        wanted = None
    if wanted is None:
        found["wanted_on"] = who.t("orders.error.date")
    elif wanted < today(request) or wanted.year > today(request).year + 2:
        found["wanted_on"] = who.t("orders.error.date_past")
    if len(values["comment"]) > store.COMMENT_LIMIT:
        found["comment"] = who.t("orders.error.comment_long", limit=store.COMMENT_LIMIT)
    return found


def chosen_distributor(request: Request, company: Company, text: str) -> tuple[int | None, str | None]:
    """(distributor id or None for the club, error word key or None)."""
    choices = serving(request, company)
    if not choices:
        return None, None if text in ("", CLUB) else "orders.error.distributor_gone"
    chosen = whole_number(text)
    if chosen is None:
        return None, "orders.error.distributor"
    if all(found.id != chosen for found in choices):
        return None, "orders.error.distributor_gone"
    return chosen, None


def submit(request: Request, company: Company, values: dict) -> Response:
    portal, who = portal_of(request), visitor(request)
    errors = problems(request, values)
    distributor_id, refusal = chosen_distributor(request, company, values["distributor"])
    if refusal == "orders.error.distributor":
        errors["distributor"] = who.t(refusal)
    if errors:
        return form_page(request, company, values, errors, 400)
    if refusal:
        return form_page(request, company, values, {"distributor": who.t(refusal)}, 409)
    products = catalogue_for(portal.settings.site_dir)
    held = cart.lines(portal.db, who.user.id)
    gone = [line.sku for line in held if products.get(line.sku) is None]
    if gone:
        return form_page(request, company, values, {"_form": who.t("orders.error.gone", skus=", ".join(gone))}, 409)
    names = {line.sku: products.get(line.sku).name for line in held}
    try:
        order_id = store.create(portal.db, user_id=who.user.id, company_id=company.id,
                                region=region_of(request, company), distributor_id=distributor_id,
                                city=values["city"], wanted_on=values["wanted_on"], comment=values["comment"],
                                names=names, nonce=values["nonce"], now=time.time())
    except store.Duplicate as duplicate:  # the same form twice: the first order, no second letter
        return redirect(f"/orders/{duplicate.made}/?notice=sent")
    except store.EmptyCart:
        return form_page(request, company, values, {"_form": who.t("orders.error.empty")}, 409)
    except store.OrderError as exc:
        raise HTTPException(400, "bad_form") from exc
    response = redirect(f"/orders/{order_id}/?notice=sent")
    response.background = mails.notify_later(portal, order_id, "sent")
    return response


ROUTES = [Route(SEND, send_form, methods=["GET", "POST"])]
