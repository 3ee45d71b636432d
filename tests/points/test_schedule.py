"""The monthly job: from the accrual day (the 5th by default) it accrues the previous month, once, and
corrects it when its purchases change afterwards."""

from datetime import datetime
from zoneinfo import ZoneInfo

from portal.points import ledger, recount, schedule, shipments
from portal.points.shipments_file import Row
from tests.points.helpers import company, inn

MSK = ZoneInfo("Europe/Moscow")


def at(*parts):
    return datetime(*parts, tzinfo=MSK).timestamp()


def test_the_previous_month_from_the_5th(settings, db):
    found = company(db, "А", 111111111)
    shipments.import_rows(db, [Row(2, inn(111111111), "2026-10-31", "1", 100000)], "s.csv", 0.0)
    calls = []

    def earn(db, company_id, amount, **kw):
        calls.append((company_id, amount, kw["source"], kw["earned_at"]))

    assert schedule.accrue_due(settings, db, at(2026, 11, 4, 23), earn=earn) is None
    report = schedule.accrue_due(settings, db, at(2026, 11, 5, 0, 1), earn=earn)
    assert report.month == "2026-10" and calls == [(found, 2, "accrual:2026-10", at(2026, 11, 1) - 1)]
    schedule.accrue_due(settings, db, at(2026, 11, 6), earn=earn)
    assert len(calls) == 1


def test_the_job_starts_and_stops(settings):
    lines = []
    with schedule.accrual_job(settings, lines.append, every=3600):
        pass
    assert lines and "accrue" in lines[0]
    with schedule.accrual_job(settings, lines.append, enabled=False):
        pass
    assert len(lines) == 1


def test_the_job_corrects_the_previous_month_when_lines_arrive_late(settings, db):
    found, late = company(db, "А", 111111111), inn(222222222)
    shipments.import_rows(db, [Row(2, inn(111111111), "2026-10-30", "1", 1_000_000_00),
                               Row(3, late, "2026-10-31", "2", 500_000_00)], "s.csv", 0.0)
    schedule.accrue_and_log(settings, db, at(2026, 11, 5, 1))
    assert ledger.balance(db, found, at(2026, 11, 5, 2)).available == 2000
    shipments.attach(db, late, found, at(2026, 11, 6))
    schedule.accrue_and_log(settings, db, at(2026, 11, 6, 1))
    schedule.accrue_and_log(settings, db, at(2026, 11, 6, 7))
    assert ledger.balance(db, found, at(2026, 11, 7)).available == 3000
    assert recount.corrections(db, found, "2026-10") == [(1, 1_500_000_00, 1000)]
