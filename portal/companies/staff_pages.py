"""Staff pages: the company directory (/staff/companies/), its CSV, and the company card with its actions.

For managers and admins (the roles that work with partners and see their contacts). Every action is
a form POST; a refused one shows the card again with the problem named and the input kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.companies import contacts, directory
from portal.companies.card import card_values, company_or_404, parse_when
from portal.companies.mails import representative_changed
from portal.core import companies
from portal.core.identity import get_user
from portal.web.context import portal_of, visitor
from portal.web.context import vocabularies as club_vocabularies
from portal.web.csvfile import csv_response
from portal.web.forms import read_form, whole_number
from portal.web.guards import requires
from portal.web.letters import send_all_later
from portal.web.navigation import redirect
from portal.web.templating import render

COMPANY_ROLES = ("staff", "admin")  # who works with partners (least privilege: not moderators or editors)
NOTE_LIMIT = 2000


def filters_of(request: Request) -> directory.Filters:
    query = request.query_params
    manager = query.get("manager", "")
    return directory.Filters(
        q=query.get("q", "")[:100], segment=query.get("segment", "")[:50], region=query.get("region", "")[:50],
        manager=0 if manager == "none" else whole_number(manager),
        quiet_days=whole_number(query.get("quiet", ""), 10_000),
        page=whole_number(query.get("page", "1"), 100_000) or 1)  # bounded: OFFSET must stay an SQLite integer


@requires(roles=COMPANY_ROLES)
async def directory_page(request: Request) -> Response:
    db, filters = portal_of(request).db, filters_of(request)
    rows, total = directory.search(db, filters)
    return render(request, "companies/directory.html", {
        "rows": rows, "total": total, "filters": filters, "query": request.url.query,
        "page_link": lambda page: "?" + urlencode({**request.query_params, "page": page}),
        "pages": max(1, -(-total // directory.PAGE_SIZE)), "managers": directory.staff_people(db),
        **vocabularies(request)})


def vocabularies(request: Request) -> dict:
    return club_vocabularies(portal_of(request).club, visitor(request).language)


CSV_COLUMNS = ("id", "name", "inn", "segment", "region", "manager", "representative", "people", "last_contact")


@requires(roles=COMPANY_ROLES)
async def export_csv(request: Request) -> Response:
    """The filtered directory for Excel (portal/web/csvfile: UTF-8 with a BOM and `;`)."""
    db, who, filters = portal_of(request).db, visitor(request), filters_of(request)
    zone = portal_of(request).zone

    def rows() -> Iterator[list]:
        yield [who.t(f"companies.csv.{key}") for key in CSV_COLUMNS]
        for row in directory.every_row(db, filters):
            last = "" if row.last_contact_at is None else format_day(row.last_contact_at, zone)
            yield [row.id, row.name, row.inn or "", row.segment or "", row.region or "", row.manager or "",
                   row.representative or "", row.people, last]

    return csv_response("companies.csv", rows())


def format_day(timestamp: float, zone) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(timestamp, zone).strftime("%d.%m.%Y")


@requires(roles=COMPANY_ROLES)
async def card_page(request: Request) -> Response:
    company = company_or_404(request)
    return render(request, "companies/card.html", card_values(request, company))


def card_again(request: Request, company, errors: dict, values: dict) -> Response:
    return render(request, "companies/card.html", {**card_values(request, company), "errors": errors,
                                                   "values": values}, status_code=400)


@requires(roles=COMPANY_ROLES)
async def set_representative(request: Request) -> Response:
    portal, who, company = portal_of(request), visitor(request), company_or_404(request)
    form = await read_form(request)
    chosen = whole_number(form.text("user", 20)) if form.text("user", 20) else None
    try:
        previous = companies.set_representative(portal.db, company.id, chosen, who.user.id, form.line("note", 500))
    except ValueError:
        return card_again(request, company, {"representative": who.t("companies.not_a_member")}, {})
    if previous != chosen:
        response = redirect(f"/staff/companies/{company.id}?notice=representative")
        response.background = send_all_later(portal, representative_changed(portal, company, previous, chosen))
        return response
    return redirect(f"/staff/companies/{company.id}")


@requires(roles=COMPANY_ROLES)
async def set_manager(request: Request) -> Response:
    portal, who, company = portal_of(request), visitor(request), company_or_404(request)
    form = await read_form(request)
    chosen = whole_number(form.text("manager", 20)) if form.text("manager", 20) else None
    allowed = {staff_id for staff_id, _name in directory.staff_people(portal.db)}
    if chosen is not None and chosen not in allowed:
        return card_again(request, company, {"manager": who.t("companies.not_staff")}, {})
    companies.set_account_manager(portal.db, company.id, chosen, who.user.id)
    return redirect(f"/staff/companies/{company.id}")


@requires(roles=COMPANY_ROLES)
async def set_details(request: Request) -> Response:
    portal, who, company = portal_of(request), visitor(request), company_or_404(request)
    form = await read_form(request)
    values = {"segment": form.text("segment", 50), "region": form.text("region", 50)}
    vocab = vocabularies(request)
    errors = {key: who.t("error.choice_invalid") for key, words in (("segment", vocab["segments"]),
                                                                     ("region", vocab["regions"]))
              if values[key] and values[key] not in words}
    if errors:
        return card_again(request, company, errors, values)
    companies.set_details(portal.db, company.id, values["segment"] or None, values["region"] or None, who.user.id)
    return redirect(f"/staff/companies/{company.id}")


def other_company(db, text: str, company: companies.Company) -> companies.Company | None:
    """The live company staff named (name, INN or #id) for a move or a merge; None when there is no
    such company, it was merged away, or it is this very one."""
    target = companies.find_company(db, text) if text else None
    if target is None or target.merged_into is not None or target.id == company.id:
        return None
    return target


@requires(roles=COMPANY_ROLES)
async def move_person(request: Request) -> Response:
    portal, who, company = portal_of(request), visitor(request), company_or_404(request)
    form = await read_form(request)
    values = {"target": form.line("target", 200), "user": form.text("user", 20)}
    person = get_user(portal.db, whole_number(values["user"]) or 0)
    if person is None or person.company_id != company.id:
        raise HTTPException(404)
    target = other_company(portal.db, values["target"], company)
    if target is None:
        return card_again(request, company, {"target": who.t("companies.no_such_company")}, values)
    companies.move_person(portal.db, person.id, target.id, who.user.id)
    return redirect(f"/staff/companies/{company.id}?notice=moved")


@requires(roles=COMPANY_ROLES)
async def merge(request: Request) -> Response:
    portal, who, company = portal_of(request), visitor(request), company_or_404(request)
    form = await read_form(request)
    values = {"into": form.line("into", 200)}
    target = other_company(portal.db, values["into"], company)
    if target is None:
        return card_again(request, company, {"into": who.t("companies.no_such_company")}, values)
    companies.merge(portal.db, company.id, target.id, who.user.id)
    return redirect(f"/staff/companies/{target.id}?notice=merged")


@requires(roles=COMPANY_ROLES)
async def add_contact(request: Request) -> Response:
    portal, who, company = portal_of(request), visitor(request), company_or_404(request)
    form = await read_form(request)
    values = {"channel": form.text("channel", 20), "when": form.text("when", 20), "staff": form.text("staff", 20),
              "note": form.text("note", NOTE_LIMIT), "outcome": form.text("outcome", NOTE_LIMIT),
              "action": form.text("action", 20)}
    at = parse_when(values["when"], portal.zone)
    errors = {}
    if values["channel"] not in contacts.CHANNELS:
        errors["channel"] = who.t("error.choice_invalid")
    if at is None:
        errors["when"] = who.t("companies.when_invalid")
    if not values["note"]:
        errors["note"] = who.t("companies.note_needed")
    staff_id = whole_number(values["staff"]) or who.user.id
    if staff_id not in {person_id for person_id, _name in directory.staff_people(portal.db)}:
        errors["staff"] = who.t("companies.not_staff")
    if errors:
        return card_again(request, company, errors, values)
    if values["action"] == "record":
        contacts.record(portal.db, company.id, staff_id, values["channel"], at, values["note"], values["outcome"],
                        who.user.id)
    else:
        contacts.plan(portal.db, company.id, staff_id, values["channel"], at, values["note"], who.user.id)
    return redirect(f"/staff/companies/{company.id}#contacts")


@requires(roles=COMPANY_ROLES)
async def contact_done(request: Request) -> Response:
    portal, company = portal_of(request), company_or_404(request)
    form = await read_form(request)
    outcome = form.text("outcome", NOTE_LIMIT)
    if not contacts.mark_done(portal.db, request.path_params["contact_id"], company.id, outcome):
        raise HTTPException(404)
    return redirect(f"/staff/companies/{company.id}#contacts")


ROUTES = [
    Route("/staff/companies/", directory_page, methods=["GET"]),
    Route("/staff/companies/export.csv", export_csv, methods=["GET"]),
    Route("/staff/companies/{company_id:id}", card_page, methods=["GET"]),
    Route("/staff/companies/{company_id:id}/representative", set_representative, methods=["POST"]),
    Route("/staff/companies/{company_id:id}/manager", set_manager, methods=["POST"]),
    Route("/staff/companies/{company_id:id}/details", set_details, methods=["POST"]),
    Route("/staff/companies/{company_id:id}/move", move_person, methods=["POST"]),
    Route("/staff/companies/{company_id:id}/merge", merge, methods=["POST"]),
    Route("/staff/companies/{company_id:id}/contacts", add_contact, methods=["POST"]),
    Route("/staff/companies/{company_id:id}/contacts/{contact_id:id}/done", contact_done, methods=["POST"]),
]
