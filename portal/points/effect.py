"""Does the club pay for itself: pure arithmetic on customers' monthly purchases (no database).

A customer is a `Unit`: a member company (with the month it joined the club) or a non-member customer of
the manufacturer (no joining month), each with its segment, region and monthly purchases net of reversals
(YYYY-MM -> kopecks). The method (seed 003: before/after, look-alike control groups, cohorts):

- Windows: the K whole months before a member's joining month, and the K whole months after it; the joining
  month itself is left out (it is partly before, partly after).
- Controls: the non-member customers of the member's segment and region, given the member's joining month as
  a pseudo joining month, so both are measured over the same calendar months (the season and the market
  cancel out).
- Difference-in-differences: (after − before) of the member minus the average (after − before) of its
  controls, averaged over members. The same for purchase frequency (the share of months with a purchase).
- Churn: of the customers who bought before the last N months, the share with no purchase in them.
- Cohorts: members by the quarter they joined; for each month since joining, the share that bought
  (retention) and their average purchases.

Averages are exact fractions of kopecks (`Fraction`); `kopecks()` rounds them half up for people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from portal.points.analytics import month_shift


@dataclass(frozen=True)
class Unit:
    key: str                      # "company:12" for a member, "inn:7707083893" for a non-member customer
    name: str
    segment: str
    region: str
    series: Mapping[str, int]     # YYYY-MM -> kopecks, net of reversals
    joined: str | None = None     # YYYY-MM the member joined; None: not a member


@dataclass(frozen=True)
class Change:
    """A customer's average month and purchase frequency before and after a (pseudo) joining month."""

    before: Fraction              # average kopecks a month
    after: Fraction
    freq_before: Fraction         # months with a purchase / K
    freq_after: Fraction

    @property
    def amount(self) -> Fraction:
        return self.after - self.before

    @property
    def frequency(self) -> Fraction:
        return self.freq_after - self.freq_before


@dataclass(frozen=True)
class Pair:
    """A member against its look-alikes: their average change over the same months."""

    member: Unit
    controls: tuple[Unit, ...]
    own: Change
    theirs: Change                # the controls' changes, averaged

    @property
    def did(self) -> Fraction:
        return self.own.amount - self.theirs.amount


@dataclass(frozen=True)
class Effect:
    months: int                   # K
    pairs: tuple[Pair, ...]
    members: Change | None        # the members' average before/after (None: no member measured)
    controls: Change | None       # their controls' (each member's controls averaged, then over members)
    did: Fraction | None          # kopecks a month
    did_frequency: Fraction | None
    control_count: int            # distinct non-member customers behind the controls
    too_recent: int               # members whose K months after joining are not over yet
    too_early: int                # members who joined less than K months after the data begins
    no_controls: int              # members with no non-member customer of their segment and region


def months_between(first: str, last: str) -> list[str]:
    """YYYY-MM from `first` to `last`, both included."""
    found, month = [], first
    while month <= last:
        found.append(month)
        month = month_shift(month, 1)
    return found


def change(series: Mapping[str, int], joined: str, k: int) -> Change:
    """The K months before `joined` and the K months after it (the month itself left out)."""
    before = [series.get(month_shift(joined, -offset), 0) for offset in range(1, k + 1)]
    after = [series.get(month_shift(joined, offset), 0) for offset in range(1, k + 1)]
    return Change(Fraction(sum(before), k), Fraction(sum(after), k),
                  Fraction(sum(1 for kopecks in before if kopecks > 0), k),
                  Fraction(sum(1 for kopecks in after if kopecks > 0), k))


def mean_change(changes: Sequence[Change]) -> Change:
    count = len(changes)
    return Change(sum((c.before for c in changes), Fraction(0)) / count,
                  sum((c.after for c in changes), Fraction(0)) / count,
                  sum((c.freq_before for c in changes), Fraction(0)) / count,
                  sum((c.freq_after for c in changes), Fraction(0)) / count)


def look_alikes(customers: Iterable[Unit]) -> dict[tuple[str, str], list[Unit]]:
    """(segment, region) -> the non-member customers of that cell."""
    cells: dict[tuple[str, str], list[Unit]] = {}
    for unit in customers:
        if unit.joined is None and unit.segment and unit.region:
            cells.setdefault((unit.segment, unit.region), []).append(unit)
    return cells


def effect(units: Sequence[Unit], k: int, first: str, last: str) -> Effect:
    """The club's effect over K-month windows, with data from month `first` to `last` (both complete)."""
    cells = look_alikes(units)
    theirs: dict[tuple[str, str, str], Change] = {}   # members of one cell joining in one month share controls
    pairs, too_recent, too_early, no_controls = [], 0, 0, 0
    for member in (unit for unit in units if unit.joined is not None):
        cell = (member.segment, member.region)
        if month_shift(member.joined, k) > last:
            too_recent += 1
        elif month_shift(member.joined, -k) < first:
            too_early += 1
        elif not cells.get(cell):
            no_controls += 1
        else:
            key = (*cell, member.joined)
            if key not in theirs:
                theirs[key] = mean_change([change(c.series, member.joined, k) for c in cells[cell]])
            pairs.append(Pair(member, tuple(cells[cell]), change(member.series, member.joined, k), theirs[key]))
    if not pairs:
        return Effect(k, (), None, None, None, None, 0, too_recent, too_early, no_controls)
    members, controls = mean_change([p.own for p in pairs]), mean_change([p.theirs for p in pairs])
    return Effect(k, tuple(pairs), members, controls, members.amount - controls.amount,
                  members.frequency - controls.frequency,
                  len({c.key for p in pairs for c in p.controls}), too_recent, too_early, no_controls)


@dataclass(frozen=True)
class Profile:
    """Average purchases in one month around joining (offset −K..−1, 1..K): members against their controls."""

    offset: int
    members: Fraction
    controls: Fraction


def profile(result: Effect) -> list[Profile]:
    """The chart's months: each offset's average over the measured members and over their controls."""
    k, pairs, lines = result.months, result.pairs, []
    if not pairs:
        return lines
    for offset in [*range(-k, 0), *range(1, k + 1)]:
        own = [p.member.series.get(month_shift(p.member.joined, offset), 0) for p in pairs]
        theirs = [Fraction(sum(c.series.get(month_shift(p.member.joined, offset), 0) for c in p.controls),
                           len(p.controls)) for p in pairs]
        lines.append(Profile(offset, Fraction(sum(own), len(pairs)), sum(theirs, Fraction(0)) / len(pairs)))
    return lines


@dataclass(frozen=True)
class Churn:
    base: int                     # customers who bought before the last N months
    churned: int                  # of them, with no purchase in the last N months

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.churned, self.base) if self.base else None


def churn(units: Iterable[Unit], n: int, last: str) -> Churn:
    """Of the units with a purchase before the last `n` months up to `last`, how many bought nothing in them."""
    start = month_shift(last, -(n - 1))
    base = churned = 0
    for unit in units:
        if any(kopecks > 0 and month < start for month, kopecks in unit.series.items()):
            base += 1
            churned += not any(kopecks > 0 and start <= month <= last for month, kopecks in unit.series.items())
    return Churn(base, churned)


def quarter(month: str) -> str:
    """YYYY-MM -> YYYY-Qn."""
    return f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"


@dataclass(frozen=True)
class Cell:
    since: int                    # months since joining (0: the joining month)
    observed: int                 # members of the cohort for whom that month is over
    buying: int                   # of them, with a purchase that month
    average: Fraction             # their average purchases that month, kopecks (non-buyers count as 0)

    @property
    def retention(self) -> Fraction:
        return Fraction(self.buying, self.observed)


@dataclass(frozen=True)
class Cohort:
    quarter: str
    size: int
    cells: tuple[Cell, ...]       # months since joining with at least one member observed


def cohorts(units: Iterable[Unit], last: str, months: int) -> list[Cohort]:
    """Members by joining quarter, oldest first: retention and average purchases for 0..months-1 since joining."""
    groups: dict[str, list[Unit]] = {}
    for unit in units:
        if unit.joined is not None and unit.joined <= last:
            groups.setdefault(quarter(unit.joined), []).append(unit)
    found = []
    for name in sorted(groups):
        cells = []
        for since in range(months):
            amounts = [u.series.get(month_shift(u.joined, since), 0) for u in groups[name]
                       if month_shift(u.joined, since) <= last]
            if amounts:
                cells.append(Cell(since, len(amounts), sum(1 for a in amounts if a > 0),
                                  Fraction(sum(amounts), len(amounts))))
        found.append(Cohort(name, len(groups[name]), tuple(cells)))
    return found


def kopecks(value: Fraction) -> int:
    """A fraction of kopecks rounded half away from zero, for people."""
    whole = (abs(value.numerator) * 2 + value.denominator) // (2 * value.denominator)
    return whole if value >= 0 else -whole


def percent(value: Fraction) -> Fraction:
    return value * 100
