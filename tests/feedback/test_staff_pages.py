"""The staff inbox: who may open it, filters, the request page, reply with a letter, notes, owner and status,
the question draft for editors."""

import re

import pytest

from portal.core.companies import set_details
from portal.feedback import store
from portal.feedback.model import Filters
from tests.feedback.conftest import browser_for
from tests.feedback.helpers import new_request, person
from tests.portal_fixtures import BASE_URL, csrf_of, last_link


@pytest.mark.parametrize("role", [None, "moderator", "editor"])
def test_only_staff_and_admins_open_the_inbox(app, role):
    db = app.state.portal.db
    author = person(db, "someone@club.example", role=role, name="Не сотрудник")
    request_id = new_request(db, author)
    browser = browser_for(app, "someone@club.example")
    for url in ("/staff/feedback/", f"/staff/feedback/{request_id}", f"/staff/feedback/{request_id}/question.md"):
        assert browser.get(url).status_code == 403, url
    assert browser.post(f"/staff/feedback/{request_id}/reply", data={"csrf": "x", "body": "x"}).status_code == 403


def test_admins_open_it_and_anonymous_visitors_are_sent_to_sign_in(app, client):
    person(app.state.portal.db, "admin@club.example", role="admin", name="Админ")
    assert browser_for(app, "admin@club.example").get("/staff/feedback/").status_code == 200
    assert client.get("/staff/feedback/", follow_redirects=False).headers["location"].startswith("/account/login")


def test_inbox_filters_and_ideas_by_support(app, staff):
    db = app.state.portal.db
    a = person(db, "petr@svet-montazh.ru")
    b = person(db, "olga@lumen.ru", company="ООО «Люмен»", name="Ольга")
    complaint = new_request(db, a, kind="complaint", subject="Жалоба на доставку")
    new_request(db, b, kind="idea", subject="Маленькая идея")
    big = new_request(db, a, kind="idea", subject="Большая идея")
    db.execute("UPDATE feedback_requests SET supporters = 7 WHERE id = ?", [big])
    store.set_owner(db, complaint, staff.user.id, staff.user.id)

    def subjects(query):
        html = staff.get("/staff/feedback/?" + query).text
        return re.findall(r'<a href="/staff/feedback/\d+">([^<]+)</a>', html)

    assert subjects("") == ["Большая идея", "Маленькая идея", "Жалоба на доставку"]
    assert subjects("kind=idea&sort=support") == ["Большая идея", "Маленькая идея"]
    assert subjects("kind=complaint") == ["Жалоба на доставку"]
    assert subjects(f"owner={staff.user.id}") == ["Жалоба на доставку"]
    assert subjects("owner=none") == ["Большая идея", "Маленькая идея"]
    assert subjects("company=люмен") == ["Маленькая идея"]
    set_details(db, b.company_id, "installers", None, None)
    assert subjects("segment=installers") == ["Маленькая идея"] and subjects("segment=designers") == []
    assert subjects("status=closed") == []
    assert subjects("status=bogus&kind=²&owner=-1&page=0") == ["Большая идея", "Маленькая идея", "Жалоба на доставку"]


def test_the_inbox_is_paginated(app, staff):
    db = app.state.portal.db
    author = person(db, "petr@svet-montazh.ru")
    for number in range(store.INBOX_PAGE + 2):
        new_request(db, author, subject=f"Обращение {number}")
    first = staff.get("/staff/feedback/?kind=question").text
    assert len(re.findall(r'<a href="/staff/feedback/\d+">', first)) == store.INBOX_PAGE
    second = staff.get("/staff/feedback/?kind=question&page=2").text
    assert "Обращение 0<" in second and "Обращение 1<" in second
    assert 'href="/staff/feedback/?kind=question&amp;page=1"' in second


def test_a_staff_reply_reaches_the_partner_by_mail_with_the_cabinet_link(app, staff, smtp):
    db = app.state.portal.db
    author = person(db, "petr@svet-montazh.ru", name="Пётр Лампов")
    request_id = new_request(db, author, subject="Нужен файл LDT")
    page = staff.get(f"/staff/feedback/{request_id}").text
    note = staff.post(f"/staff/feedback/{request_id}/note",
                      data={"csrf": csrf_of(page), "body": "Спросить у инженеров"}, follow_redirects=False)
    assert note.status_code == 303
    reply = staff.post(f"/staff/feedback/{request_id}/reply",
                       data={"csrf": csrf_of(page), "body": "Файл **LDT** приложим сегодня."}, follow_redirects=False)
    assert reply.status_code == 303
    assert last_link(smtp, 1, "/account/requests/") == f"/account/requests/{request_id}"
    message = smtp.wait_for(1)[0]
    assert message.recipients == ["petr@svet-montazh.ru"] and "Нужен файл LDT" in str(message.message["Subject"])
    text = message.message.get_body(("plain",)).get_content()
    assert "Файл LDT приложим сегодня." in text and "Спросить у инженеров" not in text
    found = store.get_request(db, request_id)
    assert found.status == "answered" and found.first_reply_at is not None
    [(_created, _replied, counted)] = store.reply_times(db, Filters())
    assert counted is not None and counted >= 0  # the working time, counted with the club's hours when replied
    html = staff.get(f"/staff/feedback/{request_id}").text
    assert "Спросить у инженеров" in html and "question.md" in html


def test_the_owner_hears_when_the_partner_replies(app, staff, smtp):
    db = app.state.portal.db
    author = person(db, "petr@svet-montazh.ru", name="Пётр Лампов")
    request_id = new_request(db, author)
    store.set_owner(db, request_id, staff.user.id, staff.user.id)
    browser = browser_for(app, "petr@svet-montazh.ru")
    page = browser.get(f"/account/requests/{request_id}").text
    browser.post(f"/account/requests/{request_id}/reply", data={"csrf": csrf_of(page), "body": "Есть новости?"})
    message = smtp.wait_for(1)[0]
    assert message.recipients == ["manager@club.example"]
    assert f"{BASE_URL}/staff/feedback/{request_id}" in message.message.get_body(("plain",)).get_content()


def test_owner_status_and_close_are_saved_and_logged(app, staff):
    db = app.state.portal.db
    author = person(db, "petr@svet-montazh.ru")
    request_id = new_request(db, author)
    page = staff.get(f"/staff/feedback/{request_id}").text
    saved = staff.post(f"/staff/feedback/{request_id}/change",
                       data={"csrf": csrf_of(page), "owner": str(staff.user.id), "status": "waiting"},
                       follow_redirects=False)
    assert saved.status_code == 303
    found = store.get_request(db, request_id)
    assert found.owner_id == staff.user.id and found.status == "waiting"
    staff.post(f"/staff/feedback/{request_id}/change", data={"csrf": csrf_of(page), "owner": str(staff.user.id),
                                                              "close": "1"})
    assert store.get_request(db, request_id).status == "closed"
    for bad in ({"owner": str(author.id)}, {"owner": "x"}, {"status": "lost"}):  # the partner is not staff
        assert staff.post(f"/staff/feedback/{request_id}/change",
                          data={"csrf": csrf_of(page), **bad}).status_code == 400, bad
    html = staff.get(f"/staff/feedback/{request_id}").text
    assert "Ждём информацию → Закрыто" in html


def test_an_answered_question_downloads_as_a_page_draft(app, staff):
    db = app.state.portal.db
    request_id = new_request(db, person(db, "petr@svet-montazh.ru"), subject='Драйвер: "700 мА" или 1050?')
    assert staff.get(f"/staff/feedback/{request_id}/question.md").status_code == 404  # nothing answered yet
    store.add_message(db, store.get_request(db, request_id), staff.user, "staff", "Берите **700 мА**.")
    response = staff.get(f"/staff/feedback/{request_id}/question.md")
    assert response.headers["content-disposition"] == f'attachment; filename="question-{request_id}.md"'
    text = response.text
    assert text.startswith("---\ntitle: 'Драйвер: \"700 мА\" или 1050?'\n")
    assert "access: members" in text and "## Вопрос\n\nНужен драйвер на **700 мА** для панели." in text
    assert text.rstrip().endswith("## Ответ\n\nБерите **700 мА**.")
    import yaml

    front = yaml.safe_load(text.split("---")[1])
    assert set(front) == {"title", "summary", "date", "access", "tags"}
