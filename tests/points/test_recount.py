"""Months accrued before their purchases changed: the difference as new rows (an earn for more, a take for
less), once per change, both rows or neither; a take the company cannot pay is reported and tried again."""

import sqlite3
import time

import pytest

from portal.points import accrual, ledger, recount, shipments
from portal.points.accrual import Rule
from portal.points.shipments_file import Row
from tests.points.helpers import company, inn

A, B = inn(111111111), inn(333333333)
NOW = time.time()


def load(db, *rows, file="s.csv"):
    return shipments.import_rows(db, list(rows), file, NOW)


def accrue(db, month="2026-09"):
    accrual.accrue(db, month, Rule(), NOW)
    return recount.recount(db, month, Rule(), NOW)


def test_nothing_changed_nothing_written(db):
    first = company(db, "А", 111111111)
    load(db, Row(2, A, "2026-09-03", "1", 1_000_000_00))
    report = accrue(db)
    assert (report.companies, report.points, report.problems) == (0, 0, [])
    assert ledger.balance(db, first, NOW).available == 2000
    assert recount.corrections(db, first, "2026-09") == []


def test_lines_attached_later_earn_the_difference_once(db):
    first = company(db, "А", 111111111)
    load(db, Row(2, A, "2026-09-03", "1", 1_000_000_00), Row(3, B, "2026-09-10", "2", 500_000_00))
    accrue(db)  # B's line is kept aside: 2000 points for A's line alone
    shipments.attach(db, B, first, NOW)
    report = accrue(db)
    assert (report.companies, report.points) == (1, 1000)
    assert ledger.balance(db, first, NOW).available == 3000
    assert recount.corrections(db, first, "2026-09") == [(1, 1_500_000_00, 1000)]
    row = ledger.history(db, first, 1, 0)[0]
    assert (row.kind, row.amount, row.source) == ("earn", 1000, "accrual:2026-09:1")
    assert row.expires_at == ledger.history(db, first, 2, 0)[1].expires_at  # expires with the month's points
    again = accrue(db)
    assert (again.companies, ledger.balance(db, first, NOW).available) == (0, 3000)


def test_a_corrected_document_takes_back_and_gives_again(db):
    first = company(db, "А", 111111111)
    load(db, Row(2, A, "2026-09-03", "1", 1_000_000_00))
    accrue(db)
    load(db, Row(2, A, "2026-09-03", "1", 400_000_00))  # the document was for less: a reversal and a new line
    assert accrue(db).points == -1200
    load(db, Row(2, A, "2026-09-03", "1", 900_000_00))
    assert accrue(db).points == 1000
    assert [c[2] for c in recount.corrections(db, first, "2026-09")] == [-1200, 1000]
    assert ledger.balance(db, first, NOW).available == 1800 and ledger.verify(db) == []


def test_a_take_the_company_cannot_pay_is_reported_and_tried_again(db):
    first = company(db, "А", 111111111)
    load(db, Row(2, A, "2026-09-03", "1", 1_000_000_00))
    accrue(db)
    ledger.adjust(db, first, -1900, reason="потрачено", by_id=None, now=NOW)
    load(db, Row(2, A, "2026-09-03", "1", 0))
    report = accrue(db)
    assert report.companies == 0 and "should give back 2000 points" in report.problems[0]
    assert recount.corrections(db, first, "2026-09") == [] and ledger.balance(db, first, NOW).available == 100
    ledger.adjust(db, first, 1900, reason="возврат", by_id=None, now=NOW)
    assert accrue(db).points == -2000 and ledger.balance(db, first, NOW).available == 0


def test_the_ledger_row_and_the_correction_are_one(db):
    first = company(db, "А", 111111111)
    load(db, Row(2, A, "2026-09-03", "1", 1_000_000_00), Row(3, B, "2026-09-10", "2", 500_000_00))
    accrue(db)
    shipments.attach(db, B, first, NOW)
    db.conn.execute("CREATE TEMP TRIGGER broken BEFORE INSERT ON points_accrual_corrections "
                    "BEGIN SELECT RAISE(ABORT, 'disk full'); END")  # the correction's row fails after the earn
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        recount.recount(db, "2026-09", Rule(), NOW)
    db.conn.execute("DROP TRIGGER broken")
    assert ledger.balance(db, first, NOW).available == 2000  # the earn went with the failed correction
    assert accrue(db).points == 1000 and ledger.balance(db, first, NOW).available == 3000


def test_dry_run_writes_nothing_and_corrections_are_append_only(db):
    first = company(db, "А", 111111111)
    load(db, Row(2, A, "2026-09-03", "1", 1_000_000_00), Row(3, B, "2026-09-10", "2", 500_000_00))
    accrue(db)
    shipments.attach(db, B, first, NOW)
    assert recount.recount(db, "2026-09", Rule(), NOW, dry_run=True).points == 1000
    assert recount.corrections(db, first, "2026-09") == []
    accrue(db)
    for sql in ("UPDATE points_accrual_corrections SET points = 5", "DELETE FROM points_accrual_corrections"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.conn.execute(sql)
