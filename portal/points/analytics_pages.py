"""The cabinet's purchase analytics: `/account/points/purchases` (a chart and a table of the company's
months and product groups against the same months a year before) and the same table as
`/account/points/purchases.csv` and `.xlsx` (the tier's view is tier_view.py).

Everyone in a company sees the same (the purchases are the company's); there is no id in the address,
so a person only ever sees their own company's numbers. Filters: `period` (`12m`, the default, or a year
on offer) and `group` (a product group the company has); a value that names nothing comes back as the
form with the problem named (400), never a 500.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.companies import Company, with_duplicates
from portal.core.oneline import one_line
from portal.points import analytics, purchases_export, shipments
from portal.points.cabinet import company_of
from portal.points.tier_view import Numbers, today
from portal.web import charts
from portal.web.context import portal_of, visitor
from portal.web.csvfile import csv_response
from portal.web.guards import requires
from portal.web.templating import render

PATH = "/account/points/purchases"
INPUT_LIMIT = 200  # a filter value longer than any group name is cut, never stored


def read_filters(request: Request, company: Company) -> dict:
    """The filters, the company's rows for them and the problems (each named for its field)."""
    t, now = visitor(request).t, today(request)
    values = {key: one_line(request.query_params.get(key, ""))[:INPUT_LIMIT].strip() for key in ("period", "group")}
    errors, period = {}, analytics.period_of(values["period"], now)
    if period is None:
        years = analytics.years(now)
        errors["period"] = t("points.purchases.error.period", first=years[-1], last=years[0])
    read = period or analytics.last_twelve(now)
    ids = with_duplicates(portal_of(request).db, company.id)
    rows = shipments.company_months(portal_of(request).db, ids, read.compared_start, read.end)
    groups = analytics.groups_of(rows)
    if values["group"] and values["group"] not in groups:
        errors["group"] = t("points.purchases.error.group", group=values["group"])
    return {"values": values, "errors": errors, "period": read, "rows": rows, "groups": groups,
            "years": analytics.years(now)}


def chart_of(table: analytics.Table, num: Numbers, t: Callable[..., str]) -> charts.Chart:
    """The chart of the table: each month's bars titled with the month, its year and the sum."""
    points = [charts.Point(num.month(line.month, "LLL").rstrip(".")[:3], line.total, line.before,
                          t("points.purchases.bar", month=num.month(line.month), amount=num.money(line.total)),
                          t("points.purchases.bar", month=num.month(analytics.month_shift(line.month, -12)),
                            amount=num.money(line.before)))
              for line in table.lines]
    return charts.geometry(points, num.compact)


@requires()
async def purchases(request: Request) -> Response:
    company = company_of(request)
    if company is None:
        return render(request, "points/no_points.html", {})
    who, found = visitor(request), read_filters(request, company)
    num = Numbers(who.language)
    context = {**found, "company": company, "num": num}
    if found["errors"]:
        return render(request, "points/purchases.html", {**context, "table": None}, status_code=400)
    table = analytics.table(found["rows"], found["period"], found["values"]["group"] or None)
    return render(request, "points/purchases.html", {**context, "table": table, "chart": chart_of(table, num, who.t),
                                                     "current_year": str(today(request).year)})


async def download(request: Request, fmt: str) -> Response:
    company = company_of(request)
    if company is None:
        return render(request, "points/no_points.html", {})
    found = read_filters(request, company)
    if found["errors"]:
        return await purchases(request)
    who = visitor(request)
    table = analytics.table(found["rows"], found["period"], found["values"]["group"] or None)
    rows, name = purchases_export.rows(table, who.t), purchases_export.filename(company.name, table, fmt)
    if fmt == "csv":
        return csv_response(name, purchases_export.csv_rows(rows, who.language))
    return Response(purchases_export.xlsx_bytes(rows, who.t("points.purchases.title")),
                    media_type=purchases_export.XLSX_TYPE, headers={
                        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@requires()
async def purchases_csv(request: Request) -> Response:
    return await download(request, "csv")


@requires()
async def purchases_xlsx(request: Request) -> Response:
    return await download(request, "xlsx")


ROUTES = [
    Route(PATH, purchases, methods=["GET"]),
    Route(PATH + ".csv", purchases_csv, methods=["GET"]),
    Route(PATH + ".xlsx", purchases_xlsx, methods=["GET"]),
]
