"""core.happenings: handlers by the happening's class, per portal; a failing handler is logged and isolated;
announcing inside a transaction is refused."""

import logging
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from portal.app import create_app
from portal.core import happenings
from portal.core.happenings import Attended, Happenings

SEEN = Attended(company_id=1, user_id=2, event_slug="akademiya", event_title="Академия", attended=True, at=0.0)


@dataclass(frozen=True)
class Other:
    what: str


def test_handlers_of_the_class_run_in_order(db):
    hooks, calls = Happenings(), []
    hooks.subscribe(Attended, lambda database, happening: calls.append(("first", database, happening)))
    hooks.subscribe(Other, lambda database, happening: calls.append(("other", database, happening)))
    hooks.subscribe(Attended, lambda database, happening: calls.append(("second", database, happening)))
    assert hooks.announce(db, SEEN) == 2
    assert calls == [("first", db, SEEN), ("second", db, SEEN)]
    assert hooks.announce(db, Other("x")) == 1 and Happenings().announce(db, SEEN) == 0


def test_a_failing_handler_is_logged_and_the_others_still_run(db, caplog):
    hooks, calls = Happenings(), []

    def broken(database, happening):
        raise KeyError("a bug in one capability")

    def leaves_a_transaction_open(database, happening):
        database.conn.execute("BEGIN IMMEDIATE")
        database.conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("gave up halfway")

    hooks.subscribe(Attended, broken)
    hooks.subscribe(Attended, leaves_a_transaction_open)
    hooks.subscribe(Attended, lambda database, happening: calls.append(happening))
    with caplog.at_level(logging.ERROR, logger="portal.happenings"):
        assert hooks.announce(db, SEEN) == 1
    assert calls == [SEEN]
    assert "broken" in caplog.text and "a bug in one capability" in caplog.text and "gave up halfway" in caplog.text
    assert not db.conn.in_transaction  # the half-done work was rolled back, not left for the next write
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0


def test_announcing_inside_the_announcers_transaction_is_refused(db):
    hooks, calls = Happenings(), []
    hooks.subscribe(Attended, lambda database, happening: calls.append(happening))
    db.conn.execute("BEGIN")
    try:
        with pytest.raises(RuntimeError, match="after the transaction"):
            hooks.announce(db, SEEN)
    finally:
        db.conn.rollback()
    assert calls == []


def test_each_portal_has_its_own(settings):
    first, second = create_app(settings), create_app(settings)
    try:
        ours = happenings.of(first.state.portal)
        assert ours is happenings.of(first.state.portal)
        assert ours is not happenings.of(second.state.portal)
        calls = []
        ours.subscribe(Other, lambda database, happening: calls.append(happening))
        assert happenings.of(second.state.portal).announce(second.state.portal.db, Other("x")) == 0
        assert ours.announce(first.state.portal.db, Other("y")) == 1 and calls == [Other("y")]
    finally:
        first.state.portal.db.conn.close()
        second.state.portal.db.conn.close()


def test_of_works_on_anything_with_parts():
    portal = SimpleNamespace(parts={})
    assert happenings.of(portal) is portal.parts[happenings.PART]
