"""event_feedback: one answer per registration; the first one stays, a race makes one row."""

import threading
import time
from dataclasses import replace

from portal.core.db import connect
from portal.events import ratings
from portal.events.model import Registration
from tests.events.after_helpers import attend, past_event, person
from tests.events.helpers import event


def test_the_first_answer_stays(db):
    row = attend(db, past_event(), person(db, "anna@example.ru"))
    assert ratings.save(db, row, 9, "  Полезно  ", 100.0) is True
    assert ratings.save(db, row, 2, "передумала", 200.0) is False
    assert ratings.of_registration(db, row.id).comment == "Полезно"
    assert ratings.scores(db, "akademiya") == [9]
    assert ratings.of_user(db, row.user_id) == [{"event": "akademiya", "score": 9, "comment": "Полезно", "at": 100.0}]


def test_two_submits_at_once_make_one_row(db, settings):
    row = attend(db, past_event(), person(db, "anna@example.ru"))
    results, start = [], threading.Barrier(2)

    def answer(score: int) -> None:
        own = connect(settings.database)
        try:
            start.wait()
            results.append(ratings.save(own, row, score, "", 1.0))
        finally:
            own.conn.close()

    threads = [threading.Thread(target=answer, args=(n,)) for n in (3, 8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True] and len(ratings.scores(db, "akademiya")) == 1


def test_who_may_rate():
    done, coming, now = past_event(), event(), time.time()
    mine = Registration(1, "akademiya", 1, None, "registered", {}, 1, 1, "r1", 0.0, 0.0, None)
    assert ratings.may_rate(done, mine, now)
    assert not ratings.may_rate(coming, mine, now)  # not started yet
    assert not ratings.may_rate(done, None, now)
    assert not ratings.may_rate(done, replace(mine, status="waiting"), now)
    assert not ratings.may_rate(replace(done, cancelled=True), mine, now)
