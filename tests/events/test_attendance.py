"""Attendance: registered people only, append-only marks, the latest one wins, a second tap writes nothing."""

import sqlite3
import time

import pytest

from portal.events import attendance, codes, store
from tests.events.helpers import event, person

NOW = time.time()


def registered(db, entry, email="anna@example.ru"):
    anna = person(db, email)
    return store.register(db, entry, anna, anna, {}, NOW).registration


def test_check_in_then_correct_keeps_history(db):
    entry = event(capacity=5)
    row = registered(db, entry)
    assert attendance.present_now(db, row.id) is None
    assert attendance.mark(db, row, True, None, NOW)
    assert not attendance.mark(db, row, True, None, NOW + 1)  # a second tap
    assert attendance.mark(db, row, False, None, NOW + 2, note="ушёл до начала")
    assert attendance.present_now(db, row.id) is False
    assert [m.present for m in attendance.history(db, row.id)] == [True, False]
    assert attendance.of_event(db, entry.slug) == {row.id: False}


def test_only_registered_people_are_marked(db):
    entry = event(capacity=1)
    registered(db, entry)
    waiting = registered(db, entry, "boris@example.ru")
    assert waiting.status == "waiting"
    with pytest.raises(attendance.NotRegistered):
        attendance.mark(db, waiting, True, None, NOW)


def test_the_table_refuses_edits(db):
    entry = event(capacity=5)
    row = registered(db, entry)
    attendance.mark(db, row, True, None, NOW)
    for sql in ("UPDATE event_attendance SET present = 0", "DELETE FROM event_attendance"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(sql)


def test_codes_are_stable_and_never_cross():
    code = codes.checkin_code("k", 5)
    assert code == codes.checkin_code("k", 5) and codes.read_checkin("k", code) == 5
    assert codes.read_certificate("k", code) is None
    assert codes.read_certificate("k", codes.certificate_code("k", 5)) == 5
    assert codes.read_checkin("other", code) is None


def test_a_follow_up_letter_is_claimed_once(db):
    entry = event(capacity=5)
    row = registered(db, entry)
    assert store.claim_letter(db, row.id, "reminder_day", NOW)
    assert not store.claim_letter(db, row.id, "reminder_day", NOW + 1)
    assert store.claim_letter(db, row.id, "update:r2", NOW)
    assert store.letters_claimed(db, row.id) == ["reminder_day", "update:r2"]
