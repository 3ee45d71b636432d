"""The feed token: derived again for the cabinet, looked up by its hash, changed by a reset."""

import hashlib

from portal.events import feeds
from tests.events.helpers import person

SECRET = "s" * 48


def test_the_token_is_shown_again_and_only_its_hash_is_stored(db):
    anna = person(db, "anna@example.ru")
    assert feeds.token_of(db, SECRET, anna.id) is None
    token = feeds.reset(db, SECRET, anna.id, 1000.0)
    assert feeds.token_of(db, SECRET, anna.id) == token and len(token) == feeds.TOKEN_LENGTH
    [(stored,)] = db.execute("SELECT token_hash FROM event_feeds").fetchall()
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored
    assert feeds.owner(db, token) == anna.id


def test_a_reset_makes_a_new_token_and_the_old_one_opens_nothing(db):
    anna = person(db, "anna@example.ru")
    old = feeds.reset(db, SECRET, anna.id, 1000.0)
    new = feeds.reset(db, SECRET, anna.id, 1000.0)  # even within the same instant
    assert new != old and feeds.owner(db, old) is None and feeds.owner(db, new) == anna.id


def test_tokens_differ_per_person_and_secret(db):
    anna, boris = person(db, "anna@example.ru"), person(db, "boris@example.ru")
    assert feeds.reset(db, SECRET, anna.id, 1000.0) != feeds.reset(db, SECRET, boris.id, 1000.0)
    assert feeds.token_of(db, "t" * 48, anna.id) != feeds.token_of(db, SECRET, anna.id)
    for bad in ("", "x" * feeds.TOKEN_LENGTH, "x" * 500):
        assert feeds.owner(db, bad) is None
