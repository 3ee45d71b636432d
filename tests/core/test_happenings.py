"""core.happenings: recorded with the change that made them, delivered to each declared handler once and in
order; a failing handler waits at its happening and is tried again, the others go on."""

import logging
import sqlite3
from dataclasses import dataclass

import pytest

from portal.core import happenings
from portal.core.capability import Capability
from portal.core.db import write_transaction
from portal.core.happenings import Attended

SEEN = Attended(company_id=3, user_id=7, event_slug="akademiya", event_title="Академия", attended=True, at=1.0)


def record(db, *items):
    with write_transaction(db):
        return [happenings.record(db, item) for item in items]


def test_recorded_in_the_changes_transaction_or_not_at_all(db):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        happenings.record(db, SEEN)
    with pytest.raises(sqlite3.IntegrityError), write_transaction(db):
        happenings.record(db, SEEN)
        db.conn.execute("INSERT INTO happenings (id, kind, payload, at) VALUES (1, 'x', '{}', 0)")  # the change fails
    assert db.execute("SELECT count(*) FROM happenings").fetchone()[0] == 0

    @dataclass(frozen=True)
    class Stranger:
        x: int
    with pytest.raises(TypeError, match="not a happening"), write_transaction(db):
        happenings.record(db, Stranger(1))


def test_each_handler_gets_each_happening_once_in_order(db, settings):
    calls = []
    handlers = [("points.first", Attended, lambda d, s, h: calls.append(("first", h.user_id))),
                ("mail.second", Attended, lambda d, s, h: calls.append(("second", h.user_id)))]
    record(db, SEEN, Attended(3, 8, "akademiya", "Академия", False, 2.0))
    assert happenings.deliver(db, settings, handlers) == 4
    assert calls == [("first", 7), ("first", 8), ("second", 7), ("second", 8)]
    assert happenings.deliver(db, settings, handlers) == 0
    record(db, Attended(3, 9, "akademiya", "Академия", True, 3.0))
    assert happenings.deliver(db, settings, handlers) == 2 and calls[-1] == ("second", 9)


def test_a_failing_handler_waits_and_catches_up_the_others_go_on(db, settings, caplog):
    calls, down = [], {"yes": True}

    def flaky(database, _settings, happening):
        if down["yes"] and happening.user_id == 8:
            raise sqlite3.OperationalError("database is locked")
        calls.append(happening.user_id)

    other = []
    handlers = [("points.flaky", Attended, flaky), ("mail.other", Attended, lambda d, s, h: other.append(h.user_id))]
    record(db, SEEN, Attended(3, 8, "a", "A", True, 2.0), Attended(3, 9, "a", "A", True, 3.0))
    with caplog.at_level(logging.ERROR, logger="portal.happenings"):
        assert happenings.deliver(db, settings, handlers) == 1 + 3
    assert "database is locked" in caplog.text and calls == [7] and other == [7, 8, 9]
    down["yes"] = False
    assert happenings.deliver(db, settings, handlers) == 2 and calls == [7, 8, 9]  # in order, from where it stopped


def test_delivery_refuses_to_run_inside_a_transaction_and_the_log_is_append_only(db, settings):
    record(db, SEEN)
    with pytest.raises(RuntimeError, match="after the transaction"), write_transaction(db):
        happenings.deliver(db, settings, [])
    for sql in ("UPDATE happenings SET kind = 'x'", "DELETE FROM happenings"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.conn.execute(sql)


def test_handlers_come_from_the_capabilities_declarations():
    def award(db, settings, happening):
        pass
    found = happenings.handlers_of([Capability(name="points", happening_handlers={Attended: award}),
                                    Capability(name="forum")])
    assert found == [("points.award", Attended, award)]
    from portal.core.capability import REGISTRY
    assert ("points.award_attendance", Attended) in [(name, kind) for name, kind, _ in happenings.handlers_of(REGISTRY)]


def test_the_job_delivers_at_start(db, settings):
    lines = []
    with happenings.delivery_job(settings, lines.append, every=3600):
        pass
    assert lines and "happenings" in lines[0]
    with happenings.delivery_job(settings, lines.append, enabled=False):
        pass
    assert len(lines) == 1
