"""The club-effect report as the page, its downloads and the dashboard panel share it: the numbers of
effect.py over the data of effect_store.py, and the same numbers as rows for CSV and XLSX (so the page and
the files never disagree). Money leaves as roubles (Decimal, two places, from whole kopecks)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlite_utils import Database

from portal.points import effect, effect_store
from portal.points.tier_view import roubles

WINDOW, CHURN = 6, 3            # the defaults: six months either side of joining, churn after three quiet months
LIMITS = {"window": (1, 12), "churn": (1, 12)}
COHORT_MONTHS = 12              # months since joining the cohort table follows
Cell = str | int | Decimal | None


@dataclass(frozen=True)
class Report:
    window: int
    churn_months: int
    data: effect_store.Data
    result: effect.Effect
    profile: tuple[effect.Profile, ...]
    churn_members: effect.Churn
    churn_others: effect.Churn
    cohorts: tuple[effect.Cohort, ...]

    @property
    def members(self) -> int:
        return sum(1 for unit in self.data.units if unit.joined is not None)

    @property
    def others(self) -> int:
        return sum(1 for unit in self.data.units if unit.joined is None)


def build(db: Database, today: date, window: int = WINDOW, churn_months: int = CHURN) -> Report:
    data = effect_store.load(db, today)
    members = [unit for unit in data.units if unit.joined is not None]
    others = [unit for unit in data.units if unit.joined is None]
    result = (effect.effect(data.units, window, data.first, data.last) if data.first
              else effect.Effect(window, (), None, None, None, None, 0, 0, 0, 0))
    return Report(window, churn_months, data, result, tuple(effect.profile(result)),
                  effect.churn(members, churn_months, data.last), effect.churn(others, churn_months, data.last),
                  tuple(effect.cohorts(members, data.last, COHORT_MONTHS)))


def money(value: Fraction | None) -> Decimal | None:
    """Kopecks (a fraction) as roubles, rounded half up to the kopeck."""
    return None if value is None else roubles(effect.kopecks(value))


def share(value: Fraction | None) -> Decimal | None:
    """A share as per cent, one place, half up."""
    if value is None:
        return None
    return (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def headline(report: Report) -> Decimal | None:
    """The difference-in-differences, roubles a month per member: the dashboard's figure."""
    return money(report.result.did)


def _comparison(report: Report, t: Callable[..., str]) -> list[list[Cell]]:
    result, rows = report.result, []
    if result.members is None or result.controls is None:
        return rows
    size = [len(result.pairs), result.control_count]
    for key, members, controls, convert in (
            ("before", result.members.before, result.controls.before, money),
            ("after", result.members.after, result.controls.after, money),
            ("change", result.members.amount, result.controls.amount, money),
            ("freq_before", result.members.freq_before, result.controls.freq_before, share),
            ("freq_after", result.members.freq_after, result.controls.freq_after, share),
            ("freq_change", result.members.frequency, result.controls.frequency, share)):
        rows.append([t("points.effect.section.did"), t(f"points.effect.row.{key}", k=report.window), convert(members),
                     convert(controls), convert(members - controls), *size])
    return rows


def export_rows(report: Report, t: Callable[..., str]) -> list[list[Cell]]:
    """The header, then the comparison, churn, the months around joining and the cohorts."""
    found: list[list[Cell]] = [[t(f"points.effect.col.{key}") for key in (
        "section", "measure", "members", "controls", "difference", "members_n", "controls_n")]]
    found += _comparison(report, t)
    members, others = report.churn_members, report.churn_others
    difference = None if members.share is None or others.share is None else share(members.share - others.share)
    found.append([t("points.effect.section.churn"), t("points.effect.row.churn"), share(members.share),
                  share(others.share), difference, members.base, others.base])
    for line in report.profile:
        # "month +1", not "+1": a cell starting with + or - is a formula to a spreadsheet (ASVS 5.0 1.2.10)
        found.append([t("points.effect.section.profile"), f"{t('points.effect.col.offset')} {line.offset:+d}",
                      money(line.members), money(line.controls), money(line.members - line.controls),
                      len(report.result.pairs),
                      report.result.control_count])
    for cohort in report.cohorts:
        for cell in cohort.cells:
            where = f"{cohort.quarter} +{cell.since}"
            found.append([t("points.effect.section.cohort"), f"{where}: {t('points.effect.row.retention')}",
                          share(cell.retention), None, None, cell.observed, None])
            found.append([t("points.effect.section.cohort"), f"{where}: {t('points.effect.row.average')}",
                          money(cell.average), None, None, cell.observed, None])
    return found
