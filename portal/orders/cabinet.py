"""The cabinet's card "Orders": the cart's size, the company's latest orders and, for a distributor, the
orders waiting for its answer."""

from __future__ import annotations

from starlette.requests import Request

from portal.orders import cart, store
from portal.orders.access import company_of
from portal.web.context import portal_of, visitor


def card(request: Request) -> dict:
    user, company = visitor(request).user, company_of(request)
    if user is None or company is None:
        return {"company": None}
    db = portal_of(request).db
    waiting = [o for o in store.incoming(db, company.id, 50) if o.state in store.WAITING] \
        if company.segment == "distributors" else []
    return {"company": company, "cart": cart.count(db, user.id), "latest": store.for_company(db, company.id, 3),
            "waiting": len(waiting), "is_distributor": company.segment == "distributors"}
