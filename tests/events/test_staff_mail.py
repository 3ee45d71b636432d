""""E-mail all registered people": one personal letter each, the Markdown rendered and cleaned, the
waiting list only when asked, and a double submit sends nothing twice."""

import re
import time

import pytest

from portal.events import store
from tests.events.helpers import person
from tests.portal_fixtures import csrf_of

PAGE = "/staff/events/akademiya/mail"
BODY = "Возьмите **каску**.\n\n<script>alert(1)</script>[сайт](javascript:alert(1))"


@pytest.fixture
def crowd(app, events):
    """akademiya (3 seats): three registered, one waiting, one who cancelled."""
    db = app.state.portal.db
    people = [person(db, f"p{i}@example.ru", company=f"ООО «{i}»", name=f"Участник {i}") for i in range(5)]
    for someone in people:
        store.register(db, events["akademiya"], someone, someone, {"diet": "Вегетарианское"}, time.time())
    store.cancel(db, events["akademiya"], people[2].id, people[2].id, time.time())
    store.accept_offer(db, events["akademiya"], people[3].id, time.time())  # the freed seat, taken
    return people


def form(manager) -> dict:
    page = manager.client.get(PAGE).text
    nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)
    return {"csrf": csrf_of(page), "nonce": nonce, "subject": "Что взять с собой", "body": BODY}


def send(manager, data: dict):
    return manager.client.post(PAGE, data=data, follow_redirects=False)


def test_each_registered_person_gets_one_personal_letter(manager, crowd, smtp):
    response = send(manager, form(manager))
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/events/akademiya/?notice=mailed&count=3"
    received = smtp.wait_for(3)
    assert sorted(item.recipients[0] for item in received) == ["p0@example.ru", "p1@example.ru", "p3@example.ru"]
    message = received[0].message
    assert message["Subject"] == "Что взять с собой"
    html = message.get_body(("html",)).get_content()
    assert "<strong>каску</strong>" in html and "<script>" not in html and "javascript:" not in html
    assert "Академия монтажника" in message.get_body(("plain",)).get_content()
    assert "Писем отправлено: 3" in manager.client.get(response.headers["location"]).text


def test_a_double_submit_sends_nothing_twice(manager, crowd, smtp):
    data = form(manager)
    assert send(manager, data).headers["location"].endswith("count=3")
    again = send(manager, data)
    assert again.headers["location"] == "/staff/events/akademiya/?notice=already_mailed&count=0"
    assert len(smtp.wait_for(3)) == 3  # the test client returns after the background sending: all are in


def test_the_waiting_list_too_when_ticked(manager, crowd, smtp):
    response = send(manager, {**form(manager), "waiting": "yes"})
    assert response.headers["location"].endswith("count=4")
    assert "p4@example.ru" in {item.recipients[0] for item in smtp.wait_for(4)}


def test_a_missing_subject_or_body_comes_back_with_the_input_kept(manager, crowd, smtp):
    response = send(manager, {**form(manager), "subject": "", "waiting": "yes"})
    assert response.status_code == 400 and "Напишите тему письма" in response.text
    assert "Возьмите **каску**." in response.text and 'name="waiting" value="yes" checked' in response.text
    empty = send(manager, {**form(manager), "body": "  "})
    assert empty.status_code == 400 and "Напишите текст письма" in empty.text
    assert send(manager, {**form(manager), "nonce": "short"}).status_code == 400
    assert smtp.received == []
