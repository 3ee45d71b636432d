"""Tiers: the config (every bad value named by its key), the thresholds, the 12-month window, reversals
and merged companies."""

import re
from datetime import date

import pytest
import yaml

from portal.core.companies import merge
from portal.points import accrual, shipments, tiers
from portal.points.shipments_file import Row
from portal.points.tiers import DEFAULT_TIERS, KEY, Text, Tier, parse_tiers
from tests.points.helpers import company, inn

THREE = {"tiers": [{"name": "Партнёр", "from_roubles": 0},
                   {"name": {"ru": "Серебряный", "en": "Silver"}, "from_roubles": 100, "gives": "Менеджер"},
                   {"name": {"ru": "Золотой", "en": "Gold"}, "from_roubles": 1000,
                    "gives": [{"ru": "Образцы", "en": "Samples"}, "Кейсы"]}]}


def with_tier(number: int, **changes) -> dict:
    section = {"tiers": [dict(item) for item in THREE["tiers"]]}
    section["tiers"][number - 1].update(changes)
    return section


def test_a_good_config_and_the_defaults():
    found = parse_tiers(THREE)
    assert [tier.from_roubles for tier in found] == [0, 100, 1000]
    assert found[0].name == Text("Партнёр", "Партнёр") and found[0].gives == ()
    assert found[1].gives == (Text("Менеджер", "Менеджер"),)
    assert found[2].gives == (Text("Образцы", "Samples"), Text("Кейсы", "Кейсы"))
    assert found[1].name.of("en") == "Silver" and found[1].name.of("ru") == "Серебряный"
    assert parse_tiers(None) == parse_tiers({}) == parse_tiers({"roubles_per_point": 500}) == DEFAULT_TIERS
    assert [tier.from_roubles for tier in DEFAULT_TIERS] == [0, 3_000_000, 10_000_000]


def test_the_repository_config_reads_as_the_defaults():
    with open("mkdocs.yml", encoding="utf-8") as handle:
        raw = yaml.load(handle, Loader=yaml.Loader)  # noqa: S506 - our own file with mkdocs' !!python tags
    assert parse_tiers(raw["extra"]["club"]["points"]) == DEFAULT_TIERS


@pytest.mark.parametrize(("section", "key"), [
    ("nonsense", "extra.club.points must be a mapping"),
    ({"tiers": "Золотой"}, f"{KEY}: a list"),
    ({"tiers": []}, f"{KEY}: a list"),
    ({"tiers": [{"name": "x", "from_roubles": 0}] * 13}, f"{KEY}: a list of 1 to 12"),
    ({"tiers": ["Партнёр"]}, f"{KEY}[1]: a mapping"),
    (with_tier(2, colour="silver"), f"{KEY}[2].colour: unknown key"),
    ({"tiers": [{"from_roubles": 0}]}, f"{KEY}[1].name: missing"),
    ({"tiers": [{"name": "Партнёр"}]}, f"{KEY}[1].from_roubles: missing"),
    (with_tier(1, from_roubles=5), f"{KEY}[1].from_roubles: the first tier starts from 0"),
    (with_tier(2, from_roubles="3 000 000"), f"{KEY}[2].from_roubles: a whole number"),
    (with_tier(2, from_roubles=-1), f"{KEY}[2].from_roubles: a whole number"),
    (with_tier(2, from_roubles=1.5), f"{KEY}[2].from_roubles: a whole number"),
    (with_tier(2, from_roubles=True), f"{KEY}[2].from_roubles: a whole number"),
    (with_tier(2, from_roubles=10**13), f"{KEY}[2].from_roubles: a whole number"),
    (with_tier(3, from_roubles=100), f"{KEY}[3].from_roubles: more than the tier before (100)"),
    (with_tier(3, from_roubles=50), f"{KEY}[3].from_roubles: more than the tier before"),
    (with_tier(2, name=""), f"{KEY}[2].name.ru: a text"),
    (with_tier(2, name="   "), f"{KEY}[2].name.ru: a text"),
    (with_tier(2, name=7), f"{KEY}[2].name: a text"),
    (with_tier(2, name={"ru": "Серебряный"}), f"{KEY}[2].name.en: a text"),
    (with_tier(2, name={"ru": "Серебряный", "en": ""}), f"{KEY}[2].name.en: a text"),
    (with_tier(2, name={"ru": "Серебряный", "en": "Silver", "de": "Silber"}), f"{KEY}[2].name.de: unknown"),
    (with_tier(2, name="Я" * 61), f"{KEY}[2].name.ru: at most 60"),
    (with_tier(3, name="партнёр"), f"{KEY}[3].name: «партнёр» is the name of tier 1"),
    (with_tier(2, gives=5), f"{KEY}[2].gives: a text, or a list"),
    (with_tier(2, gives=["ok"] * 13), f"{KEY}[2].gives: a text, or a list"),
    (with_tier(3, gives=["ok", ""]), f"{KEY}[3].gives[2].ru: a text"),
    (with_tier(3, gives=[{"ru": "Образцы"}]), f"{KEY}[3].gives[1].en: a text"),
    (with_tier(3, gives=[["nested"]]), f"{KEY}[3].gives[1]: a text"),
    (with_tier(3, gives="x" * 301), f"{KEY}[3].gives[1].ru: at most 300"),
])
def test_every_bad_value_is_named_by_its_key(section, key):
    with pytest.raises(ValueError, match="^" + re.escape(key)):
        parse_tiers(section)


def test_a_wrong_config_falls_back_to_the_defaults_with_a_warning(caplog):
    class Club:
        raw = {"extra": {"club": {"points": with_tier(2, from_roubles=-1)}}}

    assert tiers.club_tiers(Club()) == DEFAULT_TIERS
    assert f"{KEY}[2].from_roubles" in caplog.text


TIERS = (Tier(Text("A", "A"), 0), Tier(Text("B", "B"), 3_000_000), Tier(Text("C", "C"), 10_000_000))


@pytest.mark.parametrize(("kopecks", "number", "missing", "percent"), [
    (0, 1, 300_000_000, 0),
    (-5, 1, 300_000_005, 0),                      # never below the first tier
    (299_999_999, 1, 1, 99),                      # a kopeck short of the threshold
    (300_000_000, 2, 700_000_000, 0),             # exactly at the threshold: the tier is reached
    (650_000_000, 2, 350_000_000, 50),
    (999_999_999, 2, 1, 99),
    (1_000_000_000, 3, 0, 100),
    (5_000_000_000, 3, 0, 100),
])
def test_thresholds(kopecks, number, missing, percent):
    found = tiers.standing(TIERS, kopecks)
    assert (found.number, found.missing_kopecks, found.percent) == (number, missing, percent)
    assert found.tier is TIERS[number - 1]
    assert found.next is (TIERS[number] if number < 3 else None)


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 12, 3), ("2025-12-01", "2026-12-01")),
    (date(2026, 1, 1), ("2025-01-01", "2026-01-01")),
    (date(2026, 1, 31), ("2025-01-01", "2026-01-01")),
    (date(2024, 2, 29), ("2023-02-01", "2024-02-01")),
])
def test_the_window_is_the_twelve_full_months_before_this_one(today, expected):
    assert tiers.window(today) == expected


def ship(db, rows):
    shipments.import_rows(db, [Row(number, *row) for number, row in enumerate(rows, 2)], "s.csv", 0.0)


def test_the_window_edges_count_exactly_the_twelve_months(db):
    firm = company(db, "Окно", 1)
    ship(db, [(inn(1), "2025-11-30", "before", 1_000_000_00, "Драйверы"),     # a day too early
              (inn(1), "2025-12-01", "first", 2_000_000_00, "Драйверы"),      # the window's first day
              (inn(1), "2026-11-30", "last", 1_000_000_00, "Трековые системы"),  # its last day
              (inn(1), "2026-12-01", "now", 7_000_000_00, "Драйверы")])       # this month: not yet
    found = tiers.company_standing(db, firm, date(2026, 12, 15), TIERS)
    assert (found.kopecks, found.number, found.start, found.end) == (3_000_000_00, 2, "2025-12-01", "2026-12-01")
    # A month later the window moves on: December 2025 leaves it, December 2026 comes in.
    assert tiers.company_standing(db, firm, date(2027, 1, 1), TIERS).kopecks == 8_000_000_00


def test_a_corrected_document_counts_once_at_its_new_amount(db):
    firm = company(db, "Возврат", 2)
    ship(db, [(inn(2), "2026-05-10", "УПД-1", 4_000_000_00, "Драйверы")])
    assert tiers.company_standing(db, firm, date(2026, 12, 1), TIERS).number == 2
    ship(db, [(inn(2), "2026-05-10", "УПД-1", 2_500_000_00, "Драйверы")])  # the return: a reversal and a new row
    found = tiers.company_standing(db, firm, date(2026, 12, 1), TIERS)
    assert (found.kopecks, found.number, found.missing_kopecks) == (2_500_000_00, 1, 500_000_00)
    ship(db, [(inn(2), "2026-05-10", "УПД-1", 0, "Драйверы")])
    assert tiers.company_standing(db, firm, date(2026, 12, 1), TIERS).kopecks == 0


def test_merged_duplicates_count_as_their_company_and_others_never(db):
    first, second, other = company(db, "Основная", 3), company(db, "Дубль", 4), company(db, "Чужая", 5)
    ship(db, [(inn(3), "2026-03-01", "a", 2_000_000_00, "Драйверы"),
              (inn(4), "2026-04-01", "b", 1_000_000_00, "Драйверы"),
              (inn(5), "2026-04-01", "c", 50_000_000_00, "Драйверы")])
    assert tiers.company_standing(db, first, date(2026, 12, 1), TIERS).number == 1
    merge(db, second, first, None)
    found = tiers.company_standing(db, first, date(2026, 12, 1), TIERS)
    assert (found.kopecks, found.number) == (3_000_000_00, 2)
    assert tiers.company_standing(db, other, date(2026, 12, 1), TIERS).kopecks == 50_000_000_00


def test_the_query_uses_the_company_index(db):
    statements = []
    db.conn.set_trace_callback(statements.append)  # the SQL as run, placeholders filled in
    shipments.company_months(db, [1, 2], "2025-01-01", "2026-01-01")
    db.conn.set_trace_callback(None)
    [query] = [sql for sql in statements if "points_shipments" in sql]
    plan = " ".join(str(tuple(row)) for row in db.execute("EXPLAIN QUERY PLAN " + query))
    assert "points_shipments_company" in plan and "points_shipments_month" not in plan


def test_the_accrual_rule_leaves_the_tiers_to_this_module():
    from portal.points.config import check_points_config

    assert accrual.parse_rule({**THREE, "expiry_months": 24}) == accrual.Rule()
    assert check_points_config({"extra": {"club": {"points": {**THREE, "expiry_months": 24}}}}) == []
    [problem] = check_points_config({"extra": {"club": {"points": {**THREE, "colour": "gold"}}}})
    assert problem.startswith("extra.club.points.colour: no such setting")
