"""The orders store: an order copies the cart's lines and empties it in one transaction; the tables are
append-only; the state moves only to a legal next one; a double submit is one order or one change; a
stale seq changes nothing; two people answering at once make one change."""

import sqlite3
import threading
import time

import pytest

from portal.core.db import connect
from portal.orders import cart, outbox, store
from tests.orders.helpers import made


def test_an_order_copies_the_cart_and_empties_it(db, parties):
    sender, firm, dist, _agent = parties
    order_id = made(db, sender.id, firm, dist, items=(("TP2-30-840", 5), ("OL-36-840", 2)))
    order = store.get(db, order_id)
    assert (order.state, order.seq, order.distributor_id, order.company_id) == ("sent", 1, dist, firm)
    assert [(x.sku, x.name, x.quantity) for x in store.lines(db, order_id)] == [
        ("TP2-30-840", "Трековый светильник 30 Вт", 5), ("OL-36-840", "Офисная панель 36 Вт", 2)]
    assert cart.lines(db, sender.id) == []


def test_the_same_nonce_is_one_order(db, parties):
    sender, firm, dist, _agent = parties
    first = made(db, sender.id, firm, dist)
    cart.add(db, sender.id, [("OL-36-840", 1)])
    with pytest.raises(store.Duplicate) as duplicate:
        made(db, sender.id, firm, dist)
    assert duplicate.value.made == first
    assert len(store.for_company(db, firm)) == 1 and len(cart.lines(db, sender.id)) == 2  # nothing taken


def test_an_empty_cart_is_no_order(db, parties):
    sender, firm, dist, _agent = parties
    with pytest.raises(store.EmptyCart):
        store.create(db, user_id=sender.id, company_id=firm, region="central", distributor_id=dist, city="Тверь",
                     wanted_on="2099-01-01", comment="", names={}, nonce="e" * 16, now=time.time())
    assert store.for_company(db, firm) == []


@pytest.mark.parametrize("sql", [
    "UPDATE orders SET city = 'Омск'", "DELETE FROM orders", "UPDATE order_lines SET quantity = 1",
    "DELETE FROM order_lines", "UPDATE order_events SET state = 'accepted'", "DELETE FROM order_events",
    "UPDATE orders_regions SET regions = ''", "DELETE FROM orders_regions", "DELETE FROM order_overdue",
    "UPDATE order_letters SET kind = 'x'", "DELETE FROM order_letters", "DELETE FROM order_letter_deliveries",
    "DELETE FROM order_letters_done"])
def test_the_database_refuses_edits(db, parties, sql):
    sender, firm, dist, _agent = parties
    order_id = made(db, sender.id, firm, dist)
    assert store.claim_overdue(db, store.history(db, order_id)[0], time.time())
    letter = outbox.queue(db, order_id, "sent", "", 0, time.time())
    outbox.mark_delivered(db, letter, "a@b.example", time.time())
    outbox.mark_done(db, letter, time.time())
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(sql)


def test_the_trigger_refuses_an_illegal_next_state(db, parties):
    sender, firm, dist, _agent = parties
    order_id = made(db, sender.id, firm, dist)
    with pytest.raises(sqlite3.IntegrityError, match="legal next state"):
        db.execute("INSERT INTO order_events (order_id, seq, state, note, at) VALUES (?, 2, 'answered', 'x', 0)",
                   [order_id])
    store.change(db, order_id, "accepted", seen_seq=1, by_id=None, now=time.time())
    with pytest.raises(sqlite3.IntegrityError, match="legal next state"):
        db.execute("INSERT INTO order_events (order_id, seq, state, distributor_id, at) VALUES (?, 3, 'passed', ?, 0)",
                   [order_id, dist])


def test_the_store_refuses_what_does_not_follow_and_a_stale_seq(db, parties):
    sender, firm, dist, agent = parties
    order_id = made(db, sender.id, firm, dist)
    with pytest.raises(store.Stale):
        store.change(db, order_id, "answered", seen_seq=1, by_id=sender.id, now=time.time(), note="да")
    store.change(db, order_id, "question", seen_seq=1, by_id=agent.id, now=time.time(), note="Когда?")
    with pytest.raises(store.Stale) as stale:
        store.change(db, order_id, "accepted", seen_seq=1, by_id=agent.id, now=time.time())
    assert stale.value.state == "question"
    with pytest.raises(store.OrderError):
        store.change(db, order_id, "declined", seen_seq=2, by_id=agent.id, now=time.time(), note="  ")
    assert [e.state for e in store.history(db, order_id)] == ["sent", "question"]


def test_passing_moves_the_order_to_the_new_distributor(db, parties):
    sender, firm, dist, _agent = parties
    other = made(db, sender.id, firm, None, nonce="x" * 16)
    order_id = made(db, sender.id, firm, dist)
    store.change(db, order_id, "passed", seen_seq=1, by_id=None, now=time.time(), distributor_id=firm)
    assert store.get(db, order_id).distributor_id == firm
    assert [o.id for o in store.incoming(db, dist)] == [] and [o.id for o in store.incoming(db, firm)] == [order_id]
    assert [o.id for o in store.search(db, store.Filters(distributor_id=0))] == [other]


def test_two_distributor_people_at_once_make_one_change(settings, db, parties):
    sender, firm, dist, agent = parties
    order_id = made(db, sender.id, firm, dist)
    start, results = threading.Barrier(4), []

    def answer(index: int) -> None:
        own = connect(settings.database)
        try:
            start.wait()
            state = ("accepted", "declined")[index % 2]
            store.change(own, order_id, state, seen_seq=1, by_id=agent.id, now=time.time(), note="нет" * (index % 2),
                         nonce=f"race-{index:02d}-{'r' * 12}")
            results.append(state)
        except store.Stale:
            results.append("stale")
        finally:
            own.conn.close()

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results).count("stale") == 3
    assert len(store.history(db, order_id)) == 2


def test_the_same_nonce_is_one_change(db, parties):
    sender, firm, dist, agent = parties
    order_id = made(db, sender.id, firm, dist)
    store.change(db, order_id, "accepted", seen_seq=1, by_id=agent.id, now=time.time(), nonce="k" * 16)
    with pytest.raises(store.Duplicate):
        store.change(db, order_id, "accepted", seen_seq=1, by_id=agent.id, now=time.time(), nonce="k" * 16)
    assert len(store.history(db, order_id)) == 2


def test_personal_data_and_the_timeline(db, parties):
    sender, firm, dist, agent = parties
    order_id = made(db, sender.id, firm, dist)
    store.change(db, order_id, "question", seen_seq=1, by_id=agent.id, now=time.time() + 1, note="Какой цвет?")
    mine = store.personal_data(db, sender.id)
    assert [o["id"] for o in mine["orders"]] == [order_id] and mine["orders"][0]["lines"][0]["quantity"] == 5
    assert store.personal_data(db, agent.id)["order_notes"][0]["text"] == "Какой цвет?"
    assert [e.state for e, _o in store.company_activity(db, dist, 10)] == ["question", "sent"]
