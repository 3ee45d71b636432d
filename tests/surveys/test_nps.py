"""The score's arithmetic: boundaries, rounding half away from zero, empty groups, "too few", the margin."""

from __future__ import annotations

import math

import pytest

from portal.surveys.nps import MIN_ANSWERS, Score, kind_of, score_of, size_band


@pytest.mark.parametrize(("score", "kind"), [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"),
                                             (9, "promoter"), (10, "promoter")])
def test_boundaries(score, kind):
    assert kind_of(score) == kind


@pytest.mark.parametrize("score", [-1, 11])
def test_outside_the_scale_is_refused(score):
    with pytest.raises(ValueError):
        kind_of(score)


def test_six_and_seven_eight_and_nine():
    assert score_of([6, 7]).value == -50    # a detractor and a passive
    assert score_of([8, 9]).value == 50     # a passive and a promoter
    assert score_of([6, 9]).value == 0


@pytest.mark.parametrize(("scores", "expected"), [
    ([9] * 1 + [7] * 7, 13),            # 12.5 -> 13 (half away from zero)
    ([0] * 1 + [7] * 7, -13),           # -12.5 -> -13
    ([9] * 3 + [7] * 5, 38),            # 37.5 -> 38
    ([9, 7, 7], 33),                    # 33.33 -> 33
    ([9, 9, 7], 67),                    # 66.67 -> 67
    ([0, 0, 7], -67),
    ([10] * 5, 100), ([0] * 5, -100),
])
def test_whole_number_rounding(scores, expected):
    assert score_of(scores).value == expected


def test_empty_group_has_no_score():
    empty = score_of([])
    assert (empty.answers, empty.value, empty.margin, empty.shown()) == (0, None, None, None)


def test_too_few_below_ten_answers():
    nine = score_of([10] * (MIN_ANSWERS - 1))
    assert nine.value == 100 and not nine.enough and nine.shown() is None
    ten = score_of([10] * MIN_ANSWERS)
    assert ten.enough and ten.shown() == 100


def test_margin_by_hand():
    # 20 answers: 10 promoters, 6 passives, 4 detractors. p = 0.5, d = 0.2, NPS = 30.
    # var = p + d - (p - d)^2 = 0.7 - 0.09 = 0.61; margin = 1.96 * sqrt(0.61 / 20) * 100 = 34.23 points.
    score = score_of([10] * 10 + [7] * 6 + [3] * 4)
    assert score == Score(20, 10, 6, 4)
    assert score.value == 30
    assert score.margin == pytest.approx(34.23, abs=0.01)
    assert score.margin == pytest.approx(196 * math.sqrt(0.61 / 20))


def test_no_spread_no_margin():
    assert score_of([10] * 12).margin == 0.0


@pytest.mark.parametrize(("members", "band"), [(1, "1"), (2, "2-5"), (5, "2-5"), (6, "6+"), (40, "6+")])
def test_size_bands(members, band):
    assert size_band(members) == band
