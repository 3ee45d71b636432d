"""Corrections to months already accrued: the one owner of `points_accrual_corrections` (migration 19).

A month's purchases can change after its accrual: lines kept aside for an unknown INN are attached to the
company later, a corrected document arrives (shipments.py writes a reversal and the new line). The accrual
itself runs once per company and month (accrual.py), so this module compares what the month is worth now,
under the rule in force, with what the company got for it so far (its accrual plus earlier corrections)
and writes the difference as new rows, never an edit: an earn for more (source accrual:YYYY-MM:N, a lot
that expires as the month's own points do), a take for less. A take the company cannot pay (it spent the
points) is reported and tried again at the next run. Nothing changed: nothing written, so running the
accrual again stays harmless. `club points accrue --month M` and the monthly job (the previous month) run
it after the month's accrual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from portal.core.db import write_transaction
from portal.points import accrual, ledger


@dataclass
class RecountReport:
    month: str
    companies: int = 0      # corrected now
    points: int = 0         # the sum of the corrections (negative: taken)
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.month}: {self.companies} compan{'y' if self.companies == 1 else 'ies'} corrected by "
                f"{self.points:+d} points for purchases that changed after the accrual")


def standing(db: Database, month: str) -> dict[int, tuple[int, int]]:
    """Company id -> (points it got for the month so far, corrections so far), for the companies accrued."""
    return {row[0]: (row[1], row[2]) for row in db.execute(
        "SELECT a.company_id, a.points + coalesce(sum(c.points), 0), count(c.seq) FROM points_accruals a "
        "LEFT JOIN points_accrual_corrections c ON c.company_id = a.company_id AND c.month = a.month "
        "WHERE a.month = ? GROUP BY a.company_id", [month]).fetchall()}


def differences(db: Database, month: str, rule: accrual.Rule) -> dict[int, tuple[int, int, int]]:
    """Company id -> (points the month is worth now minus what it got, counted kopecks now, corrections so far)
    for each accrued company whose month changed."""
    now_worth = accrual.totals(db, month, rule)
    found = {}
    for company_id, (got, corrections) in standing(db, month).items():
        kopecks, weighted = now_worth.get(company_id, (0, 0))
        difference = rule.points(weighted) - got
        if difference:
            found[company_id] = (difference, kopecks, corrections)
    return found


def recount(db: Database, month: str, rule: accrual.Rule, now: float, dry_run: bool = False,
            zone: ZoneInfo | None = None) -> RecountReport:
    """Write the difference for every accrued company whose month is worth more or less than it got."""
    report, earned_at = RecountReport(month), accrual.month_end(month, zone or ZoneInfo("Europe/Moscow"))
    for company_id, (difference, kopecks, corrections) in sorted(differences(db, month, rule).items()):
        if not dry_run:
            try:
                _correct(db, company_id, month, difference, kopecks, corrections + 1, now, earned_at)
            except ledger.NotEnoughPoints as exc:
                report.problems.append(f"{month}: company #{company_id} should give back {-difference} points "
                                       f"for purchases no longer counted, but {exc}; take them by hand or wait "
                                       "for the next accrual to try again")
                continue
        report.companies, report.points = report.companies + 1, report.points + difference
    return report


def _correct(db: Database, company_id: int, month: str, difference: int, kopecks: int, seq: int, now: float,
             earned_at: float) -> None:
    """The ledger's row and the correction's row in one transaction: both or neither."""
    source, reason = f"accrual:{month}:{seq}", f"purchases {month}, corrected"
    with write_transaction(db):
        if difference > 0:
            ledger.earn(db, company_id, difference, reason=reason, source=source, now=now, earned_at=earned_at)
        else:
            ledger.adjust(db, company_id, difference, reason=reason, by_id=None, now=now, source=source)
        db.conn.execute("INSERT INTO points_accrual_corrections (company_id, month, seq, roubles_kopecks, points, at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", [company_id, month, seq, kopecks, difference, now])


def corrections(db: Database, company_id: int, month: str) -> list[tuple[int, int, int]]:
    """(seq, counted kopecks then, points) of a company's corrections to a month, in order."""
    return [tuple(row) for row in db.execute(
        "SELECT seq, roubles_kopecks, points FROM points_accrual_corrections WHERE company_id = ? AND month = ? "
        "ORDER BY seq", [company_id, month]).fetchall()]
