"""The cart `/orders/cart/` (members): add one product (the product page's link and the calculators'
"turn into an order" button post to /orders/cart/add), paste "SKU quantity" lines or upload a CSV, change
quantities, remove lines. Every SKU is checked against the built catalogue.

Adding one product sets its line to the quantity asked (a double submit changes nothing twice); pasted and
uploaded lines add to what is there. A paste or a file with problems writes nothing: the page comes back
(400) with the text kept, each problem named with its line, the lines that are fine listed, and a button
to add those and skip the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.catalogue import catalogue_for
from portal.core.security import safe_next
from portal.orders import cart, pasted
from portal.orders.access import company_of
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render
from portal.web.uploads import read_upload_form

CART = "/orders/cart/"
PASTE_LIMIT = 50_000   # characters of pasted text
FILE_LIMIT = 1024 * 1024  # bytes of an uploaded CSV
SOURCE = re.compile(r"[a-z]{1,20}(:[A-Za-z0-9_-]{1,20})?")


def find_sku(request: Request) -> Callable[[str], str | None]:
    """SKU text -> the catalogue's spelling of it, or None."""
    products = catalogue_for(portal_of(request).settings.site_dir)

    def find(text: str) -> str | None:
        entry = products.get(text)
        return entry.sku if entry is not None else None

    return find


def cart_page(request: Request, values: dict | None = None, errors: dict | None = None, reading=None,
              status_code: int = 200) -> Response:
    portal, who = portal_of(request), visitor(request)
    products = catalogue_for(portal.settings.site_dir)
    rows = [(line, products.get(line.sku)) for line in cart.lines(portal.db, who.user.id)]
    return render(request, "orders/cart.html", {
        "rows": rows, "values": values or {}, "errors": errors or {}, "reading": reading,
        "has_company": company_of(request) is not None,
        "notice": who.t(f"orders.notice.{request.query_params.get('notice')}")
        if request.query_params.get("notice") in ("added", "saved", "removed") else None}, status_code=status_code)


@requires("member")
async def show_cart(request: Request) -> Response:
    return cart_page(request)


def quantity_of(text: str) -> int | None:
    return pasted.quantity(text) if text.strip() else None


def add_page(request: Request, values: dict, errors: dict | None = None, status_code: int = 200) -> Response:
    who = visitor(request)
    product = catalogue_for(portal_of(request).settings.site_dir).get(values.get("sku", ""))
    if product is None:
        message = who.t("orders.error.unknown_sku", sku=values.get("sku", "")[:64])
        return render(request, "message.html", {
            "title": who.t("orders.add.title"), "message": message, "link": CART,
            "link_text": who.t("orders.cart.title")}, status_code=404 if status_code == 200 else status_code)
    held = {line.sku: line.quantity for line in cart.lines(portal_of(request).db, who.user.id)}.get(product.sku)
    values.setdefault("quantity", str(held or 1))
    return render(request, "orders/add.html", {"product": product, "held": held, "values": values,
                                                "errors": errors or {}}, status_code=status_code)


@requires("member")
async def add(request: Request) -> Response:
    if request.method == "GET":
        query = request.query_params
        values = {"sku": query.get("sku", "")[:64], "source": query.get("source", "")[:41],
                  "next": safe_next(query.get("next"), CART)}
        if query.get("quantity"):
            values["quantity"] = query.get("quantity", "")[:20]
        return add_page(request, values)
    form = await read_form(request)
    values = {"sku": form.text("sku", 64), "quantity": form.text("quantity", 20), "source": form.text("source", 41),
              "next": safe_next(form.text("next", 500), CART)}
    who, products = visitor(request), catalogue_for(portal_of(request).settings.site_dir)
    product = products.get(values["sku"])
    if product is None:
        return add_page(request, values, status_code=400)
    amount = quantity_of(values["quantity"])
    if amount is None:
        return add_page(request, values, {"quantity": who.t("orders.error.quantity", limit=pasted.MAX_QUANTITY)}, 400)
    source = values["source"] if SOURCE.fullmatch(values["source"]) else "catalogue"
    try:
        cart.set_line(portal_of(request).db, who.user.id, product.sku, amount, source)
    except cart.CartFull:
        return add_page(request, values, {"_form": who.t("orders.error.cart_full", limit=cart.MAX_LINES)}, 409)
    return redirect(CART + "?notice=added" if values["next"] == CART else values["next"])


def add_reading(request: Request, reading: pasted.Reading, skip_bad: bool, values: dict, source: str) -> Response:
    """Add what was read, or bring the page back with the problems (nothing written)."""
    who = visitor(request)
    if reading.too_many:
        return cart_page(request, values, {"_form": who.t("orders.error.too_many", limit=pasted.MAX_LINES)}, None, 400)
    if not reading.items and not reading.problems:
        return cart_page(request, values, {"_form": who.t("orders.error.nothing")}, None, 400)
    if reading.problems and (not skip_bad or not reading.items):
        return cart_page(request, values, {"_form": who.t("orders.error.lines")}, reading, 400)
    try:
        cart.add(portal_of(request).db, who.user.id, reading.items.items(), source)
    except cart.CartFull:
        return cart_page(request, values, {"_form": who.t("orders.error.cart_full", limit=cart.MAX_LINES)}, reading,
                         409)
    return redirect(CART + "?notice=added")


@requires("member")
async def paste(request: Request) -> Response:
    form = await read_form(request)
    text = form.data.get("lines", "")
    if not isinstance(text, str) or len(text) > PASTE_LIMIT:
        return cart_page(request, {}, {"lines": visitor(request).t("orders.error.paste_long", limit=PASTE_LIMIT)},
                         None, 400)
    reading = pasted.read_text(text, find_sku(request))
    return add_reading(request, reading, form.checked("skip_bad"), {"lines": text}, "paste")


@requires("member")
async def upload(request: Request) -> Response:
    form, chosen = await read_upload_form(request)
    who = visitor(request)
    try:
        if len(chosen) != 1:
            return cart_page(request, {}, {"file": who.t("orders.error.file_one")}, None, 400)
        data = await chosen[0].read(FILE_LIMIT + 1)
        skip_bad = form.checked("skip_bad")
    finally:
        await form.data.close()
    if len(data) > FILE_LIMIT:
        return cart_page(request, {}, {"file": who.t("orders.error.file_big", limit=FILE_LIMIT // 1024)}, None, 400)
    if not data.strip() or b"\x00" in data:
        return cart_page(request, {}, {"file": who.t("orders.error.file_csv")}, None, 400)
    return add_reading(request, pasted.read_csv(data, find_sku(request)), skip_bad, {}, "csv")


@requires("member")
async def update(request: Request) -> Response:
    """New quantities for the cart's lines (0 removes a line)."""
    form, who = await read_form(request), visitor(request)
    skus, amounts = form.many("sku"), form.many("quantity")
    if len(skus) != len(amounts):
        raise HTTPException(400, "bad_form")
    wanted, errors = {}, {}
    for sku, text in zip(skus, amounts, strict=True):
        amount = 0 if text.strip() in ("0", "0,0", "0.0") else quantity_of(text)
        if amount is None:
            errors[f"q-{sku}"] = who.t("orders.error.quantity", limit=pasted.MAX_QUANTITY)
        wanted[sku] = amount
    if errors:
        return cart_page(request, {"quantities": dict(zip(skus, amounts, strict=True))}, errors, None, 400)
    cart.set_quantities(portal_of(request).db, who.user.id, wanted)
    return redirect(CART + "?notice=saved")


@requires("member")
async def remove(request: Request) -> Response:
    form = await read_form(request)
    cart.remove(portal_of(request).db, visitor(request).user.id, form.text("sku", 64))
    return redirect(CART + "?notice=removed")


ROUTES = [
    Route(CART, show_cart, methods=["GET"]),
    Route(CART + "add", add, methods=["GET", "POST"]),
    Route(CART + "paste", paste, methods=["POST"]),
    Route(CART + "upload", upload, methods=["POST"]),
    Route(CART + "update", update, methods=["POST"]),
    Route(CART + "remove", remove, methods=["POST"]),
]
