"""Monthly accrual: floor(month total / 500), once per month, counted groups, bonus multipliers, the rule."""

from datetime import date
from fractions import Fraction

import pytest

from portal.core.companies import merge
from portal.points import accrual, shipments
from portal.points.accrual import Bonus, Rule, RuleError, parse_rule
from portal.points.shipments_file import Row
from tests.points.helpers import company, inn

A, B = inn(111111111), inn(222222222)


class Ledger:
    """Stands in for ledger.earn (written by the ledger part): records each call."""

    def __init__(self):
        self.calls = []

    def __call__(self, db, company_id, amount, *, reason, source, now, earned_at=None, by_id=None):
        self.calls.append((company_id, amount, source))
        return len(self.calls)


def load(db, *rows):
    shipments.import_rows(db, list(rows), "s.csv", 0.0)


def test_one_point_per_500_roubles_rounded_down_and_twice_is_once(db):
    first, second = company(db, "А", 111111111), company(db, "Б", 222222222)
    load(db, Row(2, A, "2026-09-03", "1", 150000000), Row(3, A, "2026-09-20", "2", 34000050),  # 1 840 000,50
         Row(4, B, "2026-09-30", "3", 49999), Row(5, B, "2026-10-01", "4", 100000))
    ledger = Ledger()
    report = accrual.accrue(db, "2026-09", Rule(), 10.0, earn=ledger)
    assert ledger.calls == [(first, 3680, "accrual:2026-09")]  # privileges.md: 1 840 000 roubles -> 3 680 points
    assert (report.companies, report.points) == (2, 3680)
    assert db.execute("SELECT company_id, month, roubles_kopecks, points FROM points_accruals ORDER BY company_id"
                      ).fetchall() == [(first, "2026-09", 184000050, 3680), (second, "2026-09", 49999, 0)]
    again = accrual.accrue(db, "2026-09", Rule(), 20.0, earn=ledger)
    assert (again.companies, again.already, len(ledger.calls)) == (0, 2, 1)


def test_reversals_count_net(db):
    company(db, "А", 111111111)
    load(db, Row(2, A, "2026-09-03", "1", 100000))
    load(db, Row(2, A, "2026-09-03", "1", 60000))
    ledger = Ledger()
    accrual.accrue(db, "2026-09", Rule(), 10.0, earn=ledger)
    assert [call[1] for call in ledger.calls] == [1]


def test_only_counted_groups_and_bonus_multipliers(db):
    company(db, "А", 111111111)
    load(db, Row(2, A, "2026-11-03", "1", 100000, "Треки"), Row(3, A, "2026-11-03", "2", 100000, "Лампы"),
         Row(4, A, "2026-11-20", "3", 100000, "Кабель"))
    rule = Rule(groups=frozenset({"Треки", "Лампы"}),
                bonuses=(Bonus(date(2026, 11, 1), date(2026, 11, 10), Fraction(2), "Треки"),
                         Bonus(date(2026, 11, 1), date(2026, 11, 30), Fraction(3, 2))))
    ledger = Ledger()
    accrual.accrue(db, "2026-11", rule, 10.0, earn=ledger)
    assert ledger.calls[0][1] == (2000 + 1500) // 500  # the bigger multiplier wins; cable does not count


def test_dry_run_and_merged_companies(db):
    first, second = company(db, "А", 111111111), company(db, "Б", 222222222)
    load(db, Row(2, A, "2026-11-03", "1", 50000), Row(3, B, "2026-11-04", "2", 50000))
    merge(db, second, first, None)
    ledger = Ledger()
    assert accrual.accrue(db, "2026-11", Rule(), 10.0, dry_run=True, earn=ledger).points == 2
    assert ledger.calls == [] and accrual.accrued_companies(db, "2026-11") == set()
    accrual.accrue(db, "2026-11", Rule(), 10.0, earn=ledger)
    assert ledger.calls == [(first, 2, "accrual:2026-11")]


def test_a_bad_month_is_refused(db):
    with pytest.raises(ValueError, match="YYYY-MM"):
        accrual.accrue(db, "2026-13", Rule(), 0.0, earn=Ledger())


def test_the_rule_from_mkdocs_yml():
    rule = parse_rule({"roubles_per_point": 1000, "rounding": "round", "groups": ["Треки"], "accrue_day": 7,
                       "bonuses": [{"from": date(2026, 1, 1), "until": "2026-01-31", "multiplier": 1.5}]})
    assert (rule.roubles_per_point, rule.rounding, rule.groups, rule.accrue_day) == (1000, "round", {"Треки"}, 7)
    assert rule.bonuses[0].multiplier == Fraction(3, 2) and rule.points(Fraction(150000)) == 2
    assert parse_rule(None) == Rule()


@pytest.mark.parametrize(("raw", "named"), [
    ([], "must be a mapping"), ({"roubles_per_point": 0}, "roubles_per_point"), ({"rounding": "up"}, "rounding"),
    ({"groups": "some"}, "groups"),
    ({"bonuses": [{"from": "x", "until": "2026-01-01", "multiplier": 2}]}, "bonuses[1]"),
    ({"bonuses": [{"from": "2026-02-01", "until": "2026-01-01", "multiplier": 2}]}, "until"),
    ({"accrue_day": 31}, "accrue_day")])
def test_a_wrong_rule_names_its_key(raw, named):
    with pytest.raises(RuleError, match=named.replace("[", r"\[").replace("]", r"\]")):
        parse_rule(raw)


def test_previous_month_and_month_end():
    assert accrual.previous_month(date(2026, 1, 5)) == "2025-12"
    assert accrual.previous_month(date(2026, 12, 5)) == "2026-11"
    from zoneinfo import ZoneInfo
    assert accrual.month_end("2026-12", ZoneInfo("Europe/Moscow")) == 1798750800 - 1  # 2027-01-01 00:00 MSK


def test_accrual_earns_in_the_real_ledger_once(db):
    from portal.points import ledger

    first = company(db, "А", 111111111)
    load(db, Row(2, A, "2026-09-03", "1", 184000000))
    accrual.accrue(db, "2026-09", Rule(), 10.0)
    accrual.accrue(db, "2026-09", Rule(), 11.0)
    assert ledger.balance(db, first, 12.0).available == 3680
    [row] = ledger.history(db, first, 10, 0)
    assert (row.kind, row.amount) == ("earn", 3680)
