"""The feedback store: requests, statuses, replies and notes, the append-only log, the inbox filters."""

import sqlite3

import pytest

from portal.core import identity
from portal.core.companies import get_company, merge, set_details
from portal.feedback import store
from portal.feedback.model import Filters
from tests.feedback.helpers import make_representative, new_request, person


def test_a_new_request_is_logged_and_counts_as_a_contact(db):
    author = person(db, "petr@svet-montazh.ru")
    request_id = new_request(db, author)
    request = store.get_request(db, request_id)
    assert request.status == "new" and request.company_id == author.company_id
    assert request.html == "<p>Нужен драйвер на <strong>700 мА</strong> для панели.</p>"
    assert [entry.action for entry in store.history(db, request_id)] == ["created"]
    assert get_company(db, author.company_id).last_contact_at == pytest.approx(request.created_at)


def test_the_same_form_twice_makes_one_request(db):
    author = person(db, "petr@svet-montazh.ru")
    first = store.create_request(db, author, "idea", "Идея", "Текст идеи", None, "nonce-1")
    with pytest.raises(store.Duplicate) as caught:
        store.create_request(db, author, "idea", "Идея", "Текст идеи", None, "nonce-1")
    assert caught.value.request_id == first
    assert db.execute("SELECT count(*) FROM feedback_requests").fetchone()[0] == 1


def test_replies_move_the_status_and_notes_stay_internal(db):
    author = person(db, "petr@svet-montazh.ru")
    staff = person(db, "manager@club.example", role="staff", name="Мария Менеджер")
    request = store.get_request(db, new_request(db, author))
    store.add_message(db, request, staff, "staff", "Внутренняя заметка: уточнить склад", internal=True)
    assert store.get_request(db, request.id).status == "new"
    store.add_message(db, request, staff, "staff", "Подойдёт драйвер ЛД-700.")
    answered = store.get_request(db, request.id)
    assert answered.status == "answered" and answered.first_reply_at is not None
    store.add_message(db, request, author, "partner", "Спасибо, а есть с диммированием?")
    assert store.get_request(db, request.id).status == "in_progress"
    assert [m.body for m in store.messages(db, request.id, with_notes=False)] == [
        "Подойдёт драйвер ЛД-700.", "Спасибо, а есть с диммированием?"]
    assert len(store.messages(db, request.id, with_notes=True)) == 3
    store.add_message(db, request, staff, "staff", "Есть, ЛД-700Д.")
    assert store.get_request(db, request.id).first_reply_at == answered.first_reply_at  # the first one stays
    actions = [(e.action, e.old, e.new) for e in store.history(db, request.id) if e.action == "status"]
    assert actions == [("status", "new", "answered"), ("status", "answered", "in_progress"),
                       ("status", "in_progress", "answered")]


def test_status_and_owner_changes_are_logged_and_checked(db):
    author = person(db, "petr@svet-montazh.ru")
    staff = person(db, "manager@club.example", role="staff", name="Мария Менеджер")
    editor = person(db, "editor@club.example", role="editor", name="Ева Редактор")
    request_id = new_request(db, author)
    store.set_owner(db, request_id, staff.id, staff.id)
    with pytest.raises(ValueError):
        store.set_owner(db, request_id, editor.id, staff.id)
    with pytest.raises(ValueError):
        store.set_status(db, request_id, "lost", staff.id)
    store.set_status(db, request_id, "closed", staff.id)
    closed = store.get_request(db, request_id)
    assert closed.status == "closed" and closed.closed_at and closed.owner_name == "Мария Менеджер"
    assert [e.action for e in store.history(db, request_id)] == ["created", "owner", "status"]


def test_the_log_is_append_only(db):
    request_id = new_request(db, person(db, "petr@svet-montazh.ru"))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE feedback_log SET action = 'x' WHERE request_id = ?", [request_id])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM feedback_log WHERE request_id = ?", [request_id])


def test_the_representative_sees_the_company_and_colleagues_only_their_own(db):
    rep = person(db, "director@svet-montazh.ru", name="Директор")
    colleague = person(db, "petr@svet-montazh.ru")
    stranger = person(db, "olga@lumen.ru", company="ООО «Люмен»", name="Ольга")
    make_representative(db, rep)
    rep, mine = identity.get_user(db, rep.id), new_request(db, colleague)
    theirs = new_request(db, stranger)
    assert [r.id for r in store.requests_of(db, colleague)] == [mine]
    assert [r.id for r in store.requests_of(db, rep)] == [mine]
    assert [r.id for r in store.requests_of(db, stranger)] == [theirs]
    assert store.open_count(db, rep) == 1


def test_inbox_filters(db):
    staff = person(db, "manager@club.example", role="staff", name="Мария Менеджер")
    a = person(db, "petr@svet-montazh.ru")
    b = person(db, "olga@lumen.ru", company="ООО «Люмен»", name="Ольга")
    first, second = new_request(db, a, kind="complaint"), new_request(db, b, kind="idea")
    store.set_owner(db, second, staff.id, staff.id)

    def ids(**values):
        return [r.id for r in store.inbox(db, Filters(**values))[0]]

    assert ids() == [second, first]
    assert ids(kind="complaint") == [first] and ids(owner="none") == [first]
    assert ids(owner=str(staff.id)) == [second] and ids(company="люмен") == [second]
    assert ids(company="СВЕТ-монтаж ооо") == [first] and ids(company="Нет такой") == []
    assert ids(status="answered") == []


def test_after_a_merge_the_surviving_company_answers_for_its_requests(db):
    author = person(db, "petr@svet-montazh.ru", company="Свет Монтаж Юг")
    rep = person(db, "director@svet-montazh.ru", name="Директор")
    make_representative(db, rep)
    rep = identity.get_user(db, rep.id)
    request_id = new_request(db, author)
    assert store.requests_of(db, rep) == []
    merge(db, author.company_id, rep.company_id, by_id=None)
    found = store.get_request(db, request_id)
    assert found.company_id == author.company_id  # the request keeps the record it was written for
    assert found.company_name == "ООО «Свет-Монтаж»" and found.representative_id == rep.id
    assert [r.id for r in store.requests_of(db, rep)] == [request_id] and store.open_count(db, rep) == 1
    assert [row[2] for row in store.company_activity(db, rep.company_id, 10)] == [request_id]
    set_details(db, rep.company_id, "installers", None, None)  # the survivor's segment and name select it
    assert [r.id for r in store.inbox(db, Filters(segment="installers"))[0]] == [request_id]
    assert [r.id for r in store.inbox(db, Filters(company="Свет-Монтаж"))[0]] == [request_id]
    assert store.inbox(db, Filters(company="Свет Монтаж Юг"))[0] == []  # the merged record's own name: gone


def test_a_filter_matching_many_companies_still_pages_newest_first(db, monkeypatch):
    monkeypatch.setattr(store, "FEW_COMPANIES", 1)  # the path for thousands of companies, with three
    made = [new_request(db, person(db, f"p{n}@firma{n}.ru", company=f"ООО «Фирма {n}»")) for n in range(3)]
    for company_id in {store.get_request(db, r).company_id for r in made}:
        set_details(db, company_id, "designers", None, None)
    assert [r.id for r in store.inbox(db, Filters(segment="designers"))[0]] == made[::-1]
    assert [r.id for r in store.inbox(db, Filters(company="фирма"))[0]] == made[::-1]
    assert store.inbox(db, Filters(segment="nobody")) == ([], 1, False)


def test_the_pager_counts_up_to_its_last_page(db, monkeypatch):
    monkeypatch.setattr(store, "INBOX_PAGE", 2)
    monkeypatch.setattr(store, "MAX_PAGES", 2)
    author = person(db, "petr@svet-montazh.ru")
    made = [new_request(db, author) for _ in range(5)]
    assert store.inbox(db, Filters())[1:] == (2, True)  # 5 requests: two pages counted, and more after them
    assert [r.id for r in store.inbox(db, Filters(page=3))[0]] == [made[0]]  # the pages after still open
    assert store.inbox(db, Filters(kind="idea"))[1:] == (1, False)


def test_a_person_who_deletes_their_account_leaves_the_request_without_a_name(db):
    author = person(db, "petr@svet-montazh.ru")
    staff = person(db, "manager@club.example", role="staff", name="Мария Менеджер")
    request_id = new_request(db, author, kind="idea")
    store.set_owner(db, request_id, staff.id, staff.id)
    store.add_message(db, store.get_request(db, request_id), author, "partner", "Дополнение")
    voter = person(db, "olga@lumen.ru", company="ООО «Люмен»", name="Ольга")
    from portal.feedback import ideas

    assert ideas.support(db, request_id, voter)
    for user in (author, staff, voter):
        identity.delete_user(db, user.id)
    found = store.get_request(db, request_id)
    assert found.author_id is None and found.owner_id is None
    assert ideas.votes(db, request_id) == 0 and found.supporters == 0
    assert [m.author_id for m in store.messages(db, request_id, with_notes=True)] == [None]
    assert len(store.history(db, request_id)) == 4  # created, owner, the reply, the status it set: all stay


def test_the_working_time_to_the_first_reply_is_counted_once_when_it_is_written(db):
    author = person(db, "petr@svet-montazh.ru")
    staff = person(db, "manager@club.example", role="staff", name="Мария Менеджер")
    request = store.get_request(db, new_request(db, author))
    counted = []
    clock = lambda start, end: counted.append((start, end)) or 1234.0  # noqa: E731 - a recording stand-in
    store.add_message(db, request, staff, "staff", "Заметка", internal=True, reply_clock=clock)
    store.add_message(db, request, staff, "staff", "Первый ответ", reply_clock=clock)
    store.add_message(db, store.get_request(db, request.id), staff, "staff", "Второй ответ", reply_clock=clock)
    assert len(counted) == 1 and counted[0][0] == request.created_at
    assert store.reply_times(db, Filters()) == [(request.created_at, store.get_request(db, request.id).first_reply_at,
                                                 1234.0)]
