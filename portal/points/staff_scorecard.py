"""Staff: the dealer scorecard (scorecard.py, scoring.py).

`/staff/points/<id>/scorecard?year=YYYY` shows a company's card for a year — the data criteria filled
from its purchases, the manual ones as a form (each score with what it means, and a note) — with the
weighted total, the coefficient, the budget cap and every change of a score (who, when). Saving writes
a row per changed score (never an edit); the form's one-time value makes a double submit write once.
`/staff/points/scorecard/` lists every company's card for a year, sortable, and exports it as CSV.
"""

from __future__ import annotations

import secrets
import time
from datetime import date

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.companies import Company
from portal.points import scorecard_store, scoring
from portal.points.scorecard import Scorecard, scorecard_of
from portal.points.staff_pages import NONCE, POINTS_ROLES, company_or_404
from portal.web.context import Visitor, portal_of, visitor
from portal.web.csvfile import csv_response, text_cell
from portal.web.forms import Form, read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render

NOTE_LIMIT = 500
SORTS = ("total", "name")
def decimal_text(value: object, language: str) -> str:
    """1.83 as Russian Excel reads a number: 1,83 (a point would make it a date)."""
    return str(value).replace(".", ",") if language == "ru" else str(value)


def year_of(text: str | None) -> int | None:
    """A year from a query or a form: 2000-2100; None for anything else."""
    year = whole_number(text, scoring.LAST_YEAR)
    return year if year is not None and year >= scoring.FIRST_YEAR else None


def broken(request: Request, problem: ValueError) -> Response:
    return render(request, "points/scorecard_broken.html", {"problem": str(problem)}, status_code=503)


def card_page(request: Request, scorecard: Scorecard, company: Company, year: int, values: dict | None = None,
              errors: dict | None = None, status_code: int = 200) -> Response:
    db, today = portal_of(request).db, date.today()
    card = scoring.company_card(db, scorecard, company, year, today)
    if values is None:  # the form shows the standing scores and notes
        values = {}
        for line in card.lines:
            if line.criterion.source == "manual":
                values[f"score_{line.criterion.id}"] = "" if line.score is None else str(line.score)
                values[f"note_{line.criterion.id}"] = line.note
    values.setdefault("nonce", secrets.token_urlsafe(16))  # a fresh one-time value for each form shown
    return render(request, "points/staff_scorecard.html", {
        "company": company, "card": card, "year": year, "years": range(today.year - 4, today.year + 1),
        "history": scorecard_store.history(db, company.id, year), "values": values, "errors": errors or {},
        "names": {item.id: item for item in scorecard.criteria}, "roubles": scoring.roubles, "scorecard": scorecard,
        "notice": request.query_params.get("notice") == "saved"}, status_code=status_code)


@requires(roles=POINTS_ROLES)
async def company_scorecard(request: Request) -> Response:
    company = company_or_404(request)
    if company.merged_into is not None:  # a merged duplicate: its purchases count as the survivor's
        return redirect(f"/staff/points/{company.merged_into}/scorecard")
    try:
        scorecard = scorecard_of(portal_of(request))
    except ValueError as problem:
        return broken(request, problem)
    today = date.today()
    year = year_of(request.query_params.get("year")) or scoring.scoring_year(today)
    return card_page(request, scorecard, company, year)


def read_entries(form: Form, scorecard: Scorecard, who: Visitor) -> tuple[dict, list[scorecard_store.Entry], dict]:
    """The posted scores: (values as typed, the entries to record, problems by field)."""
    values, entries, errors = {}, [], {}
    for key in form.data:
        if key.startswith("score_"):
            criterion = scorecard.criterion(key[6:])
            if criterion is None or criterion.source != "manual":  # a stale form or a forged field
                errors["form"] = who.t("points.score.error.unknown", criterion=key[6:80])
    for criterion in scorecard.criteria:
        if criterion.source != "manual":
            continue
        score_key, note_key = f"score_{criterion.id}", f"note_{criterion.id}"
        values[score_key], values[note_key] = form.text(score_key, 10), form.line(note_key, NOTE_LIMIT)
        if values[score_key] == "":
            if values[note_key]:
                errors[score_key] = who.t("points.score.error.choose")
            continue
        score = whole_number(values[score_key], criterion.max_score)
        if score is None:
            errors[score_key] = who.t("points.score.error.range", top=criterion.max_score)
            continue
        entries.append(scorecard_store.Entry(criterion.id, score, values[note_key]))
    return values, entries, errors


@requires(roles=POINTS_ROLES)
async def save_scorecard(request: Request) -> Response:
    portal, who, company = portal_of(request), visitor(request), company_or_404(request)
    form = await read_form(request)
    try:
        scorecard = scorecard_of(portal)
    except ValueError as problem:
        return broken(request, problem)
    nonce, year = form.text("nonce", 100), year_of(form.text("year", 10))
    if not NONCE.fullmatch(nonce) or year is None or company.merged_into is not None:
        raise HTTPException(400, "bad_form")
    values, entries, errors = read_entries(form, scorecard, who)
    if errors:
        return card_page(request, scorecard, company, year, {**values, "nonce": nonce}, errors, status_code=400)
    scorecard_store.record(portal.db, company.id, year, entries, nonce, who.user.id, time.time())
    return redirect(f"/staff/points/{company.id}/scorecard?year={year}&notice=saved")


def overview_cards(request: Request, scorecard: Scorecard) -> tuple[int, str, list[scoring.Card]]:
    today = date.today()
    year = year_of(request.query_params.get("year")) or scoring.scoring_year(today)
    sort = request.query_params.get("sort", "total")
    sort = sort if sort in SORTS else "total"
    cards = scoring.year_cards(portal_of(request).db, scorecard, year, today)
    if sort == "total":  # the highest first; equal totals by name (the list comes in name order)
        cards.sort(key=lambda card: -card.total)
    return year, sort, cards


@requires(roles=POINTS_ROLES)
async def overview(request: Request) -> Response:
    try:
        scorecard = scorecard_of(portal_of(request))
    except ValueError as problem:
        return broken(request, problem)
    year, sort, cards = overview_cards(request, scorecard)
    today = date.today()
    return render(request, "points/staff_scorecards.html", {
        "year": year, "sort": sort, "cards": cards, "criteria": scorecard.criteria, "roubles": scoring.roubles,
        "scorecard": scorecard,
        "years": range(today.year - 4, today.year + 1)})


@requires(roles=POINTS_ROLES)
async def export(request: Request) -> Response:
    try:
        scorecard = scorecard_of(portal_of(request))
    except ValueError as problem:
        return broken(request, problem)
    year, _sort, cards = overview_cards(request, scorecard)
    who = visitor(request)
    header = [who.t("points.score.csv.company"), who.t("points.staff.inn"),
              *(item.name_in(who.language) for item in scorecard.criteria),
              who.t("points.score.total"), who.t("points.score.coefficient"),
              who.t("points.score.budget_for", year=year + 1)]
    rows = ([text_cell(card.company.name), card.company.inn or "",
             *("" if line.score is None else line.score for line in card.lines),
             card.total, decimal_text(card.coefficient, who.language), card.budget] for card in cards)
    return csv_response(f"scorecard-{year}.csv", [header, *rows])


ROUTES = [
    Route("/staff/points/scorecard/", overview, methods=["GET"]),
    Route("/staff/points/scorecard.csv", export, methods=["GET"]),
    Route("/staff/points/{company_id:int}/scorecard", company_scorecard, methods=["GET"]),
    Route("/staff/points/{company_id:int}/scorecard", save_scorecard, methods=["POST"]),
]
