"""The calculators' pages and JSON endpoints.

`/tools/` says what the calculators do (to everyone; members get the way in). `/tools/room/` and
`/tools/cable/` are GET forms that work without a script: the result (or the form back with each field's
problem, 400) comes on the same page; tools.js asks `/tools/lumen` and `/tools/voltage-drop` as the member
types and fills the same places in. The endpoints are for members only and stay lean: a session check,
the formulas (the utilisation factor is cached), no database writes.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from portal.core.catalogue import catalogue_for
from portal.core.identity import LEVEL_RANK
from portal.tools import calculate, formulas, presets
from portal.web.context import portal_of, visitor
from portal.web.guards import requires
from portal.web.templating import render

NO_STORE = {"Cache-Control": "no-store", "Vary": "Cookie"}  # ASVS 5.0 14.3.2: per member, never cached
LUMEN_DEFAULTS = {"height": "3", "workplane": "0.8", "mf": "0.8", "rc": "0.7", "rw": "0.5", "rf": "0.2",
                  "room": "office", "lux": "500"}
CABLE_DEFAULTS = {"phases": "1", "material": "copper", "section": "2.5", "cos_phi": "0.95"}


def open_catalogue(portal: Any) -> None:
    """on_start: the site's catalogue, found once (catalogue_for resolves the path: a fifth of an endpoint's time)."""
    portal.parts["tools_catalogue"] = catalogue_for(portal.settings.site_dir)


def products_of(request: Request):
    return portal_of(request).parts["tools_catalogue"]


def refusal(request: Request) -> Response:
    """The endpoints' answer to a visitor who is not a member: 401 (sign in) or 403 (not a member), no data."""
    who = visitor(request)
    status = 401 if who.user is None else 403
    return JSONResponse({"error": status}, status_code=status, headers=NO_STORE)


def messages(request: Request, problems: calculate.Problems) -> dict[str, str]:
    who = visitor(request)
    return {name: who.t(key, **values) for name, (key, values) in problems.items()}


def answer(request: Request, outcome: calculate.Outcome) -> Response:
    if outcome.problems:
        return JSONResponse({"errors": messages(request, outcome.problems)}, status_code=400, headers=NO_STORE)
    result = dict(outcome.result)
    if "assumptions" in result:
        result["assumptions_text"] = [visitor(request).t(key) for key in result["assumptions"]]
    return JSONResponse(result, headers=NO_STORE)


@requires(level="member", closed=refusal)
async def lumen_json(request: Request) -> Response:
    return answer(request, calculate.lumen(request.query_params, products_of(request)))


@requires(level="member", closed=refusal)
async def voltage_drop_json(request: Request) -> Response:
    return answer(request, calculate.cable(request.query_params))


async def index(request: Request) -> Response:
    """What the calculators are, for everyone; members get the links, others the way to join."""
    member = LEVEL_RANK.get(visitor(request).level, 0) >= LEVEL_RANK["member"]
    return render(request, "tools/index.html", {"member": member})


def wants_result(request: Request, required: tuple[str, ...]) -> bool:
    return any(name in request.query_params for name in required)


def lumen_context(request: Request) -> dict[str, Any]:
    catalogue = products_of(request)
    lines: dict[str, list] = {}
    for product in catalogue.products():
        lines.setdefault(product.line_name, []).append(product)
    return {"lines": lines, "skus": {p.sku for products in lines.values() for p in products},
            "rooms": presets.ROOM_TYPES, "maintenance": presets.MAINTENANCE,
            "nonce": secrets.token_urlsafe(16)}  # the save form's one-time value


def cable_context() -> dict[str, Any]:
    return {"sections": formulas.SECTIONS, "limits": formulas.LIMITS, "nonce": secrets.token_urlsafe(16)}


@requires(level="member")
async def room_page(request: Request) -> Response:
    context = lumen_context(request)
    if not wants_result(request, ("length", "width", "lux", "flux")):
        values = {**LUMEN_DEFAULTS, "sku": (request.query_params.get("sku") or "")[:calculate.SKU_LIMIT].strip()}
        product = products_of(request).get(values["sku"]) if values["sku"] else None
        values["sku"] = product.sku if product else values["sku"]
        return render(request, "tools/room.html", {**context, "values": values, "result": None})
    outcome = calculate.lumen(request.query_params, products_of(request))
    status = 400 if outcome.problems else 200
    return render(request, "tools/room.html", {**context, "values": outcome.values, "result": outcome.result,
                                               "errors": messages(request, outcome.problems)}, status_code=status)


@requires(level="member")
async def cable_page(request: Request) -> Response:
    context = cable_context()
    if not wants_result(request, ("length", "current", "power")):
        return render(request, "tools/cable.html", {**context, "values": dict(CABLE_DEFAULTS), "result": None})
    outcome = calculate.cable(request.query_params)
    status = 400 if outcome.problems else 200
    return render(request, "tools/cable.html", {**context, "values": outcome.values, "result": outcome.result,
                                                "errors": messages(request, outcome.problems)}, status_code=status)


ROUTES = [
    Route("/tools/", index, methods=["GET"]),
    Route("/tools/room/", room_page, methods=["GET"]),
    Route("/tools/cable/", cable_page, methods=["GET"]),
    Route("/tools/lumen", lumen_json, methods=["GET"]),
    Route("/tools/voltage-drop", voltage_drop_json, methods=["GET"]),
]
