"""The answer pages: signed score links (forged, another wave's, another person's: 404), a link scanner's GET
counts nothing, the one press (POST) counts once, a replayed link changes the answer only by POST; the
opt-out link; the cabinet's page, card, dismiss and switch; a walk over wave ids."""

from __future__ import annotations

import time

from portal.surveys import store
from portal.surveys.waves import OPT_OUT
from tests.portal_fixtures import submit
from tests.surveys.helpers import members, start, token


def url(settings, wave_id, user_id, value) -> str:
    return f"/surveys/a/{token(settings, wave_id, user_id, value)}"


def scores(db, wave_id) -> list[tuple[int, int]]:
    return [(a.user_id, a.score) for a in store.answers(db, wave_id)]


def test_scanner_get_counts_nothing(app, client, settings):
    db = app.state.portal.db
    person = members(db, 1)[0]
    wave, _ = start(db, settings)
    for n in range(11):                                       # a corporate scanner opens every link
        page = client.get(url(settings, wave.id, person.id, n))
        assert page.status_code == 200
    assert 'value="10" checked' in page.text
    assert scores(db, wave.id) == []


def test_confirm_counts_once(app, client, settings):
    db = app.state.portal.db
    person = members(db, 1)[0]
    wave, _ = start(db, settings)
    link = url(settings, wave.id, person.id, 7)
    data = {"score": "7", "why": "Быстрая доставка"}
    first = submit(client, link, link, data)
    second = submit(client, link, link, data)                 # a double click, a resent form
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == link + "?done=1"
    assert scores(db, wave.id) == [(person.id, 7)]
    assert "Спасибо" in client.get(link + "?done=1").text


def test_replayed_link_changes_only_by_post(app, client, settings):
    db = app.state.portal.db
    person = members(db, 1)[0]
    wave, _ = start(db, settings)
    link = url(settings, wave.id, person.id, 9)
    submit(client, link, link, {"score": "9", "why": ""})
    other = url(settings, wave.id, person.id, 2)
    assert client.get(other).status_code == 200               # the old letter's "2": shown, not counted
    assert scores(db, wave.id) == [(person.id, 9)]
    submit(client, other, other, {"score": "2", "why": "передумал"})
    assert scores(db, wave.id) == [(person.id, 2)]


def test_forged_and_foreign_tokens_are_refused(app, client, settings):
    db = app.state.portal.db
    person, other = members(db, 2)
    wave, _ = start(db, settings)
    genuine = token(settings, wave.id, person.id, 9)
    forged = genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")
    assert client.get(f"/surveys/a/{forged}").status_code == 404
    assert client.get("/surveys/a/not-a-token").status_code == 404
    assert client.get(url(settings, wave.id + 1, person.id, 9)).status_code == 404    # another wave's
    later = members(db, 1, "late")[0]                                                 # not asked by this wave
    assert client.get(url(settings, wave.id, later.id, 9)).status_code == 404
    csrf = client.get(url(settings, wave.id, person.id, 9)).text.split('name="csrf" value="')[1].split('"')[0]
    response = client.post(f"/surveys/a/{forged}", data={"csrf": csrf, "score": "9"}, follow_redirects=False)
    assert response.status_code == 404 and scores(db, wave.id) == []


def test_another_persons_link_is_refused_while_signed_in(app, member, settings):
    db = app.state.portal.db
    other = members(db, 1)[0]
    wave, _ = start(db, settings)
    assert member.client.get(url(settings, wave.id, other.id, 9)).status_code == 404
    assert member.client.get(url(settings, wave.id, member.user.id, 9)).status_code == 200


def test_bad_input_keeps_the_form(app, client, settings):
    db = app.state.portal.db
    person = members(db, 1)[0]
    wave, _ = start(db, settings)
    link = url(settings, wave.id, person.id, 5)
    for data in ({"score": "", "why": "Мой текст"}, {"score": "11", "why": "Мой текст"},
                 {"score": "٣", "why": "Мой текст"}, {"score": "5", "why": "x" * 2001}):
        response = submit(client, link, link, data)
        assert response.status_code == 400
        assert "p-error" in response.text and data["why"][:50] in response.text
    assert scores(db, wave.id) == []


def test_closed_wave_takes_no_answer(app, client, settings):
    db = app.state.portal.db
    person = members(db, 1)[0]
    wave, _ = start(db, settings, now=time.time() - 31 * 86400)
    link = url(settings, wave.id, person.id, 9)
    assert "закрыт" in client.get(link).text
    csrf = client.get(link).text.split('name="csrf" value="')
    token_value = csrf[1].split('"')[0] if len(csrf) > 1 else client.get("/account/login").text.split(
        'name="csrf" value="')[1].split('"')[0]
    response = client.post(link, data={"csrf": token_value, "score": "9"}, follow_redirects=False)
    assert response.status_code == 400 and scores(db, wave.id) == []


def test_opt_out_link(app, client, settings):
    db = app.state.portal.db
    person = members(db, 1)[0]
    wave, _ = start(db, settings)
    link = url(settings, wave.id, person.id, OPT_OUT)
    assert client.get(link).status_code == 200 and not store.opted_out(db, person.id)   # GET: only asks
    assert submit(client, link, link, {}).status_code == 303
    assert store.opted_out(db, person.id)


def test_cabinet_card_page_dismiss_and_switch(app, member, settings):
    db = app.state.portal.db
    wave, _ = start(db, settings)
    cabinet = member.client.get("/account/")
    assert f"/account/surveys/{wave.id}/?score=9" in cabinet.text
    page = member.client.get(f"/account/surveys/{wave.id}/?score=9")
    assert page.status_code == 200 and 'value="9" checked' in page.text and scores(db, wave.id) == []
    answer = f"/account/surveys/{wave.id}/"
    assert submit(member.client, answer, answer, {"score": "9", "why": "ok"}).status_code == 303
    assert scores(db, wave.id) == [(member.user.id, 9)]
    assert f"/account/surveys/{wave.id}/?score" not in member.client.get("/account/").text
    assert submit(member.client, "/account/", "/account/surveys/switch", {"surveys": "out"}).status_code == 303
    assert store.opted_out(db, member.user.id)
    assert submit(member.client, "/account/", "/account/surveys/switch", {"surveys": "in"}).status_code == 303
    assert not store.opted_out(db, member.user.id)


def test_dismiss_hides_the_card(app, member, settings):
    db = app.state.portal.db
    wave, _ = start(db, settings)
    response = submit(member.client, "/account/", f"/account/surveys/{wave.id}/dismiss", {})
    assert response.status_code == 303
    assert f"/account/surveys/{wave.id}/?score" not in member.client.get("/account/").text


def test_wave_id_walk(app, member, settings):
    db = app.state.portal.db
    members(db, 1)
    store.set_opt_out(db, member.user.id, True, time.time())
    wave, _ = start(db, settings)                              # asked the others, not this member
    for wave_id in (wave.id, wave.id + 1, 0, "x", 99999999999999999999):
        assert member.client.get(f"/account/surveys/{wave_id}/").status_code == 404
    response = submit(member.client, "/account/", f"/account/surveys/{wave.id}/", {"score": "9"})
    assert response.status_code == 404 and scores(db, wave.id) == []


def test_staff_see_no_survey_card(app, manager, settings):
    assert "/account/surveys/switch" not in manager.client.get("/account/").text


def test_pages_in_english(app, client, manager, settings):
    db = app.state.portal.db
    person = members(db, 1)[0]
    wave, _ = start(db, settings)
    page = client.get(url(settings, wave.id, person.id, 3) + "?lang=en")
    assert "How likely are you to recommend Клуб to a colleague?" in page.text and "Send my answer" in page.text
    report = manager.client.get(f"/staff/surveys/{wave.id}/?lang=en")
    assert "Response rate" in report.text and "Trend across waves" in report.text
    assert "NPS surveys" in manager.client.get("/staff/surveys/?lang=en").text
