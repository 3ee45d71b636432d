"""The ledger: signs, idempotent earn, holds settled once, FIFO expiry, the append-only table."""

import sqlite3

import pytest

from portal.points import ledger
from portal.points.terms import DAY, add_months

T0 = 1_767_225_600.0  # 2026-01-01 UTC


def test_earn_once_per_source(db, firm):
    first = ledger.earn(db, firm, 100, reason="accrual", source="accrual:2026-11", now=T0)
    assert first is not None
    assert ledger.earn(db, firm, 100, reason="accrual", source="accrual:2026-11", now=T0 + 5) is None
    assert ledger.balance(db, firm, T0).available == 100


def test_earn_expires_after_24_months(db, firm):
    row = ledger.earn(db, firm, 10, reason="r", source="s", now=T0)
    entry = ledger.history(db, firm)[0]
    assert entry.id == row and entry.expires_at == add_months(T0, 24)


def test_hold_release_debit(db, firm):
    ledger.earn(db, firm, 100, reason="r", source="s", now=T0)
    first = ledger.hold(db, firm, 60, reason="request", source="request:1", by_id=None, now=T0)
    assert ledger.balance(db, firm, T0) == ledger.Balance(100, 60, 40, 0, add_months(T0, 24), 40)
    with pytest.raises(ledger.NotEnoughPoints):
        ledger.hold(db, firm, 41, reason="request", source="request:2", by_id=None, now=T0)
    assert ledger.release(db, first, reason="rejected", by_id=None, now=T0) is not None
    assert ledger.release(db, first, reason="again", by_id=None, now=T0) is None
    assert ledger.debit(db, first, reason="late", by_id=None, now=T0) is None
    second = ledger.hold(db, firm, 100, reason="request", source="request:2", by_id=None, now=T0)
    assert ledger.debit(db, second, reason="done", by_id=None, now=T0) is not None
    assert ledger.balance(db, firm, T0).total == 0
    assert ledger.history(db, firm)[0].settled == 100
    assert ledger.verify(db) == []


def test_settle_needs_a_hold(db, firm):
    row = ledger.earn(db, firm, 5, reason="r", source="s", now=T0)
    with pytest.raises(ledger.LedgerError):
        ledger.release(db, row, reason="x", by_id=None, now=T0)


def test_adjust_take_may_not_go_below_zero(db, firm):
    ledger.adjust(db, firm, 30, reason="award", by_id=None, now=T0)
    with pytest.raises(ledger.NotEnoughPoints) as refused:
        ledger.adjust(db, firm, -31, reason="oops", by_id=None, now=T0)
    assert refused.value.available == 30
    ledger.adjust(db, firm, -30, reason="take", by_id=None, now=T0)
    assert ledger.balance(db, firm, T0).available == 0


@pytest.mark.parametrize("amount", [0, 1.5, True, "3", 10 ** 12])
def test_bad_amounts(db, firm, amount):
    with pytest.raises(ledger.LedgerError):
        ledger.adjust(db, firm, amount, reason="r", by_id=None, now=T0)


def test_adjust_needs_a_reason(db, firm):
    with pytest.raises(ledger.LedgerError):
        ledger.adjust(db, firm, 5, reason=" ", by_id=None, now=T0)


def test_form_source_writes_once(db, firm):
    first = ledger.adjust(db, firm, 5, reason="r", by_id=None, now=T0, source="form:abc")
    assert ledger.adjust(db, firm, 5, reason="r", by_id=None, now=T0, source="form:abc") == first
    assert ledger.balance(db, firm, T0).available == 5


def test_reverse(db, firm):
    row = ledger.earn(db, firm, 50, reason="r", source="s", now=T0)
    assert ledger.reverse(db, row, reason="wrong", by_id=None, now=T0) is not None
    assert ledger.reverse(db, row, reason="again", by_id=None, now=T0) is None
    assert ledger.balance(db, firm, T0).available == 0
    assert ledger.verify(db) == []


def test_reverse_of_spent_points_is_refused(db, firm):
    row = ledger.earn(db, firm, 50, reason="r", source="s", now=T0)
    ledger.hold(db, firm, 20, reason="q", source="request:1", by_id=None, now=T0)
    with pytest.raises(ledger.NotEnoughPoints):
        ledger.reverse(db, row, reason="wrong", by_id=None, now=T0)


def test_expiry_takes_the_oldest_first(db, firm):
    ledger.earn(db, firm, 100, reason="old", source="a", now=T0)
    ledger.earn(db, firm, 100, reason="new", source="b", now=T0 + 30 * DAY)
    ledger.adjust(db, firm, -150, reason="take", by_id=None, now=T0 + 200 * DAY)
    later = add_months(T0, 24) + 1
    assert ledger.balance(db, firm, later - 2, warning_days=90).expiring == 50  # both lots within 90 days
    assert ledger.expire_due(db, later) == 0  # the old lot was spent: nothing of it expires
    after = add_months(T0 + 30 * DAY, 24) + 1
    assert ledger.expire_due(db, after) == 1
    assert ledger.balance(db, firm, after).available == 0
    assert ledger.expire_due(db, after) == 0
    assert ledger.verify(db) == []


def test_a_hold_expires_nothing_it_reserved(db, firm):
    ledger.earn(db, firm, 100, reason="old", source="a", now=T0)
    hold = ledger.hold(db, firm, 100, reason="q", source="request:1", by_id=None, now=T0 + DAY)
    end = add_months(T0, 24) + 1
    assert ledger.expire_due(db, end) == 0
    ledger.release(db, hold, reason="rejected", by_id=None, now=end + 1)
    assert ledger.expire_due(db, end + 2) == 1  # given back after its time: it expires then
    assert ledger.balance(db, firm, end + 2).available == 0


def test_next_expiry(db, firm):
    ledger.earn(db, firm, 7, reason="r", source="a", now=T0)
    balance = ledger.balance(db, firm, T0)
    assert (balance.next_expiry, balance.next_expiry_amount, balance.expiring) == (add_months(T0, 24), 7, 0)


@pytest.mark.parametrize("statement", ["UPDATE points_ledger SET amount = 1000000", "DELETE FROM points_ledger"])
def test_the_table_refuses_edits(db, firm, statement):
    ledger.earn(db, firm, 10, reason="r", source="s", now=T0)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(statement)
    assert ledger.balance(db, firm, T0).available == 10


def test_verify_reports_a_broken_row(db, firm):
    ledger.earn(db, firm, 10, reason="r", source="s", now=T0)
    db.execute("INSERT INTO points_ledger (company_id, kind, amount, at) VALUES (?, 'adjust', -20, ?)", [firm, T0])
    assert any("below zero" in problem for problem in ledger.verify(db))


def test_form_source_take_twice_is_one_take(db, firm):
    ledger.adjust(db, firm, 5, reason="r", by_id=None, now=T0)
    first = ledger.adjust(db, firm, -5, reason="r", by_id=None, now=T0, source="form:take")
    assert ledger.adjust(db, firm, -5, reason="r", by_id=None, now=T0, source="form:take") == first
