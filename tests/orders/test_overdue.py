"""The overdue job with a fixed clock: an order waiting for its distributor longer than one working day is
flagged to staff once (a letter) and shows in the staff list; an answered order is not."""

import pytest

from portal.orders import overdue, store
from tests.orders.helpers import made
from tests.orders.test_terms import at
from tests.portal_fixtures import make_user


@pytest.fixture
def staff(db):
    return make_user(db, "olga@club.example", role="staff", name="Ольга Кураторова")


def test_flagged_once_after_one_working_day(app, db, parties, staff, smtp):
    sender, firm, dist, agent = parties
    portal = app.state.portal
    late = made(db, sender.id, firm, dist, now=at("2026-12-04 15:00"))  # a Friday
    answered = made(db, sender.id, firm, dist, nonce="a" * 16, now=at("2026-12-04 15:00"))
    store.change(db, answered, "accepted", seen_seq=1, by_id=agent.id, now=at("2026-12-04 16:00"))
    assert overdue.flag_overdue(portal, at("2026-12-07 14:00")) == []   # Monday, before the deadline
    assert overdue.flag_overdue(portal, at("2026-12-07 15:30")) == [late]
    assert overdue.flag_overdue(portal, at("2026-12-07 16:30")) == []   # once
    [letter] = smtp.wait_for(1)
    assert letter.recipients == [staff.email] and "без ответа" in str(letter.message["Subject"])
    assert f"/staff/orders/{late}" in letter.message.get_body(("plain",)).get_content()


def test_passing_starts_a_new_wait(app, db, parties, staff, smtp):
    sender, firm, dist, _agent = parties
    portal = app.state.portal
    order_id = made(db, sender.id, firm, dist, now=at("2026-12-01 10:00"))
    assert overdue.flag_overdue(portal, at("2026-12-02 11:00")) == [order_id]
    store.change(db, order_id, "passed", seen_seq=1, by_id=staff.id, now=at("2026-12-02 12:00"), distributor_id=firm)
    assert overdue.flag_overdue(portal, at("2026-12-02 13:00")) == []
    assert overdue.flag_overdue(portal, at("2026-12-03 12:30")) == [order_id]


def test_the_job_runs_on_its_own_connection(settings, db, parties, staff, smtp):
    sender, firm, dist, _agent = parties
    made(db, sender.id, firm, dist, now=at("2026-12-01 10:00"))
    assert len(overdue.run(settings, db, now=at("2026-12-03 10:00"))) == 1
    assert smtp.wait_for(1)[0].recipients == [staff.email]


def test_the_job_is_declared():
    from portal.orders.capability import CAPABILITY

    assert [job.name for job in CAPABILITY.jobs] == ["orders overdue"]
