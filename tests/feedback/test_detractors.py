"""A detractor's survey answer opens one request, assigned to the company's account manager (the Detracted
happening's handler, delivered by core)."""

from __future__ import annotations

from portal.core.companies import set_account_manager
from portal.core.happenings import Detracted, deliver_installed
from portal.feedback import detractors, store
from portal.surveys import store as surveys
from tests.portal_fixtures import make_user
from tests.surveys.helpers import members, start


def requests(db) -> list[tuple]:
    return db.execute("SELECT author_id, company_id, owner_id, kind, subject, body FROM feedback_requests").fetchall()


def test_detractor_opens_one_request_for_the_account_manager(db, settings):
    manager = make_user(db, "olga@club.example", role="staff", name="Ольга")
    person = members(db, 1)[0]
    set_account_manager(db, person.company_id, manager.id, None)
    wave, _ = start(db, settings)
    surveys.answer(db, wave, person.id, 3, "Второй месяц ждём образцы")
    assert deliver_installed(settings, db) >= 1
    surveys.answer(db, wave, person.id, 2, "ещё хуже")          # still a detractor: no second request
    deliver_installed(settings, db)
    found = requests(db)
    assert len(found) == 1
    author, company, owner, kind, subject, body = found[0]
    assert (author, company, owner, kind) == (person.id, person.company_id, manager.id, "other")
    assert "3 из 10" in subject and "Второй месяц ждём образцы" in body


def test_handler_is_idempotent_and_keeps_a_reassignment(db, settings):
    manager = make_user(db, "olga@club.example", role="staff", name="Ольга")
    other = make_user(db, "sergey@club.example", role="staff", name="Сергей")
    person = members(db, 1)[0]
    set_account_manager(db, person.company_id, manager.id, None)
    happening = Detracted(1, person.id, person.company_id, 5, "", 1_700_000_000.0)
    detractors.open_request(db, settings, happening)
    request_id = requests(db) and db.execute("SELECT id FROM feedback_requests").fetchone()[0]
    store.set_owner(db, request_id, other.id, other.id)
    detractors.open_request(db, settings, happening)              # delivered again after a crash
    assert [(r[2], r[4]) for r in requests(db)] == [(other.id, "Оценка 5 из 10 в опросе NPS")]
    assert "не сказал" in requests(db)[0][5]


def test_without_a_manager_the_request_waits_in_the_inbox(db, settings):
    person = members(db, 1)[0]
    detractors.open_request(db, settings, Detracted(1, person.id, person.company_id, 0, "плохо", 1_700_000_000.0))
    assert [r[2] for r in requests(db)] == [None]


def test_promoters_open_nothing(db, settings):
    person = members(db, 1)[0]
    wave, _ = start(db, settings)
    surveys.answer(db, wave, person.id, 10, "")
    deliver_installed(settings, db)
    assert requests(db) == []
