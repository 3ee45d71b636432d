"""Staff pages: `/staff/surveys/` (the waves and the form that starts one), `/staff/surveys/<id>/` (a wave's
report) and its download (`answers.csv`, `answers.xlsx`). Staff roles only (guards.requires); a wave that
does not exist is a 404. Bad input comes back as the form (400) with what was typed and each problem named.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.events import api as events_api
from portal.newsletters import api as letters
from portal.points import api as points_api
from portal.surveys import report as reports
from portal.surveys import store
from portal.surveys.config import terms_of
from portal.surveys.model import Audience, Wave
from portal.surveys.nps import MIN_ANSWERS
from portal.surveys.waves import MAX_SUBJECT, MAX_TITLE, NobodyToAsk, start_wave
from portal.web.context import portal_of, visitor, vocabularies
from portal.web.csvfile import csv_response, text_cell
from portal.web.forms import Form, read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render
from portal.web.xlsxfile import MEDIA_TYPE, xlsx_bytes

SURVEY_ROLES = ("staff", "admin")
WHEN = ("now", "slot")


def choices(request: Request) -> dict[str, Any]:
    """What the form offers: the club's vocabularies, its tiers, the events anyone attended."""
    portal, who = portal_of(request), visitor(request)
    words = vocabularies(portal.club, who.language)
    return {"segments": words["segments"], "regions": words["regions"], "roles": words["roles"],
            "tiers": {str(k): v for k, v in points_api.tier_names(portal.club, who.language).items()},
            "events": events_api.attended_events(portal.db)}


def labels(request: Request) -> dict[str, dict[str, str]]:
    found = choices(request)
    return {"segment": found["segments"], "region": found["regions"], "tier": found["tiers"]}


def list_page(request: Request, values: dict | None = None, errors: dict | None = None,
              status_code: int = 200) -> Response:
    portal = portal_of(request)
    trend = reports.trend(portal.db)
    defaults = {"subject": portal.site_name, "when": "now"}
    return render(request, "surveys/staff_list.html", {
        "rows": list(reversed(trend)), "values": values or defaults, "errors": errors or {}, **choices(request),
        "terms": terms_of(portal.club), "created": request.query_params.get("created")}, status_code=status_code)


@requires(roles=SURVEY_ROLES)
async def waves_page(request: Request) -> Response:
    return list_page(request)


def read_audience(form: Form, offered: dict[str, Any], errors: dict[str, str], t: Any) -> Audience:
    picked = {key: form.many(key) for key in ("segments", "regions", "roles", "tiers")}
    for key, values in picked.items():
        if any(value not in offered[key] for value in values):
            errors[key] = t("surveys.error.choice")
    event = form.text("event", 200)
    if event and event not in {slug for slug, _count in offered["events"]}:
        errors["event"] = t("surveys.error.choice")
    tiers = [int(v) for v in picked["tiers"] if whole_number(v) is not None]
    return Audience(picked["segments"], picked["regions"], picked["roles"], tiers, event)


@requires(roles=SURVEY_ROLES)
async def create(request: Request) -> Response:
    portal, who = portal_of(request), visitor(request)
    form = await read_form(request)
    title, subject = form.line("title", 2 * MAX_TITLE), form.line("subject", 2 * MAX_SUBJECT)
    when = form.text("when", 10)
    errors: dict[str, str] = {}
    audience = read_audience(form, choices(request), errors, who.t)
    values = {"title": title, "subject": subject, "when": when, "segments": audience.segments,
              "regions": audience.regions, "roles": audience.roles, "tiers": [str(v) for v in audience.tiers],
              "event": audience.event}
    if not title or len(title) > MAX_TITLE:
        errors["title"] = who.t("surveys.error.title", max=MAX_TITLE)
    if not subject or len(subject) > MAX_SUBJECT:
        errors["subject"] = who.t("surveys.error.subject", max=MAX_SUBJECT)
    if when not in WHEN:
        errors["when"] = who.t("surveys.error.when")
    if errors:
        return list_page(request, values, errors, 400)
    now = time.time()
    send_at = now if when == "now" else letters.next_slot_at(portal.club, now)
    try:
        wave_id, _asked = start_wave(portal.db, portal.settings, portal.club, title, subject, audience, who.user.id,
                                     send_at, now)
    except NobodyToAsk:
        return list_page(request, values, {"_form": who.t("surveys.error.nobody")}, 400)
    return redirect(f"/staff/surveys/{wave_id}/?created=1")


def wave_or_404(request: Request) -> Wave:
    wave_id = whole_number(request.path_params["wave"])
    wave = store.get_wave(portal_of(request).db, wave_id) if wave_id is not None else None
    if wave is None:
        raise HTTPException(404)
    return wave


@requires(roles=SURVEY_ROLES)
async def report_page(request: Request) -> Response:
    portal, who = portal_of(request), visitor(request)
    wave = wave_or_404(request)
    found = reports.wave_report(portal.db, wave, labels(request), who.t("surveys.none"))
    sent = letters.letter_counts(portal.db, wave.newsletter_id) if wave.newsletter_id else None
    return render(request, "surveys/staff_report.html", {
        "report": found, "sent": sent, "created": request.query_params.get("created") == "1",
        "min_answers": MIN_ANSWERS})


def download_rows(request: Request) -> tuple[Wave, list[list[object]]]:
    who = visitor(request)
    wave = wave_or_404(request)
    found = reports.wave_report(portal_of(request).db, wave, labels(request), who.t("surveys.none"))
    return wave, reports.table(found, who.t, labels(request))


@requires(roles=SURVEY_ROLES)
async def download_csv(request: Request) -> Response:
    wave, rows = download_rows(request)
    # Names, companies and "why" are what people typed: never a formula in a spreadsheet (ASVS 5.0 1.2.10).
    return csv_response(f"nps-wave-{wave.id}.csv",
                        ([text_cell(v) if isinstance(v, str) else v for v in row] for row in rows))


@requires(roles=SURVEY_ROLES)
async def download_xlsx(request: Request) -> Response:
    wave, rows = download_rows(request)
    return Response(xlsx_bytes(rows, wave.title, fallback="NPS"), media_type=MEDIA_TYPE, headers={
        "Content-Disposition": f'attachment; filename="nps-wave-{wave.id}.xlsx"', "Cache-Control": "no-store"})


ROUTES = [
    Route("/staff/surveys/", waves_page, methods=["GET"]),
    Route("/staff/surveys/", create, methods=["POST"]),
    Route("/staff/surveys/{wave}/", report_page, methods=["GET"]),
    Route("/staff/surveys/{wave}/answers.csv", download_csv, methods=["GET"]),
    Route("/staff/surveys/{wave}/answers.xlsx", download_xlsx, methods=["GET"]),
]
