"""The registration store: seats, quota, deadline, the waiting list and offers, the append-only log."""

import sqlite3
import time
from dataclasses import replace

import pytest

from portal.events import store
from portal.events.model import Refused
from tests.events.helpers import event, person

NOW = time.time()


def people(db, count: int, company: str | None = None) -> list:
    return [person(db, f"p{i}@example.ru", company=company or f"ООО «Компания {i}»") for i in range(count)]


def test_seats_then_the_waiting_list_in_arrival_order(db):
    entry, crowd = event(capacity=2), people(db, 5)
    outcomes = [store.register(db, entry, p, p, {}, NOW + i) for i, p in enumerate(crowd)]
    assert [o.registration.status for o in outcomes] == ["registered", "registered", "waiting", "waiting", "waiting"]
    assert [o.registration.position for o in outcomes] == [1, 2, 3, 4, 5]
    assert store.seats_left(db, entry) == 0


def test_no_capacity_means_everyone_gets_a_seat(db):
    entry = event(capacity=None)
    assert all(store.register(db, entry, p, p, {}, NOW).registration.status == "registered" for p in people(db, 4))
    assert store.seats_left(db, entry) is None


def test_double_submit_returns_the_same_row(db):
    entry, anna = event(), person(db, "anna@example.ru")
    first = store.register(db, entry, anna, anna, {"diet": "Вегетарианское"}, NOW)
    again = store.register(db, entry, anna, anna, {}, NOW + 1)
    assert first.created and not again.created
    assert again.registration.id == first.registration.id
    assert len(store.of_event(db, entry.slug)) == 1
    assert first.registration.answers == {"diet": "Вегетарианское"}


def test_a_company_at_its_quota_is_refused_not_put_on_the_waiting_list(db):
    entry = event(capacity=10, per_company=2)
    crowd = people(db, 3, company="ООО «Одна»")
    store.register(db, entry, crowd[0], crowd[0], {}, NOW)
    store.register(db, entry, crowd[1], crowd[0], {}, NOW)
    with pytest.raises(Refused) as refused:
        store.register(db, entry, crowd[2], crowd[2], {}, NOW)
    assert refused.value.key == "events.refused.quota"
    assert len(store.of_event(db, entry.slug)) == 2


@pytest.mark.parametrize(("changes", "key"), [
    ({"register_until": "2000-01-01T00:00:00+03:00"}, "events.refused.deadline"),
    ({"cancelled": True}, "events.refused.cancelled"),
    ({"registration": False}, "events.refused.no_registration"),
])
def test_closed_events_refuse(db, changes, key):
    anna = person(db, "anna@example.ru")
    with pytest.raises(Refused) as refused:
        store.register(db, event(**changes), anna, anna, {}, NOW)
    assert refused.value.key == key
    assert store.of_event(db, "akademiya") == []


def test_staff_may_add_past_the_deadline_until_the_event_starts(db):
    anna, boris = person(db, "anna@example.ru"), person(db, "boris@example.ru", company="ООО «Б»")
    late = event(register_until="2000-01-01T00:00:00+03:00")
    assert store.register(db, late, anna, boris, {}, NOW, staff=True).registration.status == "registered"
    started = event(register_until="2000-01-01T00:00:00+03:00", starts="2000-01-02T00:00:00+03:00")
    with pytest.raises(Refused) as refused:
        store.register(db, replace(started, slug="old"), boris, anna, {}, NOW, staff=True)
    assert refused.value.key == "events.refused.deadline"
    with pytest.raises(Refused):  # every other rule holds for staff too
        store.register(db, event(cancelled=True), boris, anna, {}, NOW, staff=True)


def test_cancel_offers_exactly_one_seat_to_the_first_waiting_person(db):
    entry, crowd = event(capacity=2), people(db, 4)
    for i, p in enumerate(crowd):
        store.register(db, entry, p, p, {}, NOW + i)
    outcome = store.cancel(db, entry, crowd[0].id, crowd[0].id, NOW + 10)
    assert outcome.registration.status == "cancelled"
    assert [o.user_id for o in outcome.offered] == [crowd[2].id]
    assert outcome.offered[0].offer_expires_at == pytest.approx(NOW + 10 + event().offer_hours * 3600)
    assert store.active_of(db, entry.slug, crowd[3].id).status == "waiting"
    assert store.seats_left(db, entry) == 0
    assert store.cancel(db, entry, crowd[0].id, crowd[0].id, NOW + 11) is None  # nothing left to cancel


def test_the_page_sets_how_long_a_freed_seat_is_held(db):
    entry, crowd = event(capacity=1, offer_hours=6), people(db, 2)
    for i, p in enumerate(crowd):
        store.register(db, entry, p, p, {}, NOW + i)
    outcome = store.cancel(db, entry, crowd[0].id, crowd[0].id, NOW + 10)
    assert outcome.offered[0].offer_expires_at == pytest.approx(NOW + 10 + 6 * 3600)


def test_accepting_an_offer_registers(db):
    entry, crowd = event(capacity=1), people(db, 2)
    store.register(db, entry, crowd[0], crowd[0], {}, NOW)
    store.register(db, entry, crowd[1], crowd[1], {}, NOW)
    store.cancel(db, entry, crowd[0].id, crowd[0].id, NOW + 1)
    assert store.accept_offer(db, entry, crowd[1].id, NOW + 2).status == "registered"
    assert store.accept_offer(db, entry, crowd[1].id, NOW + 3) is None


def test_an_expired_offer_passes_to_the_next_waiting_person(db):
    entry, crowd = event(capacity=1), people(db, 3)
    for i, p in enumerate(crowd):
        store.register(db, entry, p, p, {}, NOW + i)
    store.cancel(db, entry, crowd[0].id, crowd[0].id, NOW + 10)
    assert store.expire_offers(db, {entry.slug: entry}, NOW + 20) == ([], [])  # still held
    late = NOW + 10 + event().offer_hours * 3600 + 1
    assert store.accept_offer(db, entry, crowd[1].id, late) is None
    expired, offered = store.expire_offers(db, {entry.slug: entry}, late)
    assert [r.user_id for r in expired] == [crowd[1].id]
    assert [r.user_id for r in offered] == [crowd[2].id]
    assert store.active_of(db, entry.slug, crowd[1].id) is None


def test_leaving_the_waiting_list_and_declining_an_offer(db):
    entry, crowd = event(capacity=1), people(db, 3)
    for p in crowd:
        store.register(db, entry, p, p, {}, NOW)
    assert store.leave_waiting_list(db, entry, crowd[2].id, crowd[2].id, NOW).registration.status == "left"
    store.cancel(db, entry, crowd[0].id, crowd[0].id, NOW)
    declined = store.leave_waiting_list(db, entry, crowd[1].id, crowd[1].id, NOW)
    assert declined.registration.status == "left" and declined.offered == []  # nobody left waiting
    assert store.seats_left(db, entry) == 1
    assert store.leave_waiting_list(db, entry, crowd[0].id, crowd[0].id, NOW) is None


def test_the_log_refuses_update_and_delete(db):
    anna = person(db, "anna@example.ru")
    store.register(db, event(), anna, anna, {}, NOW)
    with pytest.raises(sqlite3.IntegrityError):
        db.conn.execute("UPDATE event_registration_log SET action = 'x'")
    with pytest.raises(sqlite3.IntegrityError):
        db.conn.execute("DELETE FROM event_registration_log")
    assert db.execute("SELECT action FROM event_registration_log").fetchall() == [("registered",)]


def test_personal_data_and_timeline(db):
    from portal.events.timeline import company_timeline

    anna = person(db, "anna@example.ru")
    store.register(db, event(), anna, anna, {"diet": "Вегетарианское"}, NOW)
    assert store.personal_data(db, anna.id)["event_registrations"][0]["answers"] == {"diet": "Вегетарианское"}
    assert company_timeline(db, anna.company_id, 10)[0].kind == "timeline.event_registration"


def test_seats_added_by_a_rebuild_go_to_the_people_waiting_first(db):
    crowd = people(db, 4)
    for i, p in enumerate(crowd[:3]):
        store.register(db, event(capacity=1), p, p, {}, NOW + i)
    newcomer = store.register(db, event(capacity=2), crowd[3], crowd[3], {}, NOW + 5)
    assert [r.user_id for r in newcomer.offered] == [crowd[1].id]
    assert newcomer.registration.status == "waiting"
