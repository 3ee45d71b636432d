"""`/account/points/scorecard`: a partner's own scorecard (scoring.py) — everyone of a member company sees
the card of the last whole year, which caps this year's co-funded marketing budget: each criterion's
score and weight, what the next band needs, the coefficient and the cap.

The company is the visitor's own (cabinet.company_of); the URL names none, so no other company's card
can be asked for.
"""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.points import scoring
from portal.points.cabinet import company_of
from portal.points.scorecard import scorecard_of
from portal.web.context import portal_of
from portal.web.guards import requires
from portal.web.templating import render


@requires()
async def my_scorecard(request: Request) -> Response:
    portal, company = portal_of(request), company_of(request)
    if company is None:
        return render(request, "points/no_points.html", {})
    try:
        scorecard = scorecard_of(portal)
    except ValueError:
        return render(request, "points/scorecard_broken.html", {"problem": ""}, status_code=503)
    today = date.today()
    card = scoring.company_card(portal.db, scorecard, company, scoring.scoring_year(today), today)
    return render(request, "points/my_scorecard.html", {
        "company": company, "card": card, "so_far": scoring.this_year_so_far(portal.db, company, today),
        "this_year": today.year, "roubles": scoring.roubles, "scorecard": scorecard})


ROUTES = [Route("/account/points/scorecard", my_scorecard, methods=["GET"])]
