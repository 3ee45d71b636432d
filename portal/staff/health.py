"""`/staff/health/`: the partner health table — every live company with every capability's health column,
sortable by any column (links, on the server: no JavaScript needed), filtered by segment, region, account
manager and "drifting", paged, and downloadable as CSV or XLSX (the filtered rows, in the chosen order).

For the roles that work with partners (ASVS 5.0 8.2.1: the one guard, on every request, as the company
directory). A query the page cannot read (an unknown column, a bad number) is answered 400 with the form as
it was sent and each problem named, never a 500.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlencode

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.companies import RosterRow, account_managers
from portal.core.db import database_file, open_reader
from portal.staff import health_table as table
from portal.web.context import portal_of, visitor
from portal.web.context import vocabularies as club_vocabularies
from portal.web.csvfile import csv_response, text_cell
from portal.web.guards import requires
from portal.web.templating import render
from portal.web.xlsxfile import MEDIA_TYPE, xlsx_bytes

HEALTH_ROLES = ("staff", "admin")  # as the company directory: the roles that work with partners
PATH = "/staff/health/"
CACHE, FRESH_SECONDS = "staff.health_rows", 60.0  # the table may be a minute old (docs/staff.md says so)
FILTER_KEYS = ("segment", "region", "manager", "drifting", "drop", "quiet")


def _prepare(request: Request) -> dict:
    """The columns, the vocabularies, the query read from the URL and its problems."""
    portal, who = portal_of(request), visitor(request)
    columns = table.columns_of(portal.capabilities)
    vocab = club_vocabularies(portal.club, who.language)
    managers = account_managers(portal.db)
    query, errors = table.read_query(request.query_params, [*table.BASE_KEYS, *(c.key for c in columns)],
                                     vocab["segments"], vocab["regions"], [person_id for person_id, _ in managers])
    headers = [(key, f"health.col.{key}") for key in table.BASE_KEYS] + [(c.key, c.label) for c in columns]
    return {"columns": columns, "headers": headers, "cell": cell, "segments": vocab["segments"],
            "regions": vocab["regions"], "managers": managers, "query": query,
            "errors": {key: who.t(word) for key, word in errors.items()}}


def cell(value, kind: str) -> str:
    """A value as the table shows it: "—" for none, numbers with thin spaces between thousands, dates dd.mm.yyyy."""
    if value is None or value == "":
        return "—"
    if kind == "number" and isinstance(value, int | float):
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        return text.replace(",", "\u202f")
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).strftime("%d.%m.%Y")
        except ValueError:
            return str(value)
    return str(value)


async def _all_rows(request: Request, now: float) -> list[table.Row]:
    """Every company's row, kept for FRESH_SECONDS: sorting, filtering, paging and the downloads then reuse
    it instead of asking every column again (a second or so at 20,000 companies, bench/health_table.py).
    Computed in a worker thread on a read-only connection of its own: the event loop serves others meanwhile."""
    portal = portal_of(request)
    kept = portal.parts.get(CACHE)
    if kept is None or not 0 <= now - kept[0] < FRESH_SECONDS:
        kept = portal.parts[CACHE] = (now, await anyio.to_thread.run_sync(_compute, portal, now))
    return kept[1]


def _compute(portal, now: float) -> list[table.Row]:
    reader = open_reader(portal.db) if database_file(portal.db) else portal.db  # in-memory: the one connection
    try:
        return table.rows(reader, portal.settings, table.columns_of(portal.capabilities), now)
    finally:
        if reader is not portal.db:
            reader.conn.close()


async def _rows(request: Request, values: dict) -> list[table.Row]:
    now = time.time()
    found = table.select(await _all_rows(request, now), values["query"], now)
    return table.ordered(found, values["query"], {column.key: column.kind for column in values["columns"]})


def _links(request: Request, query: table.Query) -> dict:
    kept = {key: request.query_params[key] for key in FILTER_KEYS if request.query_params.get(key)}

    def sort_link(key: str) -> str:
        flip = "asc" if query.sort == key and query.desc else "desc" if query.sort == key else "asc"
        return "?" + urlencode({**kept, "sort": key, "dir": flip})

    order = {"sort": query.sort, "dir": "desc" if query.desc else "asc"}
    return {"sort_link": sort_link, "page_link": lambda page: "?" + urlencode({**kept, **order, "page": page}),
            "export_query": urlencode({**kept, **order}), "form": dict(request.query_params)}


@requires(roles=HEALTH_ROLES)
async def health_page(request: Request) -> Response:
    values = _prepare(request)
    if values["errors"]:
        return render(request, "staff/health.html", {**values, **_links(request, values["query"]), "rows": [],
                                                     "total": 0, "pages": 1}, status_code=400)
    found = await _rows(request, values)
    shown, pages = table.page_of(found, values["query"].page)
    return render(request, "staff/health.html", {**values, **_links(request, values["query"]), "rows": shown,
                                                 "total": len(found), "pages": pages,
                                                 "page": min(values["query"].page, pages)})


def _export_rows(request: Request, values: dict, found: list[table.Row], for_csv: bool) -> Iterator[list]:
    who = visitor(request)
    yield [who.t("health.col.name"), who.t("health.col.segment"), who.t("health.col.region"),
           *(who.t(column.label) for column in values["columns"])]
    for row in found:
        company: RosterRow = row.company
        cells = [company.name, values["segments"].get(company.segment or "", company.segment or ""),
                 values["regions"].get(company.region or "", company.region or "")]
        for column in values["columns"]:
            cells.append(_export_cell(row.values.get(column.key), column.kind))
        yield [text_cell(cell) if for_csv and isinstance(cell, str) else cell for cell in cells]


def _export_cell(value, kind: str):
    if value is None:
        return ""
    if kind == "date":
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    return value


@requires(roles=HEALTH_ROLES)
async def export_csv(request: Request) -> Response:
    values = _prepare(request)
    if values["errors"]:
        return await health_page(request)
    return csv_response("partner-health.csv", _export_rows(request, values, await _rows(request, values), for_csv=True))


@requires(roles=HEALTH_ROLES)
async def export_xlsx(request: Request) -> Response:
    values = _prepare(request)
    if values["errors"]:
        return await health_page(request)
    rows = list(_export_rows(request, values, await _rows(request, values), for_csv=False))
    body = xlsx_bytes(rows, visitor(request).t("health.title"), fallback="health", autofilter=True,
                      number_format=lambda cell: "DD.MM.YYYY" if isinstance(cell.value, date) else None)
    return Response(body, media_type=MEDIA_TYPE, headers={
        "Content-Disposition": 'attachment; filename="partner-health.xlsx"', "Cache-Control": "no-store"})


ROUTES = [
    Route(PATH, health_page, methods=["GET"]),
    Route(PATH + "export.csv", export_csv, methods=["GET"]),
    Route(PATH + "export.xlsx", export_xlsx, methods=["GET"]),
]
