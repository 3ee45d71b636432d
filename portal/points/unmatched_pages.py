"""Staff: `/staff/points/unmatched/` — the shipments kept aside because their INN matched no company, by INN
(lines, roubles, first and last date, where they came from), each with a form that gives them to a company
(what `club points unmatched` and `club points match` do on the command line).

The form finds the company by name, INN or #id. A company whose own INN differs from the lines' INN, or an
INN that fails its check digits, needs a confirmation tick first. The form carries a one-time value written
with the rows (imported_by "staff:<email> form:<nonce>"): a double submit attaches once and both presses land
on the same result. INN lines someone else attached meanwhile answer 409 with the problem named.

After attaching, the result says what happens to the points, month by month:
  - next: the month is not accrued for the company yet and the job will do it (the previous month or later);
  - command: an older month the job no longer looks at: `club points accrue --month YYYY-MM`;
  - accrued: the company was accrued for that month already: the page says how many points the month is
    worth more now; the next accrual of the month writes the difference (recount.py; the job does the
    previous month, `club points accrue --month YYYY-MM` any month).
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from sqlite_utils import Database
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.companies import Company, find_company, get_company, inn_is_valid
from portal.points import accrual, customers, recount, shipments
from portal.points.staff_pages import POINTS_ROLES
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render

NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
INN = re.compile(r"\d{1,12}")
QUERY_LIMIT = 200
LISTED = 200  # INNs on the page, the most lines first (the command line lists up to 1,000)


@dataclass(frozen=True)
class MonthOutcome:
    month: str
    state: str                 # "next" | "command" | "accrued" (see the module's docstring)
    missing: int | None = None  # accrued: points the month is worth more now; None when the rule is broken


@dataclass(frozen=True)
class Result:
    inn: str
    attached: shipments.Attached
    company: Company | None
    months: tuple[MonthOutcome, ...]


def roubles(kopecks: int) -> str:
    """1 840 000,50 — as the accounting file writes it (a thin space between thousands)."""
    whole, cents = divmod(kopecks, 100)
    return f"{whole:,}".replace(",", "\u202f") + f",{cents:02d}"


def outcomes(db: Database, company_id: int, months: tuple[str, ...], rule: accrual.Rule | None,
             today: date) -> tuple[MonthOutcome, ...]:
    """What becomes of the attached lines' points, per month (accrual.accrue: once per company and month)."""
    accrued, due = accrual.accrued_points(db, company_id, list(months)), accrual.previous_month(today)
    found = []
    for month in months:
        if month in accrued:
            worth = None if rule is None else rule.points(accrual.totals(db, month, rule).get(company_id, (0, 0))[1])
            got = recount.standing(db, month).get(company_id, (accrued[month], 0))[0]
            found.append(MonthOutcome(month, "accrued", None if worth is None else max(0, worth - got)))
        else:
            found.append(MonthOutcome(month, "next" if month >= due else "command"))
    return tuple(found)


def club_rule(request: Request) -> accrual.Rule | None:
    try:
        return accrual.club_rule(portal_of(request).club)
    except accrual.RuleError:  # `club check` names it; the page still attaches, without the sum
        return None


def result_of(request: Request, inn: str, nonce: str) -> Result | None:
    """The result of the form `nonce` for `inn`, read back from the rows it wrote (any staff member may look)."""
    db = portal_of(request).db
    found = shipments.attached_by(db, inn, marker(nonce))
    if found is None:
        return None
    company = get_company(db, found.company_id)
    today = datetime.now(portal_of(request).zone).date()
    months = outcomes(db, company.id, found.months, club_rule(request), today) if company else ()
    return Result(inn, found, company, months)


def marker(nonce: str) -> str:
    """The end of `imported_by` a form writes ("staff:<id> form:<nonce>"): a double submit finds it."""
    return f" form:{nonce}"


def list_page(request: Request, form: dict | None = None, problem: str = "", status_code: int = 200,
              result: Result | None = None) -> Response:
    """The list; `form`: the posted INN's values and errors (kept), `problem`: one named above the list."""
    db = portal_of(request).db
    kept = shipments.kept_inns(db, LISTED)
    forms = {row.inn: {"nonce": secrets.token_urlsafe(16), "company": "", "confirm": "", "errors": {},
                       "warning": "", "company_id": None} for row in kept}
    if form is not None and form["inn"] in forms:
        forms[form["inn"]].update({key: value for key, value in form.items() if key != "nonce"})
    return render(request, "points/staff_unmatched.html", {
        "rows": kept, "forms": forms, "valid": {row.inn: inn_is_valid(row.inn) for row in kept},
        "roubles": roubles, "more": len(kept) >= LISTED, "problem": problem, "result": result,
        "query_limit": QUERY_LIMIT, "registered": customers.registered(db, [row.inn for row in kept])},
        status_code=status_code)


@requires(roles=POINTS_ROLES)
async def unmatched(request: Request) -> Response:
    inn, nonce = request.query_params.get("inn", "")[:12], request.query_params.get("form", "")[:64]
    result = result_of(request, inn, nonce) if INN.fullmatch(inn) and NONCE.fullmatch(nonce) else None
    return list_page(request, result=result)


def choose(request: Request, values: dict) -> tuple[Company | None, dict, str]:
    """The company the form names, and the problems (each named) or the warning that needs the tick. The tick
    carries the company's id: it confirms the company warned about, not one typed in after the warning."""
    t, db = visitor(request).t, portal_of(request).db
    if not values["company"]:
        return None, {"company": t("points.unmatched.error.empty")}, ""
    company = find_company(db, values["company"])
    if company is None:
        return None, {"company": t("points.unmatched.error.no_company", q=values["company"])}, ""
    if company.merged_into is not None:  # a merged duplicate: its points are its survivor's
        company = get_company(db, company.merged_into) or company
    warnings = []
    if company.inn and company.inn != values["inn"]:
        warnings.append(t("points.unmatched.warn.other_inn", name=company.name, inn=company.inn))
    if not inn_is_valid(values["inn"]):
        warnings.append(t("points.unmatched.warn.bad_inn", inn=values["inn"]))
    warning = " ".join(warnings)
    if warning and values["confirm"] != str(company.id):
        return company, {"confirm": t("points.unmatched.error.confirm")}, warning
    return company, {}, warning


@requires(roles=POINTS_ROLES)
async def attach(request: Request) -> Response:
    who, db = visitor(request), portal_of(request).db
    form = await read_form(request)
    values = {"inn": form.text("inn", 12), "company": form.line("company", QUERY_LIMIT),
              "confirm": form.text("confirm", 20), "nonce": form.text("nonce", 100)}
    if not NONCE.fullmatch(values["nonce"]) or not INN.fullmatch(values["inn"]):
        raise HTTPException(400, "bad_form")  # hidden fields only a tampered form gets wrong
    done = f"/staff/points/unmatched/?{urlencode({'inn': values['inn'], 'form': values['nonce']})}"
    by = f"staff:{who.user.id}{marker(values['nonce'])}"
    if shipments.attached_by(db, values["inn"], marker(values["nonce"])) is not None:
        return redirect(done)  # the same form again (a double click, a resent page): attached once already
    company, errors, warning = choose(request, values)
    if errors or company is None:
        found = {"warning": warning, "company_id": company.id if company else None}
        return list_page(request, {**values, "errors": errors, **found}, status_code=400)
    attached = shipments.attach_kept(db, values["inn"], company.id, time.time(), by)
    if attached.lines == 0:
        # The other press of this same form won the race: it is the same result.
        if shipments.attached_by(db, values["inn"], marker(values["nonce"])) is not None:
            return redirect(done)
        problem = who.t("points.unmatched.error.gone", inn=values["inn"], q=values["company"])
        return list_page(request, values, problem, status_code=409)
    return redirect(done)


ROUTES = [
    Route("/staff/points/unmatched/", unmatched, methods=["GET"]),
    Route("/staff/points/unmatched/attach", attach, methods=["POST"]),
]
