"""The dashboard's periods: quarter, month and year boundaries, custom dates (both days included), the
previous period and the year before (29 February), and every kind of bad input named."""

from datetime import date

import pytest

from portal.core.dashboard import Period
from portal.staff import periods
from portal.staff.dashboard import NEW, change

TODAY = date(2026, 5, 15)


@pytest.mark.parametrize(("day", "start", "end"), [
    (date(2026, 1, 1), date(2026, 1, 1), date(2026, 4, 1)), (date(2026, 3, 31), date(2026, 1, 1), date(2026, 4, 1)),
    (date(2026, 4, 1), date(2026, 4, 1), date(2026, 7, 1)), (date(2026, 12, 31), date(2026, 10, 1), date(2027, 1, 1))])
def test_quarter_boundaries(day, start, end):
    assert periods.quarter_of(day) == Period(start, end)


def test_the_default_is_this_quarter_against_the_previous_and_last_years():
    choice = periods.read_period({}, TODAY)
    assert choice.period == Period(date(2026, 4, 1), date(2026, 7, 1)) and not choice.errors
    now, before, year = choice.compared
    assert before == Period(date(2026, 1, 1), date(2026, 4, 1))    # the first quarter, though a day shorter
    assert year == Period(date(2025, 4, 1), date(2025, 7, 1))


def test_the_month_before_march_of_a_leap_year_is_february_and_january_steps_into_last_year():
    assert periods.read_period({"period": "month", "at": "2024-03-15"}, TODAY).compared[1] == \
        Period(date(2024, 2, 1), date(2024, 3, 1))
    assert periods.read_period({"period": "quarter", "at": "2026-02-01"}, TODAY).compared[1] == \
        Period(date(2025, 10, 1), date(2026, 1, 1))
    assert periods.read_period({"period": "year"}, TODAY).compared[1] == Period(date(2025, 1, 1), date(2026, 1, 1))


def test_month_year_and_a_day_inside_them():
    assert periods.read_period({"period": "month", "at": "2024-02-29"}, TODAY).period == \
        Period(date(2024, 2, 1), date(2024, 3, 1))
    assert periods.read_period({"period": "year"}, TODAY).period == Period(date(2026, 1, 1), date(2027, 1, 1))
    assert periods.read_period({"period": "month"}, date(2026, 12, 31)).period == \
        Period(date(2026, 12, 1), date(2027, 1, 1))


def test_custom_dates_include_both_days_and_29_february_steps_back_to_the_28th():
    choice = periods.read_period({"period": "custom", "from": "2024-02-29", "to": "2024-03-10"}, TODAY)
    assert choice.period == Period(date(2024, 2, 29), date(2024, 3, 11))
    assert choice.compared[2] == Period(date(2023, 2, 28), date(2023, 3, 11))
    assert choice.compared[1] == Period(date(2024, 2, 18), date(2024, 2, 29))    # the 11 days just before


@pytest.mark.parametrize(("query", "errors"), [
    ({"period": "week"}, {"period": "dashboard.error.kind"}),
    ({"period": "quarter", "at": "2026-02-30"}, {"at": "dashboard.error.day"}),
    ({"period": "custom"}, {"from": "dashboard.error.day", "to": "dashboard.error.day"}),
    ({"period": "custom", "from": "2026-05-01", "to": "2026-04-01"}, {"to": "dashboard.error.order"}),
    ({"period": "custom", "from": "2020-01-01", "to": "2026-04-01"}, {"to": "dashboard.error.long"}),
    ({"period": "custom", "from": "1999-12-31", "to": "2026-04-01"}, {"from": "dashboard.error.day"}),
    ({"period": "custom", "from": "２０２６-01-01", "to": "2026-04-01"}, {"from": "dashboard.error.day"}),
    ({"period": "month", "at": "x" * 5000}, {"at": "dashboard.error.day"}),
])
def test_bad_input_is_named_and_kept(query, errors):
    choice = periods.read_period(query, TODAY)
    assert choice.period is None and choice.errors == errors
    assert choice.values["period"] == query["period"][:20]


@pytest.mark.parametrize(("now", "before", "unit", "expected"), [
    (5, 0, "", NEW), (0, 0, "", 0.0), (3, 2, "", 0.5), (1, 2, "", -0.5), (None, 2, "", None), (2, None, "", None),
    (40.0, 30.0, "%", 10.0), (40.0, 0.0, "%", 40.0)])
def test_changes_from_zero_are_new_and_rates_change_in_points(now, before, unit, expected):
    assert change(now, before, unit) == expected
