"""The club-effect arithmetic against examples worked by hand: difference-in-differences of amount and
frequency, the chart's months, churn, cohorts and the rounding for people."""

from fractions import Fraction

from portal.points import effect
from portal.points.effect import Unit

# Two members of one cell (installers, central) and their two look-alikes; windows of K = 2 months.
M = Unit("company:1", "M", "installers", "central",
         {"2025-03": 100, "2025-04": 0, "2025-05": 999, "2025-06": 300, "2025-07": 100}, "2025-05")
N = Unit("company:2", "N", "installers", "central",
         {"2025-04": 200, "2025-05": 200, "2025-07": 200, "2025-08": 100}, "2025-06")
C1 = Unit("inn:1", "C1", "installers", "central",
          {"2025-03": 100, "2025-04": 100, "2025-05": 0, "2025-06": 100, "2025-07": 100, "2025-08": 0})
C2 = Unit("inn:2", "C2", "installers", "central", {"2025-04": 200, "2025-06": 300})
LONELY = Unit("company:3", "L", "designers", "south", {"2025-04": 5}, "2025-05")       # no look-alikes
RECENT = Unit("company:4", "R", "installers", "central", {}, "2025-08")              # 2025-10 is not over
EARLY = Unit("company:5", "E", "installers", "central", {}, "2025-02")               # 2024-12 is before the data
UNKNOWN = Unit("inn:3", "U", "", "", {"2025-04": 10**9})                              # no segment: never a control
UNITS = [M, N, C1, C2, LONELY, RECENT, EARLY, UNKNOWN]


def test_a_members_change_leaves_out_the_joining_month():
    # before: (100 + 0) / 2 = 50; after: (300 + 100) / 2 = 200; months with a purchase 1 of 2, then 2 of 2
    assert effect.change(M.series, "2025-05", 2) == effect.Change(Fraction(50), Fraction(200), Fraction(1, 2),
                                                                   Fraction(1))


def test_difference_in_differences_by_hand():
    result = effect.effect(UNITS, 2, "2025-01", "2025-09")
    # M: +150; its look-alikes over Mar-Apr / Jun-Jul: C1 0, C2 (0+200)/2 -> (300+0)/2 = +50; mean +25 -> 125
    # N: 200 -> 150 = -50; over Apr-May / Jul-Aug: C1 50 -> 50 = 0, C2 100 -> 0 = -100; mean -50 -> 0
    assert [pair.did for pair in result.pairs] == [125, 0]
    assert result.did == Fraction(125, 2)
    assert result.members == effect.Change(Fraction(125), Fraction(175), Fraction(3, 4), Fraction(1))
    # the controls per member, then over members: before (100 + 75) / 2, after (125 + 25) / 2; months with a
    # purchase: M's look-alikes (2/2 + 1/2) / 2 = 3/4 both times, N's (1/2 + 1/2) / 2 = 1/2 then (1/2 + 0) / 2
    assert result.controls == effect.Change(Fraction(175, 2), Fraction(75), Fraction(5, 8), Fraction(1, 2))
    assert result.did == result.members.amount - result.controls.amount
    # frequency: members +1/2 and 0 -> +1/4; controls 0 and -1/4 -> -1/8; the difference 3/8
    assert result.did_frequency == Fraction(3, 8)
    assert result.control_count == 2
    assert (result.too_recent, result.too_early, result.no_controls) == (1, 1, 1)


def test_the_months_around_joining():
    lines = effect.profile(effect.effect(UNITS, 2, "2025-01", "2025-09"))
    assert [line.offset for line in lines] == [-2, -1, 1, 2]
    # month -2: M's March 100 and N's April 200; their look-alikes (100+0)/2 and (100+200)/2
    assert (lines[0].members, lines[0].controls) == (150, 100)
    # month +1: M's June 300, N's July 200; look-alikes (100+300)/2 and (100+0)/2
    assert (lines[2].members, lines[2].controls) == (250, 125)


def test_nothing_to_compare():
    result = effect.effect([C1, C2, RECENT], 2, "2025-01", "2025-09")
    assert result.did is None and result.members is None and result.pairs == ()
    assert result.too_recent == 1
    assert effect.profile(result) == []


def test_churn_counts_those_who_bought_before_and_not_since():
    units = [Unit("a", "A", "", "", {"2025-02": 5, "2025-08": 5}),     # bought lately: stays
             Unit("b", "B", "", "", {"2025-03": 5}),                   # quiet for the last 3 months: churned
             Unit("c", "C", "", "", {"2025-08": 5}),                   # new: not in the base
             Unit("d", "D", "", "", {"2025-01": 5, "2025-08": 0})]     # August reversed to nothing: churned
    found = effect.churn(units, 3, "2025-09")
    assert (found.base, found.churned, found.share) == (3, 2, Fraction(2, 3))
    assert effect.churn([], 3, "2025-09").share is None


def test_cohorts_by_quarter_follow_months_that_are_over():
    units = [Unit("1", "U1", "", "", {"2025-01": 100, "2025-02": 0, "2025-03": 300}, "2025-01"),
             Unit("2", "U2", "", "", {"2025-03": 50, "2025-04": 150}, "2025-03"),
             Unit("3", "U3", "", "", {}, "2025-04"),
             Unit("4", "U4", "", "", {"2025-04": 1}, "2025-06"),       # joins after the data: not yet a cohort
             Unit("5", "C", "", "", {"2025-01": 7})]                     # not a member
    first, second = effect.cohorts(units, "2025-04", 3)
    assert (first.quarter, first.size, second.quarter, second.size) == ("2025-Q1", 2, "2025-Q2", 1)
    assert [(c.since, c.observed, c.buying, c.average) for c in first.cells] == [
        (0, 2, 2, 75), (1, 2, 1, 75), (2, 1, 1, 300)]
    assert first.cells[1].retention == Fraction(1, 2)
    assert [(c.since, c.observed, c.buying, c.average) for c in second.cells] == [(0, 1, 0, 0)]


def test_quarters_and_rounding_for_people():
    assert [effect.quarter(m) for m in ("2025-01", "2025-03", "2025-04", "2025-12")] == [
        "2025-Q1", "2025-Q1", "2025-Q2", "2025-Q4"]
    assert [effect.kopecks(Fraction(n, d)) for n, d in ((125, 2), (-125, 2), (1, 3), (2, 3), (0, 1))] == [
        63, -63, 0, 1, 0]
    assert effect.months_between("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
