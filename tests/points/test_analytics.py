"""The purchase analytics' numbers: periods, the table against hand-computed sums, changes and shares."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.points import analytics
from portal.points.analytics import Period

TODAY = date(2026, 12, 3)


def test_periods():
    last = analytics.last_twelve(TODAY)
    assert last.key == "12m" and last.months[0] == "2025-12" and last.months[-1] == "2026-11" and len(last.months) == 12
    assert (last.start, last.end, last.compared_start) == ("2025-12-01", "2026-12-01", "2024-12-01")
    assert analytics.year(2025, TODAY).months == tuple(f"2025-{m:02d}" for m in range(1, 13))
    assert analytics.year(2026, TODAY).months[-1] == "2026-12"  # the current year so far
    assert analytics.year(2026, date(2026, 1, 31)).months == ("2026-01",)
    assert analytics.years(TODAY) == [2026, 2025, 2024, 2023, 2022]


@pytest.mark.parametrize(("key", "months"), [
    ("", ("2025-12", "2026-11")), ("12m", ("2025-12", "2026-11")), ("2024", ("2024-01", "2024-12")),
    ("2022", ("2022-01", "2022-12")), ("2021", None), ("2027", None), ("abc", None), ("２０２５", None), ("12M", None),
    (" 2025", None), ("-2025", None),
])
def test_period_of(key, months):
    found = analytics.period_of(key, TODAY)
    assert (found.months[0], found.months[-1]) == months if months else found is None


@pytest.mark.parametrize(("month", "by", "expected"), [
    ("2026-01", -1, "2025-12"), ("2026-12", 1, "2027-01"), ("2026-05", -12, "2025-05"), ("2026-05", -17, "2024-12"),
])
def test_month_shift(month, by, expected):
    assert analytics.month_shift(month, by) == expected


def test_change_and_percent_round_half_up_and_know_nothing_from_nothing():
    assert analytics.change(150, 100) == Decimal("50.0")
    assert analytics.change(0, 100) == Decimal("-100.0")
    assert analytics.change(100, 0) is None and analytics.percent(1, 0) is None
    assert analytics.percent(1, 8) == Decimal("12.5") and analytics.percent(1, 16) == Decimal("6.3")  # 6.25 up
    assert analytics.percent(2, 3) == Decimal("66.7")


def test_the_table_against_hand_computed_sums():
    period = Period("x", ("2026-01", "2026-02", "2026-03"))
    rows = [("2026-01", "Драйверы", 1000), ("2026-01", "Лампы", 3000), ("2026-02", "Драйверы", 500),
            ("2025-01", "Драйверы", 2000), ("2025-03", "Старая группа", 700),   # only a year before
            ("2025-02", "Лампы", 0), ("2026-04", "Лампы", 99999), ("2024-01", "Лампы", 5)]  # outside both
    table = analytics.table(rows, period)
    assert table.groups == ("Лампы", "Драйверы")  # the biggest first; a group only last year is no column
    assert [(line.month, line.amounts, line.total, line.before) for line in table.lines] == [
        ("2026-01", (3000, 1000), 4000, 2000), ("2026-02", (0, 500), 500, 0), ("2026-03", (0, 0), 0, 700)]
    assert [line.change for line in table.lines] == [Decimal("100.0"), None, Decimal("-100.0")]
    assert (table.totals.amounts, table.totals.total, table.totals.before) == ((3000, 1500), 4500, 2700)
    assert table.totals.change == Decimal("66.7")
    assert table.shares == (Decimal("66.7"), Decimal("33.3"))


def test_one_group():
    period = Period("x", ("2026-01",))
    rows = [("2026-01", "Драйверы", 1000), ("2026-01", "Лампы", 3000), ("2025-01", "Драйверы", 800),
            ("2025-01", "Лампы", 10)]
    table = analytics.table(rows, period, "Драйверы")
    assert table.groups == ("Драйверы",) and table.totals.total == 1000 and table.totals.before == 800
    assert table.totals.change == Decimal("25.0") and table.shares == (Decimal("100.0"),)


def test_nothing_at_all():
    table = analytics.table([], analytics.last_twelve(TODAY))
    assert table.empty and table.groups == () and table.totals.change is None and len(table.lines) == 12


def test_groups_of():
    assert analytics.groups_of([("2026-01", "б", 1), ("2026-02", "А", 1), ("2026-03", "б", 2)]) == ["А", "б"]


months = st.sampled_from([f"{year}-{month:02d}" for year in (2024, 2025, 2026) for month in range(1, 13)])
groups = st.sampled_from(["Драйверы", "Лампы", "=SUM(A1)", ""])


@given(st.lists(st.tuples(months, groups, st.integers(0, 10**12)), max_size=60),
       st.sampled_from(["12m", "2025", "2026"]))
def test_the_totals_are_the_sums_of_the_table(rows, key):
    period = analytics.period_of(key, TODAY)
    table = analytics.table(rows, period)
    assert table.totals.total == sum(line.total for line in table.lines) == sum(table.totals.amounts)
    assert table.totals.before == sum(line.before for line in table.lines)
    for line in table.lines:
        assert line.total == sum(line.amounts)
    for number, name in enumerate(table.groups):
        assert table.totals.amounts[number] == sum(line.amounts[number] for line in table.lines)
        assert table.totals.amounts[number] == sum(k for m, g, k in rows if g == name and m in period.months)
    in_period = sum(k for m, _, k in rows if m in period.months)
    assert table.totals.total == in_period
    if in_period:
        assert abs(sum(table.shares) - 100) <= Decimal("0.05") * len(table.groups)
