"""The orders panel against hand-counted orders and answers (24 weekday hours to answer, the default)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.core.dashboard import Period
from portal.orders import figures, store
from tests.orders.helpers import distributor, made

MSK = ZoneInfo("Europe/Moscow")
NOVEMBER = Period(date(2026, 11, 1), date(2026, 12, 1))


def at(month: int, day: int, hour: int = 10) -> float:
    return datetime(2026, month, day, hour, 0, tzinfo=MSK).timestamp()


@pytest.fixture
def orders(db, parties):
    """Mon 2 Nov accepted the next morning (in time); Mon 9 Nov a question two days later (late); Fri 27 Nov
    15:00 never answered (due Mon 30 Nov 15:00); Mon 30 Nov never answered (due Tue 1 Dec 10:00); Tue 3 Nov
    passed to another distributor, then accepted at noon (in time)."""
    sender, firm, dist, _agent = parties
    other = distributor(db, "ООО «Второй опт»")
    ids = {}
    for number, moment in enumerate((at(11, 2), at(11, 9), at(11, 27, 15), at(11, 30), at(11, 3)), start=1):
        ids[number] = made(db, sender.id, firm, dist, nonce=f"order-{number:011d}", now=moment)
    store.change(db, ids[1], "accepted", seen_seq=1, by_id=None, now=at(11, 3, 9))
    store.change(db, ids[2], "question", seen_seq=1, by_id=None, now=at(11, 11), note="Какой цвет?")
    store.change(db, ids[5], "passed", seen_seq=1, by_id=None, now=at(11, 3, 11), distributor_id=other)
    store.change(db, ids[5], "accepted", seen_seq=2, by_id=None, now=at(11, 3, 12))
    return ids


def test_the_share_answered_in_time(db, orders):
    start, end = NOVEMBER.bounds("Europe/Moscow")
    # At the period's end the order of 30 Nov may still be answered in time: it is not judged yet.
    assert figures.answered_in_time(db, start, end, end, 24, MSK) == (2, 4)
    assert figures.answered_in_time(db, start, end, at(12, 4), 24, MSK) == (2, 5)


def test_overdue_at_a_moment(db, orders):
    assert figures.overdue_at(db, at(12, 1, 0), 24, MSK) == 1   # 27 Nov's; 30 Nov's is due at 10:00
    assert figures.overdue_at(db, at(12, 2), 24, MSK) == 2
    assert figures.overdue_at(db, at(11, 10, 9), 24, MSK) == 0  # 9 Nov's is due at 10:00
    assert figures.overdue_at(db, at(11, 10, 11), 24, MSK) == 1  # then it is, until the question of 11 Nov


def test_the_panel(db, settings, orders):
    found = {figure.key: figure for figure in figures.panel(db, settings, NOVEMBER, "ru").figures}
    assert found["sent"].value == 5
    assert found["in_time"].value == 40.0  # judged now, after every order's time is up
    assert found["overdue"].value == 1 and found["overdue"].state
    assert found["overdue"].url == "/staff/orders/?overdue=1"


def test_a_quiet_period(db, settings, orders):
    values = {f.key: f.value for f in figures.panel(db, settings, Period(date(2026, 9, 1), date(2026, 10, 1)),
                                                    "ru").figures}
    assert values == {"sent": 0, "in_time": None, "overdue": 0}
