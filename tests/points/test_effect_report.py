"""The report's rounding for people and its rows when there is nothing to compare yet."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from portal.points import effect_report


def test_money_and_shares_round_half_up():
    assert effect_report.money(Fraction(12345, 2)) == Decimal("61.73")     # 6172.5 kopecks
    assert effect_report.money(Fraction(-12345, 2)) == Decimal("-61.73")
    assert effect_report.money(None) is None
    assert effect_report.share(Fraction(1, 3)) == Decimal("33.3")
    assert effect_report.share(Fraction(1, 8)) == Decimal("12.5")
    assert effect_report.share(Fraction(2, 3)) == Decimal("66.7")
    assert effect_report.share(None) is None


def test_an_empty_club_has_no_headline_but_its_rows(db):
    report = effect_report.build(db, date(2026, 3, 10), 4, 2)
    assert (report.window, report.churn_months, report.members, report.others) == (4, 2, 0, 0)
    assert effect_report.headline(report) is None and report.profile == () and report.cohorts == ()
    rows = effect_report.export_rows(report, lambda key, **values: key)
    assert rows[0][0] == "points.effect.col.section" and len(rows[0]) == 7
    assert rows[1:] == [["points.effect.section.churn", "points.effect.row.churn", None, None, None, 0, 0]]
