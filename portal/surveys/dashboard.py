"""The surveys' part of the staff dashboard (core/dashboard.py): the NPS of the answers given in the period,
their number and the response rate of the waves sent in it; and the partner health table's "NPS" column.

The health column is the mean score (0-10) of the latest answer of each of the company's people (any
wave): a company rarely has ten people answering, and the NPS of three moves 33 points with one of them,
so a mean is the steadier signal per company (the club-wide NPS is on the panel).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlite_utils import Database

from portal.core.dashboard import DashboardPanel, Figure, HealthColumn, PanelFigures, Period
from portal.core.settings import Settings
from portal.surveys import store
from portal.surveys.nps import score_of
from portal.web.context import club_of, club_zone


def _zone(settings: Settings) -> str:
    return club_zone(club_of(settings)).key  # the club's days, as every panel counts them


def figures(db: Database, settings: Settings, period: Period, language: str) -> PanelFigures:
    start, end = period.bounds(_zone(settings))
    score = score_of(store.scores_between(db, start, end))
    asked = store.asked_between(db, start, end)
    answered = store.answered_of_asked_between(db, start, end)
    return PanelFigures(figures=(
        Figure("nps", "surveys.dash.nps", score.value, unit="", url="/staff/surveys/"),
        Figure("answers", "surveys.dash.answers", float(score.answers), url="/staff/surveys/"),
        Figure("rate", "surveys.dash.rate", round(100 * answered / asked, 1) if asked else None, unit="%",
               url="/staff/surveys/"),
    ))


def company_nps(db: Database, settings: Settings, now: float) -> Mapping[int, float]:
    """Company id -> the mean of its people's latest scores (0-10), one decimal."""
    return {company_id: round(sum(scores) / len(scores), 1)
            for company_id, scores in store.latest_company_scores(db).items()}


def company_nps_change(db: Database, settings: Settings, now: float) -> Mapping[int, float]:
    """Company id -> how its people's latest scores moved from their previous ones (mean, points of 0-10);
    below zero the health table counts the company as drifting."""
    return store.company_score_changes(db)


PANEL = DashboardPanel("surveys", "surveys.dash.title", figures, roles=("staff", "admin"), order=60)
HEALTH = (HealthColumn("nps", "surveys.health.nps", company_nps, kind="number", better="up", order=60),
          HealthColumn("nps_trend", "surveys.health.nps_trend", company_nps_change, kind="number", better="up",
                       order=61))
