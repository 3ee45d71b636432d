"""The dealer scorecard: its config (each wrong value named), the arithmetic against sums done by hand, the
data criteria from shipments (reversals netted), and the latest stored score winning."""

import copy
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from portal.core.companies import get_company, merge
from portal.points import scorecard_store, scoring, shipments
from portal.points.scorecard import DEFAULT, Band, parse_scorecard
from portal.points.shipments_file import Row
from site_builder.config import load_config
from tests.points.helpers import company, inn

REPO = Path(__file__).resolve().parents[2]

VALID = {"scorecard": {
    "budget_base_roubles": 2_000_000,
    "coefficient": {"min": 0.5, "max": 2},
    "criteria": [
        {"id": "turnover", "name": {"ru": "Оборот", "en": "Turnover"}, "weight": 1, "source": "turnover",
         "scale": [{"from_roubles": 0, "score": 0}, {"from_roubles": 100, "score": 1}]},
        {"id": "service", "name": {"ru": "Сервис", "en": "Service"}, "weight": 3, "source": "manual",
         "max_score": 2, "scale": [{"score": 0, "text": {"ru": "Нет", "en": "None"}},
                                   {"score": 2, "text": {"ru": "Свой", "en": "Own"}}]},
    ]}}


def with_change(path: str, value):
    """VALID with the value at a dotted path (list items by number) replaced; `...` deletes it."""
    raw = copy.deepcopy(VALID)
    *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]
    target = raw
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return raw


def test_the_valid_section_and_the_defaults():
    found = parse_scorecard(VALID)
    assert [c.id for c in found.criteria] == ["turnover", "service"]
    assert found.criteria[0].bands == (Band(0, 0), Band(100, 1)) and found.criteria[1].scores == (0, 1, 2)
    assert found.max_total == 1 * 1 + 3 * 2
    assert parse_scorecard(None) is DEFAULT and parse_scorecard({"expiry_months": 24}) is DEFAULT
    assert [c.id for c in DEFAULT.criteria] == ["turnover", "years", "marketing", "novelty", "service"]


def test_mkdocs_yml_spells_out_the_defaults():
    assert parse_scorecard(load_config(REPO / "mkdocs.yml").raw["extra"]["club"]["points"]) == DEFAULT


BAD = [
    ("scorecard", [1], "extra.club.points.scorecard"),
    ("scorecard.colour", "red", "extra.club.points.scorecard.colour"),
    ("scorecard.budget_base_roubles", -1, "scorecard.budget_base_roubles"),
    ("scorecard.budget_base_roubles", "много", "scorecard.budget_base_roubles"),
    ("scorecard.coefficient.min", -0.1, "scorecard.coefficient.min"),
    ("scorecard.coefficient.max", 0.2, "scorecard.coefficient.max"),
    ("scorecard.coefficient.max", True, "scorecard.coefficient.max"),
    ("scorecard.criteria", [], "scorecard.criteria"),
    ("scorecard.criteria.0.weight", 0, "criteria[1].weight"),
    ("scorecard.criteria.0.weight", -3, "criteria[1].weight"),
    ("scorecard.criteria.0.weight", 1.5, "criteria[1].weight"),
    ("scorecard.criteria.1.id", "turnover", "criteria[2].id"),
    ("scorecard.criteria.1.id", "Сервис", "criteria[2].id"),
    ("scorecard.criteria.0.id", ..., "criteria[1].id"),
    ("scorecard.criteria.0.name", {"ru": "Оборот"}, "criteria[1].name"),
    ("scorecard.criteria.0.name", {"ru": "Оборот", "en": " "}, "criteria[1].name"),
    ("scorecard.criteria.0.source", "crm", "criteria[1].source"),
    ("scorecard.criteria.0.scale", [], "criteria[1].scale"),
    ("scorecard.criteria.0.scale.1.from_roubles", 0, "criteria[1].scale[2]"),
    ("scorecard.criteria.0.scale.1.score", 0, "criteria[1].scale[2]"),
    ("scorecard.criteria.0.scale.1.from_years", 3, "criteria[1].scale[2].from_years"),
    ("scorecard.criteria.0.scale.0.score", -1, "criteria[1].scale[1].score"),
    ("scorecard.criteria.0.max_score", 5, "criteria[1].max_score"),
    ("scorecard.criteria.1.max_score", ..., "criteria[2].max_score"),
    ("scorecard.criteria.1.max_score", 0, "criteria[2].max_score"),
    ("scorecard.criteria.1.scale.1.score", 3, "criteria[2].scale[2].score"),
    ("scorecard.criteria.1.scale.1.score", 0, "criteria[2].scale[2].score"),
    ("scorecard.criteria.1.scale.0.text", "Нет", "criteria[2].scale[1].text"),
    ("scorecard.criteria.1.scale", {"score": 1}, "criteria[2].scale"),
]


@pytest.mark.parametrize(("path", "value", "named"), BAD, ids=[f"{p}={v!r}" for p, v, _ in BAD])
def test_each_wrong_value_is_named(path, value, named):
    with pytest.raises(ValueError, match=r"^extra\.club\.points\.scorecard") as caught:
        parse_scorecard(with_change(path, value))
    assert named in str(caught.value)


def test_years_bands_use_from_years():
    raw = with_change("scorecard.criteria.0", {"id": "years", "name": {"ru": "Годы", "en": "Years"}, "weight": 2,
                                               "source": "years", "scale": [{"from_roubles": 0, "score": 0}]})
    with pytest.raises(ValueError, match=r"criteria\[1\]\.scale\[1\]\.from_roubles: unknown key"):
        parse_scorecard(raw)


def test_the_arithmetic_matches_a_hand_sum():
    found, firm = parse_scorecard(VALID), get_company_stub()
    card = scoring.card(found, firm, 2025, scoring.Facts(kopecks=150_00), {"service": 1}, date(2026, 6, 1))
    # turnover 150 roubles reach the band from 100: score 1 × weight 1; service 1 × 3: total 4 of 7
    assert [line.score for line in card.lines] == [1, 1] and (card.total, card.max_total) == (4, 7)
    assert card.coefficient == Decimal("1.36")        # 0.5 + 1.5 × 4/7 = 1.357… → 1.36
    assert card.budget == 2_720_000 and card.budget_year == 2026  # 1.36 × 2 000 000
    nothing = scoring.card(found, firm, 2025, scoring.Facts(), {}, date(2026, 6, 1))
    assert nothing.lines[1].score is None and nothing.total == 0 and nothing.coefficient == Decimal("0.50")
    assert nothing.lines[0].next_band == Band(100, 1) and nothing.lines[0].missing == 100


def test_the_coefficient_rounds_half_up():
    raw = {"scorecard": {"coefficient": {"min": 1, "max": 2}, "budget_base_roubles": 1000, "criteria": [
        {"id": "a", "name": {"ru": "А", "en": "A"}, "weight": 1, "source": "manual", "max_score": 8}]}}
    found = parse_scorecard(raw)
    card = scoring.card(found, get_company_stub(), 2025, scoring.Facts(), {"a": 1}, date(2026, 1, 1))
    assert card.coefficient == Decimal("1.13") and card.budget == 1130  # 1.125 → 1.13, not the banker's 1.12


def test_the_default_scorecard_by_hand():
    firm = get_company_stub()
    facts = scoring.Facts(kopecks=7_400_000_00, since=date(2021, 3, 15))
    card = scoring.card(DEFAULT, firm, 2025, facts, {"marketing": 2, "novelty": 3}, date(2026, 2, 1))
    # turnover 2 × 30, years 4 full → band from 3: 3 × 15, marketing 2 × 20, novelty 3 × 20, service not scored
    assert [line.score for line in card.lines] == [2, 3, 2, 3, None]
    assert card.total == 60 + 45 + 40 + 60 and card.max_total == 390
    assert card.coefficient == Decimal("3.10") and card.budget == 3_100_000  # 1 + 4 × 205/390 = 3.1025…
    turnover, years = card.lines[0], card.lines[1]
    assert (turnover.value, turnover.next_band, turnover.missing) == (7_400_000, Band(15_000_000, 3), 7_600_000)
    assert (years.value, years.next_band, years.reached_on) == (4, Band(5, 4), date(2026, 3, 15))


def get_company_stub():
    from portal.core.companies import Company

    return Company(1, "ООО «Оценка»", None, created_at="2026-01-01T00:00:00+00:00")


def test_data_criteria_come_from_shipments_net_of_reversals(db):
    firm_id = company(db, "ООО «Свет-Монтаж»", 111111111)
    number = inn(111111111)
    shipments.import_rows(db, [
        Row(2, number, "2020-01-10", "УПД-0", 1_000_00),          # later corrected to 2021: not the start
        Row(3, number, "2024-12-31", "УПД-1", 10_000_000_00),     # the year before
        Row(4, number, "2025-03-01", "УПД-2", 5_000_000_00),
        Row(5, number, "2025-06-01", "УПД-3", 3_000_000_00),
        Row(6, number, "2026-01-01", "УПД-4", 9_000_000_00)], "a.csv", 1.0)   # the year after
    shipments.import_rows(db, [Row(2, number, "2021-03-15", "УПД-0", 1_000_00),
                               Row(3, number, "2025-06-01", "УПД-3", 2_400_000_00)], "fix.csv", 2.0)
    assert shipments.purchases(db, "2025-01-01", "2026-01-01") == {firm_id: 7_400_000_00}
    assert shipments.first_purchases(db, [firm_id]) == {firm_id: "2021-03-15"}
    card = scoring.company_card(db, DEFAULT, get_company(db, firm_id), 2025, date(2026, 2, 1))
    assert (card.lines[0].value, card.lines[0].score) == (7_400_000, 2)
    assert (card.lines[1].value, card.lines[1].score, card.since) == (4, 3, date(2021, 3, 15))
    assert [c.total for c in scoring.year_cards(db, DEFAULT, 2025, date(2026, 2, 1)) if c.company.id == firm_id] \
        == [card.total]


def test_a_merged_duplicate_buys_for_its_survivor(db):
    survivor, duplicate = company(db, "ООО «Свет-Монтаж»", 111111111), company(db, "ООО «Свет Монтаж СПб»", 222222222)
    shipments.import_rows(db, [Row(2, inn(222222222), "2025-04-01", "1", 6_000_000_00),
                               Row(3, inn(111111111), "2025-05-01", "2", 1_000_00)], "a.csv", 1.0)
    merge(db, duplicate, survivor, None)
    card = scoring.company_card(db, DEFAULT, get_company(db, survivor), 2025, date(2026, 2, 1))
    assert card.lines[0].value == 6_001_000
    cards = scoring.year_cards(db, DEFAULT, 2025, date(2026, 2, 1))
    assert [c.company.id for c in cards] == [survivor] and cards[0].lines[0].value == 6_001_000


def test_years_count_from_the_record_when_there_are_no_shipments(db):
    firm = get_company(db, company(db, "ООО «Новичок»", 333333333))
    since = date.fromisoformat(firm.created_at[:10])
    card = scoring.company_card(db, DEFAULT, firm, since.year, since)
    assert card.since == since and card.lines[1].value == 0 and card.lines[1].reached_on == scoring.add_years(since, 1)


def test_full_years_and_leap_days():
    assert scoring.full_years(date(2020, 2, 29), date(2025, 2, 28)) == 4
    assert scoring.full_years(date(2020, 3, 1), date(2025, 3, 1)) == 5
    assert scoring.full_years(date(2026, 3, 1), date(2025, 3, 1)) == 0
    assert scoring.add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)


def test_the_latest_row_wins(db, firm):
    for nonce, score in (("first-form-nonce-1", 1), ("second-form-nonce", 3), ("third-form-nonce-3", 2)):
        scorecard_store.record(db, firm, 2025, [scorecard_store.Entry("service", score, nonce)], nonce, None, 1.0)
    assert scorecard_store.latest(db, firm, 2025)["service"].score == 2
    assert scorecard_store.latest_for_year(db, 2025) == {firm: {"service": 2}}
    assert [row.score for row in scorecard_store.history(db, firm, 2025)] == [2, 3, 1]
    assert scorecard_store.latest(db, firm, 2024) == {}


def test_an_unchanged_score_writes_no_row(db, firm):
    entry = scorecard_store.Entry("service", 2, "Свой сервис")
    assert scorecard_store.record(db, firm, 2025, [entry], "nonce-aaaaaaaaaaaa", None, 1.0) == 1
    assert scorecard_store.record(db, firm, 2025, [entry], "nonce-bbbbbbbbbbbb", None, 2.0) == 0
    assert scorecard_store.record(db, firm, 2025, [scorecard_store.Entry("service", 2, "Другое")],
                                  "nonce-cccccccccccc", None, 3.0) == 1


def test_a_score_above_a_shrunken_scale_counts_as_the_top():
    card = scoring.card(parse_scorecard(VALID), get_company_stub(), 2025, scoring.Facts(), {"service": 7},
                        date(2026, 1, 1))
    assert card.lines[1].score == 2
