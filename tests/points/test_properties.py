"""Property-based: for any sequence of earn, adjust, hold, release, debit and expire at increasing times,
the ledger agrees with a model that knows only totals — available = the sum of the rows, never below zero,
and expiry takes the oldest points first: after an expiry at time t everything expired so far is
max(what had expired, points of lots due by t - points standing taken), which holds only when takes
consume the lots that expire first."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.core.companies import find_or_create_company
from portal.core.db import connect
from portal.points import ledger
from portal.points.terms import DAY, add_months

T0 = 1_767_225_600.0
NUMBERS = itertools.count(1)  # fresh companies and sources: one database serves every example
OPS = st.lists(st.tuples(st.sampled_from(["earn", "grant", "take", "hold", "release", "debit", "expire"]),
                         st.integers(1, 200), st.integers(0, 20)), max_size=25)


class Model:
    def __init__(self) -> None:
        self.lots: list[tuple[float, int]] = []  # (expires_at, amount)
        self.taken = self.expired = 0
        self.holds: dict[int, int] = {}  # open hold id -> amount

    def expire(self, now: float) -> None:
        due = sum(amount for expires, amount in self.lots if expires <= now)
        self.expired = max(self.expired, due - self.taken)

    @property
    def available(self) -> int:
        return sum(amount for _e, amount in self.lots) - self.taken - self.expired


def step(db, firm: int, model: Model, op: str, amount: int, now: float, pick: int) -> None:
    if op in ("earn", "grant"):
        if op == "earn":
            ledger.earn(db, firm, amount, reason="r", source=f"s{next(NUMBERS)}", now=now, expiry_months=1)
        else:
            ledger.adjust(db, firm, amount, reason="r", by_id=None, now=now, expiry_months=1)
        model.lots.append((add_months(now, 1), amount))
    elif op in ("take", "hold"):
        model.expire(now)
        try:
            if op == "take":
                ledger.adjust(db, firm, -amount, reason="r", by_id=None, now=now)
            else:
                model.holds[ledger.hold(db, firm, amount, reason="r", source="q", by_id=None, now=now)] = amount
            model.taken += amount
        except ledger.NotEnoughPoints:
            assert model.available < amount
    elif op in ("release", "debit") and model.holds:
        hold = sorted(model.holds)[pick % len(model.holds)]
        getattr(ledger, op)(db, hold, reason="r", by_id=None, now=now)
        amount = model.holds.pop(hold)
        model.taken -= amount if op == "release" else 0
    elif op == "expire":
        ledger.expire_due(db, now)
        model.expire(now)


@pytest.fixture(scope="module")
def shared_db():
    database = connect(":memory:")
    yield database
    database.conn.close()


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(OPS)
def test_any_sequence_keeps_the_rules(shared_db, ops):
    db = shared_db
    firm = find_or_create_company(db, f"Модель {next(NUMBERS)}").id
    model, now = Model(), T0
    for op, amount, gap in ops:
        now += gap * DAY / 2
        step(db, firm, model, op, amount, now, gap)
        balance = ledger.balance(db, firm, now)
        rows, expired = db.execute("SELECT coalesce(sum(amount), 0), -coalesce(sum(amount) FILTER (WHERE kind = "
                                   "'expire'), 0) FROM points_ledger WHERE company_id = ?", [firm]).fetchone()
        assert balance.available == rows == model.available >= 0
        assert balance.held == sum(model.holds.values()) and balance.total == rows + balance.held
        assert expired == model.expired
        fast = ledger.live_lots(db, firm, now)
        if fast is not None:  # the short way agrees with the whole FIFO walk
            assert fast == [lot for lot in ledger.lots(db, firm) if lot.remaining > 0 and lot.expires_at > now]
    assert ledger.verify(db) == []
    ledger.expire_due(db, now + 400 * DAY)
    assert ledger.balance(db, firm, now + 400 * DAY).available == 0  # every lot ran out in the end


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(OPS, st.integers(0, 60))
def test_the_balance_at_any_moment_agrees_with_the_whole_walk(shared_db, ops, later):
    """live_lots() reads only lots not yet due; asked about any moment (even one before the last expiry
    run), the balance it gives equals the one from lots() over the whole history."""
    db = shared_db
    firm = find_or_create_company(db, f"Момент {next(NUMBERS)}").id
    model, now = Model(), T0
    for op, amount, gap in ops:
        now += gap * DAY / 2
        step(db, firm, model, op, amount, now, gap)
    for moment in (now, now + later * DAY, T0 + later * DAY):
        slow = [lot for lot in ledger.lots(db, firm) if lot.remaining > 0]
        expiring = sum(lot.remaining for lot in slow if lot.expires_at <= moment + 90 * DAY)
        first = min((lot.expires_at for lot in slow), default=None)
        balance = ledger.balance(db, firm, moment)
        assert (balance.expiring, balance.next_expiry) == (expiring, first)
