"""The daily work: expire rows, and the representative's one letter 30 days before points expire."""

import time

import pytest

from portal.core.companies import set_representative
from portal.points import expiry, ledger
from portal.points.terms import DAY, add_months
from tests.portal_fixtures import make_user

NOW = time.time()


@pytest.fixture
def representative(db):
    user = make_user(db, "rep@svet-montazh.ru", member=True, name="Роман Представителев")
    set_representative(db, user.company_id, user.id, None)
    return user


def earned_ago(db, company_id: int, amount: int, days_left: float, source: str) -> None:
    """Points that expire `days_left` days from NOW."""
    earned = add_months(NOW, -24) + days_left * DAY
    ledger.earn(db, company_id, amount, reason="accrual", source=source, now=earned, earned_at=earned)


def test_one_letter_thirty_days_ahead(settings, db, representative, smtp):
    earned_ago(db, representative.company_id, 700, 20, "accrual:a")
    earned_ago(db, representative.company_id, 300, 60, "accrual:b")  # later: not in this letter
    assert expiry.daily(settings, db, NOW) == (0, 1)
    [letter] = smtp.received
    assert letter.recipients == ["rep@svet-montazh.ru"]
    assert "700 баллов сгорят" in letter.message["Subject"]
    assert expiry.daily(settings, db, NOW + 60) == (0, 0)  # once per lot
    assert expiry.daily(settings, db, NOW + 35 * DAY)[1] == 1  # the next lot's turn
    assert "300" in smtp.received[1].message["Subject"]


def test_no_representative_no_letter_until_one_is_named(settings, db, smtp):
    user = make_user(db, "staffer@svet-montazh.ru", member=True)
    earned_ago(db, user.company_id, 100, 10, "accrual:a")
    assert expiry.daily(settings, db, NOW) == (0, 0)
    set_representative(db, user.company_id, user.id, None)
    assert expiry.daily(settings, db, NOW) == (0, 1)


def test_points_past_their_time_expire(settings, db, representative, smtp):
    earned_ago(db, representative.company_id, 100, -1, "accrual:a")
    assert expiry.daily(settings, db, NOW) == (1, 0)
    assert ledger.balance(db, representative.company_id, NOW).available == 0


def test_the_job_runs_a_round_at_start(settings, db, representative, smtp):
    earned_ago(db, representative.company_id, 100, -1, "accrual:a")
    with expiry.expiry_job(settings, lambda _text: None, every=3600):
        deadline = time.monotonic() + 20
        while ledger.balance(db, representative.company_id, NOW).available and time.monotonic() < deadline:
            time.sleep(0.05)
    assert ledger.balance(db, representative.company_id, NOW).available == 0
