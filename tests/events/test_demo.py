"""The demo club's registrations (`club serve --demo`): alive events, added once."""

import time
from datetime import UTC, datetime, timedelta

from portal.accounts.demo import seed_demo_people
from portal.companies.demo import seed_demo_companies
from portal.core.identity import find_user_by_email
from portal.events import attendance, store
from portal.events.demo import ANNA, FULL, IVAN, seed_demo_registrations
from site_builder.contract import Question
from tests.events.helpers import event, publish

PASSPORT = (Question("passport", "ФИО как в паспорте", "text", max=120, required=True),)
DIET = (Question("diet", "Питание", "choice", ("Без ограничений", "Вегетарианское", "Без глютена"), required=True),)


def iso(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat(timespec="seconds")


def demo_site(mini_site):
    publish(mini_site,
            event("biznes-zavtrak-sankt-peterburg", access="members", capacity=40, per_company=2, questions=DIET),
            event(FULL, access="members", capacity=5, questions=PASSPORT),
            event("prezentaciya-novinok-novosibirsk", capacity=80, questions=(), starts=iso(-40),
                  ends=iso(-39.8), register_until=iso(-40)))


def statuses(db, slug: str) -> dict[str, int]:
    return store.counts(db).get(slug, {})


def test_the_demo_fills_the_events_once(db, settings, mini_site):
    demo_site(mini_site)
    seed_demo_people(db)
    seed_demo_companies(db)
    assert seed_demo_registrations(db, settings) == "events: 17 demo registrations, 5 attendance marks"
    assert statuses(db, "biznes-zavtrak-sankt-peterburg") == {"registered": 4}
    assert statuses(db, FULL) == {"registered": 4, "offered": 1, "waiting": 2, "cancelled": 1}
    offer = next(row for row in store.of_event(db, FULL) if row.status == "offered")
    assert offer.offer_expires_at > time.time() + 20 * 3600  # a live offer, not one the job expires at once
    anna, ivan = find_user_by_email(db, ANNA), find_user_by_email(db, IVAN)
    breakfast = {row.user_id: row for row in store.of_event(db, "biznes-zavtrak-sankt-peterburg")}
    assert breakfast[ivan.id].registered_by == anna.id and breakfast[anna.id].answers == {"diet": "Без ограничений"}
    assert all(row.created_at < time.time() - 3600 for row in store.of_event(db, FULL))  # backdated
    marks = attendance.of_event(db, "prezentaciya-novinok-novosibirsk")
    assert sorted(marks.values()) == [False, True, True, True, True]
    assert seed_demo_registrations(db, settings) is None  # a second start adds nothing
    assert sum(sum(by.values()) for by in store.counts(db).values()) == 17


def test_no_demo_people_no_registrations(db, settings, mini_site):
    demo_site(mini_site)
    assert seed_demo_registrations(db, settings) is None and store.counts(db) == {}
