"""A person's own answers, changed on the event page until it starts — also by someone a colleague
registered (the colleague's form asked only the registering person's questions)."""

import time

from portal.events import store
from tests.events.helpers import event, publish
from tests.portal_fixtures import submit

PAGE = "/account/events/akademiya/"


def answer(client, data: dict):
    return submit(client, PAGE, "/account/events/akademiya/answers", data)


def registered_by_colleague(member, app):
    db = app.state.portal.db
    store.register(db, event(), member.user, member.user, {}, time.time())  # as a colleague's form does
    return db


def test_someone_registered_by_a_colleague_is_asked_and_answers(member, events, app):
    db = registered_by_colleague(member, app)
    page = member.client.get(PAGE).text
    assert "нужен ваш ответ" in page and 'action="/account/events/akademiya/answers"' in page
    response = answer(member.client, {"q_diet": "Вегетарианское", "q_ask": "Про DALI"})
    assert response.status_code == 303 and response.headers["location"].endswith("?notice=answers")
    assert store.active_of(db, "akademiya", member.user.id).answers == {"diet": "Вегетарианское", "ask": "Про DALI"}
    assert "нужен ваш ответ" not in member.client.get(PAGE).text
    log = db.execute("SELECT action, old FROM event_registration_log WHERE action = 'answers'").fetchall()
    assert log == [("answers", "{}")]  # the old answers stay in the history


def test_bad_answers_come_back_with_the_input_kept(member, events, app):
    db = registered_by_colleague(member, app)
    response = answer(member.client, {"q_diet": "Жареное", "q_ask": "x" * 51})
    assert response.status_code == 400
    assert "x" * 51 in response.text and "Не длиннее 50 символов" in response.text
    assert "Выберите один из вариантов" in response.text
    assert store.active_of(db, "akademiya", member.user.id).answers == {}


def test_no_row_or_a_started_event_changes_nothing(member, events, app, mini_site):
    assert answer(member.client, {"q_diet": "Вегетарианское"}).headers["location"] == PAGE  # not registered
    db = registered_by_colleague(member, app)
    publish(mini_site, event(starts="2000-01-01T10:00:00+05:00", register_until="2000-01-01T09:00:00+05:00"))
    assert answer(member.client, {"q_diet": "Вегетарианское"}).headers["location"] == PAGE
    assert store.active_of(db, "akademiya", member.user.id).answers == {}
