"""points/api.py: the tiers other capabilities may read (surveys' audience and breakdowns)."""

from __future__ import annotations

from datetime import date

from portal.points import api
from tests.portal_fixtures import make_user


def test_tier_names_in_both_languages():
    assert api.tier_names(None, "ru") == {1: "Партнёр", 2: "Серебряный", 3: "Золотой"}
    assert api.tier_names(None, "en")[3] == "Gold"


def test_company_without_purchases_is_in_the_lowest_tier(db):
    user = make_user(db, "anna@example.ru", member=True)
    assert api.company_tiers(db, None, [user.company_id, user.company_id], date(2026, 12, 4)) == {user.company_id: 1}
    assert api.company_tiers(db, None, [], date(2026, 12, 4)) == {}
