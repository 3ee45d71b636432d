"""The chart's geometry: round grid steps, bars in proportion, inside the view box."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.web import charts as chart
from portal.web.charts import Point


@pytest.mark.parametrize(("top", "step"), [(1, 1), (4, 1), (5, 2), (8, 2), (9, 5), (10, 5), (11, 5), (21, 10),
                                           (100, 25), (101, 50), (1_000_000_00, 25_000_000)])
def test_round_steps(top, step):
    assert chart.step_for(top) == step and step * chart.STEPS >= top


def point(now, before, label="янв"):
    return Point(label, now, before, f"now {now}", f"before {before}")


def test_bars_are_in_proportion_and_titled():
    found = chart.geometry([point(100_000_00, 50_000_00), point(0, 25_000_00, "фев")], lambda k: f"{k // 100}")
    before, now, before2, now2 = found.bars
    assert before.earlier and not now.earlier and before.x < now.x < before2.x
    assert now.height == pytest.approx(2 * before.height) and now2.height == 0
    assert before.height == pytest.approx(2 * before2.height)
    assert now.y + now.height == pytest.approx(found.base) and now.title == "now 10000000"
    assert [label for _, label in found.ticks] == ["0", "25000", "50000", "75000", "100000"]
    assert [label for _, label in found.labels] == ["янв", "фев"]


@given(st.lists(st.tuples(st.integers(0, 10**14), st.integers(0, 10**14)), min_size=1, max_size=12))
def test_everything_stays_inside_the_view_box(values):
    found = chart.geometry([point(now, before) for now, before in values], str)
    for bar in found.bars:
        assert found.left <= bar.x and bar.x + bar.width <= found.right + 0.2
        assert bar.y >= chart.TOP - 0.2 and bar.y + bar.height <= found.base + 0.2 and bar.height >= 0


@pytest.mark.parametrize(("top", "step"), [(0.03, 0.01), (0.5, 0.2), (0.9, 0.25), (37.5, 10), (100.0, 25)])
def test_rates_get_round_steps_too(top, step):
    assert chart.step_for(top) == step and step * chart.STEPS >= top


def test_a_rate_chart_keeps_fractions_in_proportion():
    found = chart.geometry([point(40.0, 20.0), point(10.0, 0.0, "b")], lambda value: f"{value:g}")
    before, now, _, smaller = found.bars
    assert now.height == pytest.approx(2 * before.height) == pytest.approx(4 * smaller.height)


def test_lines_scale_to_the_first_series_and_stay_in_the_box():
    found = chart.lines([[(0, 0), (36, 50), (72, 100)], [(0, 0), (72, 40)]], 72, [(0, "0 h"), (72, "72 h")])
    assert found.series[0].split()[-1] == f"{found.right:.1f},{found.top:.1f}"     # the top value at the top
    assert found.series[1].split()[-1] == f"{found.right:.1f},{found.bottom - 0.4 * (found.bottom - found.top):.1f}"
    assert [value for _, value in found.y_ticks] == [0, 50, 100] and found.x_ticks[-1][1] == "72 h"
