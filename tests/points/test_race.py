"""Holds at once: eight connections (as eight workers would) each reserving 30 of 100 points — exactly
three get them, the others NotEnoughPoints, and the balance never goes below zero."""

import threading
from concurrent.futures import ThreadPoolExecutor

from portal.core.db import connect
from portal.points import ledger

T0 = 1_767_225_600.0
THREADS = 8


def test_eight_holds_for_three_shares(settings, db, firm):
    ledger.earn(db, firm, 100, reason="accrual", source="accrual:2026-11", now=T0)
    start = threading.Barrier(THREADS)

    def try_hold(index: int) -> bool:
        own = connect(settings.database)
        try:
            start.wait()
            ledger.hold(own, firm, 30, reason="request", source=f"request:{index}", by_id=None, now=T0 + 1)
            return True
        except ledger.NotEnoughPoints:
            return False
        finally:
            own.conn.close()

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(try_hold, range(THREADS)))
    assert results.count(True) == 3
    balance = ledger.balance(db, firm, T0 + 2)
    assert (balance.available, balance.held) == (10, 90)
    assert ledger.verify(db) == []
