"""The points demo: shipments imported and accrued month by month into the ledger, once."""

import time
from datetime import date

from portal.accounts.demo import seed_demo_people
from portal.companies.demo import seed_demo_companies
from portal.core.companies import find_company
from portal.points import analytics, demo, ledger, shipments, tiers


def test_the_demo_club_gets_points_from_its_shipments_once(db):
    seed_demo_people(db)
    seed_demo_companies(db)
    said = demo.seed_demo_points(db)
    assert said and "23 months" in said
    company = find_company(db, "Свет-Монтаж")
    found = ledger.balance(db, company.id, time.time())
    assert found.available > 10_000 and found.expiring > 0  # the oldest lots are near their 24 months
    assert [row[0] for row in shipments.kept_aside(db)] == [demo.UNKNOWN_INN]
    assert ledger.verify(db) == []
    assert demo.seed_demo_points(db) is None  # a second start adds nothing


def test_not_the_demo_club_gets_nothing(db):
    assert demo.seed_demo_points(db) is None


def test_the_demo_companies_get_scorecards_once(db):
    from datetime import date

    from portal.points import scorecard_store, scoring
    from portal.points.scorecard import DEFAULT

    seed_demo_people(db)
    seed_demo_companies(db)
    demo.seed_demo_points(db)
    assert "scorecards of 3 demo companies" in demo.seed_demo_scores(db)
    today, year = date.today(), date.today().year - 1
    cards = {card.company.name: card for card in scoring.year_cards(db, DEFAULT, year, today)}
    south = next(card for name, card in cards.items() if "ЭлектроОпт" in name)
    assert south.lines[0].score >= 3 and [line.score for line in south.lines[2:]] == [3, 1, 3]
    assert len(scorecard_store.history(db, south.company.id, year)) == 4  # novelty corrected once
    assert south.total > 0 and south.budget > DEFAULT.budget_base_roubles
    assert demo.seed_demo_scores(db) is None  # a second start adds nothing


def test_not_the_demo_club_gets_no_scores(db):
    assert demo.seed_demo_scores(db) is None
def test_the_demo_companies_grow_and_sit_in_different_tiers(db):
    seed_demo_people(db)
    seed_demo_companies(db)
    demo.seed_demo_points(db)
    found = {name: tiers.company_standing(db, find_company(db, name).id, date.today(), tiers.DEFAULT_TIERS)
             for name in ("Свет-Монтаж", "Проект Люкс", "ЭлектроОпт Юг")}
    assert [found[name].tier.name.ru for name in found] == ["Серебряный", "Партнёр", "Золотой"]
    period = analytics.last_twelve(date.today())
    rows = shipments.company_months(db, [find_company(db, "Свет-Монтаж").id], period.compared_start, period.end)
    table = analytics.table(rows, period)
    assert table.totals.change is not None and table.totals.change > 10 and len(table.groups) == 2
