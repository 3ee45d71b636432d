"""The question after the event over HTTP: 0–10 and why, kept once, bad input back with the problem named."""

from portal.events import ratings
from tests.events.after_helpers import attend, on_site, past_event, person
from tests.events.helpers import event
from tests.portal_fixtures import submit

RATE = "/account/events/akademiya/rate"


def test_a_registered_person_answers_once(member, app, mini_site):
    entry = past_event()
    on_site(mini_site, entry)
    row = attend(app.state.portal.db, entry, member.user, present=None)  # not checked in: may answer too
    form = member.client.get(RATE)
    assert form.status_code == 200 and 'name="score" value="10"' in form.text
    response = submit(member.client, RATE, RATE, {"score": "9", "why": "Много практики"})
    assert response.status_code == 303 and response.headers["location"].endswith("?notice=thanks")
    assert "Спасибо за ответ" in member.client.get(response.headers["location"]).text
    again = submit(member.client, RATE, RATE, {"score": "1", "why": "иначе"})  # a second tab, say
    assert again.status_code == 303
    assert "вы уже ответили: 9 из 10" in member.client.get(RATE).text
    saved = ratings.of_registration(app.state.portal.db, row.id)
    assert (saved.score, saved.comment) == (9, "Много практики")


def test_a_bad_score_comes_back_with_the_input_kept(member, app, mini_site):
    entry = past_event()
    on_site(mini_site, entry)
    attend(app.state.portal.db, entry, member.user)
    for bad in ("", "11", "abc", "-1"):
        response = submit(member.client, RATE, RATE, {"score": bad, "why": "Мой ответ"})
        assert response.status_code == 400 and "Выберите оценку от 0 до 10" in response.text
        assert "Мой ответ" in response.text
    response = submit(member.client, RATE, RATE, {"score": "5", "why": "я" * 2001})
    assert response.status_code == 400 and "Не длиннее 2000 символов" in response.text
    assert 'value="5" checked' in response.text
    assert ratings.scores(app.state.portal.db, "akademiya") == []


def test_only_own_registered_rows_after_the_start(member, app, mini_site):
    db = app.state.portal.db
    done, other, coming = past_event(), past_event("other"), event("coming")
    on_site(mini_site, done, other, coming)
    attend(db, other, person(db, "boris@example.ru"))
    attend(db, coming, member.user, present=None)
    assert member.client.get(RATE).status_code == 404  # not registered
    assert member.client.get("/account/events/other/rate").status_code == 404  # Boris's event
    assert member.client.get("/account/events/coming/rate").status_code == 404  # registered, not started
    assert member.client.get("/account/events/nope/rate").status_code == 404
