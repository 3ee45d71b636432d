"""Staff: `/staff/points/effect/` — does the club pay for itself (members against look-alike non-member
customers, before and after joining), with `.csv` and `.xlsx` of the same numbers, and the dashboard panel's
headline figure.

For the roles of the other /staff/points/ pages. Parameters in the query: `window` (months either side of
joining) and `churn` (quiet months that count as churn), whole numbers within effect_report.LIMITS; a bad
one comes back as the form with the value kept and the problem named (400), never a 500.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.points import effect, effect_report, purchases_export
from portal.points.staff_pages import POINTS_ROLES
from portal.points.tier_view import Numbers, today
from portal.web import charts as chart
from portal.web.context import portal_of, visitor
from portal.web.csvfile import csv_response
from portal.web.forms import whole_number
from portal.web.guards import requires
from portal.web.templating import render
from portal.web.xlsxfile import MEDIA_TYPE, xlsx_bytes

PATH = "/staff/points/effect/"
FILE = "/staff/points/effect"
INPUT_LIMIT = 20


def read_params(request: Request) -> tuple[dict[str, str], dict[str, str], dict[str, int]]:
    """The query's values as typed (kept for the form), the problems by field, and the numbers to use."""
    t = visitor(request).t
    defaults = {"window": effect_report.WINDOW, "churn": effect_report.CHURN}
    values, errors, numbers = {}, {}, dict(defaults)
    for key, default in defaults.items():
        text = request.query_params.get(key, "").strip()[:INPUT_LIMIT]
        values[key] = text or str(default)
        low, high = effect_report.LIMITS[key]
        number = whole_number(values[key], high)
        if number is None or number < low:
            errors[key] = t("points.effect.error.range", low=low, high=high)
        else:
            numbers[key] = number
    return values, errors, numbers


def chart_of(report: effect_report.Report, num: Numbers, t: Callable[..., str]) -> chart.Chart:
    """Months around joining: members' bars against their controls' (the lighter, "earlier" bars)."""
    points = [chart.Point(f"{line.offset:+d}", effect.kopecks(line.members), effect.kopecks(line.controls),
                          t("points.effect.bar_members", offset=f"{line.offset:+d}",
                            amount=num.money(effect.kopecks(line.members))),
                          t("points.effect.bar_controls", offset=f"{line.offset:+d}",
                            amount=num.money(effect.kopecks(line.controls))))
              for line in report.profile]
    return chart.geometry(points, num.compact)


@requires(roles=POINTS_ROLES)
async def effect_page(request: Request) -> Response:
    values, errors, numbers = read_params(request)
    num = Numbers(visitor(request).language)
    context = {"values": values, "errors": errors, "num": num,
               "rub": lambda value: "—" if value is None else num.money(effect.kopecks(value)),
               "pct": lambda value: num.share(effect_report.share(value))}
    if errors:
        return render(request, "points/staff_effect.html", {**context, "report": None}, status_code=400)
    report = effect_report.build(portal_of(request).db, today(request), numbers["window"], numbers["churn"])
    return render(request, "points/staff_effect.html", {
        **context, "report": report, "chart": chart_of(report, num, visitor(request).t)})


async def download(request: Request, fmt: str) -> Response:
    values, errors, numbers = read_params(request)
    if errors:
        return await effect_page(request)
    who = visitor(request)
    report = effect_report.build(portal_of(request).db, today(request), numbers["window"], numbers["churn"])
    rows = effect_report.export_rows(report, who.t)
    name = f"club-effect-{report.data.last or 'none'}-w{report.window}-c{report.churn_months}.{fmt}"
    if fmt == "csv":
        return csv_response(name, purchases_export.csv_rows(rows, who.language))
    body = xlsx_bytes(rows, who.t("points.effect.title"), fallback="Effect", freeze="C2",
                      number_format=lambda cell: "#,##0.0#")
    return Response(body, media_type=MEDIA_TYPE, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@requires(roles=POINTS_ROLES)
async def effect_csv(request: Request) -> Response:
    return await download(request, "csv")


@requires(roles=POINTS_ROLES)
async def effect_xlsx(request: Request) -> Response:
    return await download(request, "xlsx")


ROUTES = [
    Route(PATH, effect_page, methods=["GET"]),
    Route(FILE + ".csv", effect_csv, methods=["GET"]),
    Route(FILE + ".xlsx", effect_xlsx, methods=["GET"]),
]

