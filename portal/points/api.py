"""The points capability's declared API for other capabilities (../shared/layout.md rule 3): a company's tier.

Surveys break their answers down by tier and may ask one tier only; they read it here, never from the
ledger's tables. Kept small on purpose: what is not here is internal to points.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlite_utils import Database

from portal.points.tiers import club_tiers, company_standing


def tier_names(club: Any, language: str) -> dict[int, str]:
    """The club's tiers, lowest first: number (1 = the lowest) -> name in `language`."""
    return {number: tier.name.of(language) for number, tier in enumerate(club_tiers(club), 1)}


def company_tiers(db: Database, club: Any, company_ids: Iterable[int], today: date) -> dict[int, int]:
    """Company id -> its tier number today (purchases of the last 12 full months)."""
    tiers = club_tiers(club)
    return {company_id: company_standing(db, company_id, today, tiers).number for company_id in set(company_ids)}
