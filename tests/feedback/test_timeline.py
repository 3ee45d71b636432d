"""The company timeline hook and the demo requests."""

from portal.feedback import demo, store
from portal.feedback.capability import CAPABILITY
from portal.feedback.timeline import company_timeline
from tests.feedback.helpers import new_request, person


def test_the_timeline_lists_requests_and_public_replies_newest_first(db):
    author = person(db, "petr@svet-montazh.ru", name="Пётр Лампов")
    staff = person(db, "manager@club.example", role="staff", name="Мария Менеджер")
    other = person(db, "olga@lumen.ru", company="ООО «Люмен»", name="Ольга")
    first = new_request(db, author, subject="Первое")
    new_request(db, other, subject="Чужое")
    store.add_message(db, store.get_request(db, first), staff, "staff", "Заметка", internal=True)
    store.add_message(db, store.get_request(db, first), staff, "staff", "Ответ")
    second = new_request(db, author, subject="Второе")
    entries = CAPABILITY.timeline(db, author.company_id, 10)
    assert [(e.kind, e.title, e.actor) for e in entries] == [
        ("timeline.feedback_request", f"№{second} Второе", "Пётр Лампов"),
        ("timeline.feedback_reply", f"№{first} Первое", "Мария Менеджер"),
        ("timeline.feedback_request", f"№{first} Первое", "Пётр Лампов")]
    assert entries[0].url == f"/staff/feedback/{second}"
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert len(company_timeline(db, author.company_id, 1)) == 1


def test_demo_requests_wait_for_members_and_come_once(db):
    assert demo.seed_demo_requests(db) is None and store.is_empty(db)
    person(db, "manager@club.example", role="staff", name="Мария Менеджер")
    assert demo.seed_demo_requests(db) is None  # staff alone are not members
    person(db, "petr@svet-montazh.ru")
    person(db, "olga@lumen.ru", company="ООО «Люмен»", name="Ольга")
    assert demo.seed_demo_requests(db)
    count = db.execute("SELECT count(*) FROM feedback_requests").fetchone()[0]
    assert count == len(demo.DEMO)
    assert db.execute("SELECT count(*) FROM feedback_messages WHERE side = 'staff'").fetchone()[0] == 2
    # A club with a history: written over the last two weeks, answered hours later, the time counted.
    days = [row[0] for row in db.execute("SELECT (julianday('now') - julianday(created_at, 'unixepoch')) "
                                         "FROM feedback_requests ORDER BY id")]
    assert days == sorted(days, reverse=True) and days[0] > 10 and days[-1] < 1
    answered = db.execute("SELECT first_reply_at - created_at, first_reply_work, owner_id FROM feedback_requests "
                          "WHERE first_reply_at IS NOT NULL").fetchall()
    assert len(answered) == 2 and all(gap == 3.5 * 3600 and work is not None and owner for gap, work, owner in answered)
    assert demo.seed_demo_requests(db) is None
    assert db.execute("SELECT count(*) FROM feedback_requests").fetchone()[0] == count
