"""Who may see and do what with an order, decided on the server for every request (ASVS 5.0 8.2.2): the
sender company's people, the assigned distributor company's people (only while it is assigned: one that
was replaced loses access) and staff. Everyone else gets 404, the same answer as an order that does not
exist, so ids cannot be probed."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request

from portal.core.companies import Company, get_company
from portal.orders import store
from portal.orders.store import Order
from portal.web.context import portal_of, visitor
from portal.web.forms import whole_number

STAFF_ROLES = ("staff", "admin")  # as the company pages: the roles that work with partner companies


def company_of(request: Request) -> Company | None:
    """The visitor's company (its survivor, if it was merged); None without one."""
    user = visitor(request).user
    if user is None or user.company_id is None:
        return None
    db = portal_of(request).db
    company = get_company(db, user.company_id)
    if company is not None and company.merged_into is not None:
        company = get_company(db, company.merged_into)
    return company


def is_staff(request: Request) -> bool:
    user = visitor(request).user
    return user is not None and user.role in STAFF_ROLES


def sides(request: Request, order: Order) -> set[str]:
    """The visitor's sides of the order: "sender", "distributor", "staff" (empty: none of its business)."""
    company, found = company_of(request), set()
    if company is not None and company.id == order.company_id:
        found.add("sender")
    if company is not None and order.distributor_id is not None and company.id == order.distributor_id:
        found.add("distributor")
    if is_staff(request):
        found.add("staff")
    return found


def visible_order(request: Request) -> tuple[Order, set[str]]:
    """The order in the URL with the visitor's sides; 404 for another's and for none (the same answer)."""
    order_id = whole_number(str(request.path_params.get("order_id", "")))
    order = store.get(portal_of(request).db, order_id) if order_id else None
    found = sides(request, order) if order is not None else set()
    if order is None or not found:
        raise HTTPException(404)
    return order, found
