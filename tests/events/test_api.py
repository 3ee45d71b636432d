"""events/api.py: who attended an event (the latest mark of each registration), for other capabilities."""

from __future__ import annotations

import time

from portal.events import api
from tests.portal_fixtures import make_user


def registration(db, event: str, user, position: int) -> int:
    now = time.time()
    return db.execute(
        "INSERT INTO event_registrations (event, user_id, company_id, status, answers, registered_by, position, "
        "created_at, updated_at) VALUES (?, ?, ?, 'registered', '{}', ?, ?, ?, ?)",
        [event, user.id, user.company_id, user.id, position, now, now]).lastrowid


def mark(db, registration_id: int, event: str, present: int) -> None:
    db.execute("INSERT INTO event_attendance (registration_id, event, present, at) VALUES (?, ?, ?, ?)",
               [registration_id, event, present, time.time()])


def test_attendees_by_latest_mark(db):
    anna, boris, vera = (make_user(db, f"{name}@example.ru", member=True) for name in ("anna", "boris", "vera"))
    first, second, third = (registration(db, "seminar", user, i) for i, user in enumerate((anna, boris, vera)))
    mark(db, first, "seminar", 1)
    mark(db, second, "seminar", 1)
    mark(db, second, "seminar", 0)          # corrected to absent
    assert api.attendees(db, "seminar") == {anna.id}
    assert api.attendees(db, "other") == set()
    assert api.attended_events(db) == [("seminar", 1)]
    assert third
