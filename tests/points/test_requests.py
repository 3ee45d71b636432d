"""The request store: a request and its hold are one write; the state machine; the hold released or
debited with the change; the database refusing edits, illegal states and second changes."""

import sqlite3
import threading

import pytest

from portal.core.db import connect
from portal.points import ledger, requests
from portal.points.requests import Duplicate, RequestError, Stale
from tests.portal_fixtures import make_user

NOW = 1_790_000_000.0


@pytest.fixture
def rep(db, firm):
    from portal.core.identity import ProfileUpdate, get_user, update_profile

    user = make_user(db, "rep@firm.example")
    update_profile(db, user.id, ProfileUpdate(name=user.name, company_id=firm, phone="+79120000000"))
    return get_user(db, user.id)


@pytest.fixture
def funded(db, firm):
    ledger.earn(db, firm, 2000, reason="accrual", source="accrual:2026-10", now=NOW)
    return firm


def make(db, firm, rep, cost=1500, nonce="n" * 16, task="Десять описаний"):
    return requests.create(db, company_id=firm, privilege_id="kp", privilege_name="Коммерческое предложение",
                           cost=cost, task=task, by_id=rep.id, nonce=nonce, now=NOW)


def balance(db, firm):
    found = ledger.balance(db, firm, NOW)
    return found.available, found.held


def test_a_request_holds_its_cost_and_starts_requested(db, funded, rep):
    request_id = make(db, funded, rep)
    found = requests.get(db, request_id)
    assert (found.state, found.seq, found.cost, found.requested_by_name) == ("requested", 1, 1500, rep.name)
    assert balance(db, funded) == (500, 1500)
    hold = db.execute("SELECT kind, amount, source FROM points_ledger WHERE id = ?", [found.hold_id]).fetchone()
    assert hold == ("hold", -1500, f"request:{request_id}")
    assert [e.state for e in requests.history(db, request_id)] == ["requested"]


def test_not_enough_points_writes_nothing(db, funded, rep):
    with pytest.raises(ledger.NotEnoughPoints) as refused:
        make(db, funded, rep, cost=2500)
    assert refused.value.available == 2000
    assert db.execute("SELECT count(*) FROM points_requests").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM points_request_events").fetchone()[0] == 0
    assert balance(db, funded) == (2000, 0)


def test_a_failed_request_row_takes_its_hold_back(db, funded, rep):
    # The request row fails after its hold was written (a name the table refuses): neither is kept.
    with pytest.raises(sqlite3.IntegrityError):
        requests.create(db, company_id=funded, privilege_id="kp", privilege_name=None, cost=100, task="x",
                        by_id=rep.id, nonce="n" * 16, now=NOW)
    assert balance(db, funded) == (2000, 0)
    assert db.execute("SELECT count(*) FROM points_ledger WHERE kind = 'hold'").fetchone()[0] == 0


def test_the_same_nonce_is_one_request(db, funded, rep):
    first = make(db, funded, rep, cost=500)
    with pytest.raises(Duplicate) as again:
        make(db, funded, rep, cost=500)
    assert again.value.made == first
    assert balance(db, funded) == (1500, 500)


@pytest.mark.parametrize("task", ["", "   ", "я" * (requests.TASK_LIMIT + 1)])
def test_a_task_must_be_given_and_short_enough(db, funded, rep, task):
    with pytest.raises(RequestError):
        make(db, funded, rep, task=task)
    assert balance(db, funded) == (2000, 0)


def test_confirm_keeps_the_hold_and_done_spends_it(db, funded, rep):
    request_id = make(db, funded, rep)
    requests.change(db, request_id, "confirmed", seen_seq=1, by_id=rep.id, now=NOW)
    assert balance(db, funded) == (500, 1500)
    requests.change(db, request_id, "in_progress", seen_seq=2, by_id=rep.id, now=NOW)
    requests.change(db, request_id, "done", seen_seq=3, by_id=rep.id, now=NOW,
                    files=[("kp.pdf", "a" * 32, "application/pdf", 10)])
    assert balance(db, funded) == (500, 0)
    assert ledger.balance(db, funded, NOW).total == 500
    assert [f.filename for f in requests.files(db, request_id)] == ["kp.pdf"]
    assert [e.state for e in requests.history(db, request_id)] == ["requested", "confirmed", "in_progress", "done"]
    assert ledger.verify(db) == []


@pytest.mark.parametrize("path", [["rejected"], ["cancelled"], ["confirmed", "rejected"],
                                  ["confirmed", "in_progress", "rejected"]])
def test_reject_and_cancel_give_the_points_back(db, funded, rep, path):
    request_id = make(db, funded, rep)
    for seq, state in enumerate(path, start=1):
        requests.change(db, request_id, state, seen_seq=seq, by_id=rep.id, now=NOW, note="Нет мощностей")
    assert balance(db, funded) == (2000, 0)
    assert requests.get(db, request_id).state == path[-1]
    assert ledger.verify(db) == []


ILLEGAL = [([], "in_progress"), ([], "done"), ([], "requested"), (["confirmed"], "cancelled"),
           (["confirmed"], "confirmed"), (["rejected"], "confirmed"), (["cancelled"], "rejected"),
           (["confirmed", "done"], "rejected"), (["confirmed", "in_progress"], "confirmed")]


@pytest.mark.parametrize(("path", "state"), ILLEGAL)
def test_illegal_changes_are_refused_and_write_nothing(db, funded, rep, path, state):
    request_id = make(db, funded, rep)
    for seq, step in enumerate(path, start=1):
        requests.change(db, request_id, step, seen_seq=seq, by_id=rep.id, now=NOW, note="причина")
    before = (balance(db, funded), len(requests.history(db, request_id)))
    with pytest.raises(Stale):
        requests.change(db, request_id, state, seen_seq=len(path) + 1, by_id=rep.id, now=NOW, note="причина")
    assert (balance(db, funded), len(requests.history(db, request_id))) == before


def test_a_change_from_a_stale_page_is_refused(db, funded, rep):
    request_id = make(db, funded, rep)
    requests.change(db, request_id, "confirmed", seen_seq=1, by_id=rep.id, now=NOW)
    with pytest.raises(Stale) as stale:  # the page showed "requested"; it is "confirmed" now
        requests.change(db, request_id, "rejected", seen_seq=1, by_id=rep.id, now=NOW, note="дубль")
    assert stale.value.state == "confirmed"
    assert balance(db, funded) == (500, 1500)


def test_a_double_submitted_change_is_one_change(db, funded, rep):
    request_id = make(db, funded, rep)
    first = requests.change(db, request_id, "rejected", seen_seq=1, by_id=rep.id, now=NOW, note="нет", nonce="x" * 20)
    with pytest.raises(Duplicate) as again:
        requests.change(db, request_id, "rejected", seen_seq=1, by_id=rep.id, now=NOW, note="нет", nonce="x" * 20)
    assert again.value.made == first
    assert db.execute("SELECT count(*) FROM points_ledger WHERE kind = 'release'").fetchone()[0] == 1


def test_a_rejection_needs_a_reason(db, funded, rep):
    request_id = make(db, funded, rep)
    with pytest.raises(RequestError):
        requests.change(db, request_id, "rejected", seen_seq=1, by_id=rep.id, now=NOW, note=" ")
    assert requests.get(db, request_id).state == "requested"


def test_files_only_with_done(db, funded, rep):
    request_id = make(db, funded, rep)
    with pytest.raises(RequestError):
        requests.change(db, request_id, "confirmed", seen_seq=1, by_id=rep.id, now=NOW,
                        files=[("a.pdf", "b" * 32, "application/pdf", 1)])


def test_two_staff_at_once_make_one_change(settings, funded, rep, db):
    """Two connections (as two workers) confirm and reject the same request at the same moment."""
    request_id = make(db, funded, rep)
    start, outcomes = threading.Barrier(2), []

    def act(state):
        own = connect(settings.database)
        try:
            start.wait()
            requests.change(own, request_id, state, seen_seq=1, by_id=rep.id, now=NOW, note="причина")
            outcomes.append(state)
        except Stale:
            outcomes.append("stale")
        finally:
            own.conn.close()

    threads = [threading.Thread(target=act, args=(state,)) for state in ("confirmed", "rejected")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("stale") == 1
    assert len(requests.history(db, request_id)) == 2
    assert ledger.verify(db) == []


@pytest.mark.parametrize("statement", [
    "UPDATE points_requests SET cost = 1", "DELETE FROM points_requests",
    "UPDATE points_request_events SET state = 'done'", "DELETE FROM points_request_events",
    "UPDATE points_request_files SET filename = 'x'", "DELETE FROM points_request_files"])
def test_the_tables_refuse_update_and_delete(db, funded, rep, statement):
    request_id = make(db, funded, rep)
    requests.change(db, request_id, "confirmed", seen_seq=1, by_id=rep.id, now=NOW)
    requests.change(db, request_id, "done", seen_seq=2, by_id=rep.id, now=NOW,
                    files=[("kp.pdf", "c" * 32, "application/pdf", 10)])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(statement)


def test_the_database_refuses_an_illegal_or_second_event(db, funded, rep):
    request_id = make(db, funded, rep)
    insert = "INSERT INTO points_request_events (request_id, seq, state, at) VALUES (?, ?, ?, 0)"
    with pytest.raises(sqlite3.IntegrityError, match="legal"):
        db.execute(insert, [request_id, 2, "done"])
    db.execute(insert, [request_id, 2, "confirmed"])
    with pytest.raises(sqlite3.IntegrityError):  # a second change after the same state: one wins
        db.execute(insert, [request_id, 2, "in_progress"])
    with pytest.raises(sqlite3.IntegrityError):  # a rejection without a reason
        db.execute(insert, [request_id, 3, "rejected"])


def test_lists_timeline_and_personal_data(db, funded, rep):
    first = make(db, funded, rep, cost=300, nonce="a" * 16)
    second = make(db, funded, rep, cost=300, nonce="b" * 16)
    requests.change(db, first, "rejected", seen_seq=1, by_id=rep.id, now=NOW + 5, note="не по адресу")
    assert [r.id for r in requests.for_company(db, funded)] == [second, first]
    assert [r.id for r in requests.for_company(db, funded, requests.OPEN)] == [second]
    assert [r.id for r in requests.queue(db)] == [second]
    assert [r.id for r in requests.queue(db, ("rejected",), company_id=funded)] == [first]
    assert requests.queue(db, company_id=funded + 1000) == []
    from portal.points.request_timeline import company_timeline

    timeline = company_timeline(db, funded, 10)
    assert timeline[0].kind == "timeline.points_request_rejected" and timeline[0].detail == "не по адресу"
    assert len(timeline) == 3
    data = requests.personal_data(db, rep.id)["points_requests"]
    assert {item["id"] for item in data} == {first, second} and data[0]["task"] == "Десять описаний"
