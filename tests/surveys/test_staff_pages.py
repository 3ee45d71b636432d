"""Staff pages: the waves and the form (bad input: 400 with the form kept), a wave's report (score, counts,
margin, breakdowns, "too few", trend, why), the CSV/XLSX download; members and readers are refused."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from portal.surveys import store
from tests.portal_fixtures import submit
from tests.surveys.helpers import members, start


def test_member_cannot_open_staff_pages(app, member, settings):
    wave, _ = start(app.state.portal.db, settings)
    for path in ("/staff/surveys/", f"/staff/surveys/{wave.id}/", f"/staff/surveys/{wave.id}/answers.csv",
                 f"/staff/surveys/{wave.id}/answers.xlsx"):
        assert member.client.get(path).status_code == 403
    response = member.client.post("/staff/surveys/", data={"title": "x"}, follow_redirects=False)
    assert response.status_code in (400, 403) and store.waves(app.state.portal.db) == [wave]


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/staff/surveys/", follow_redirects=False)
    assert response.status_code == 303 and "/account/login" in response.headers["location"]


def test_staff_start_a_wave(app, manager):
    db = app.state.portal.db
    people = members(db, 2, segment="installers")
    members(db, 1, "des", company="ООО «Проект Люкс»", segment="designers")
    response = submit(manager.client, "/staff/surveys/", "/staff/surveys/",
                      {"title": "Зима", "subject": "Клуб «Лиор»", "when": "now", "segments": ["installers"]})
    assert response.status_code == 303, response.text
    wave = store.latest_wave(db)
    assert response.headers["location"] == f"/staff/surveys/{wave.id}/?created=1"
    assert (wave.title, wave.subject, wave.audience.segments) == ("Зима", "Клуб «Лиор»", ["installers"])
    assert store.asked_recipients(db, wave.id) == [p.id for p in people]
    assert wave.newsletter_id is not None
    page = manager.client.get(response.headers["location"])
    assert page.status_code == 200 and "Зима" in page.text


def test_next_slot_is_later(app, manager):
    db = app.state.portal.db
    members(db, 1)
    submit(manager.client, "/staff/surveys/", "/staff/surveys/", {"title": "Слот", "subject": "Клуб", "when": "slot"})
    wave = store.latest_wave(db)
    assert wave.send_at > wave.created_at


def test_bad_input_keeps_the_form(app, manager):
    db = app.state.portal.db
    members(db, 1, segment="installers")
    cases = [
        ({"title": "", "subject": "Клуб", "when": "now"}, "title"),
        ({"title": "x" * 121, "subject": "Клуб", "when": "now"}, "title"),
        ({"title": "Волна", "subject": "", "when": "now"}, "subject"),
        ({"title": "Волна", "subject": "Клуб", "when": "tomorrow"}, "when"),
        ({"title": "Волна", "subject": "Клуб", "when": "now", "segments": ["nonsense"]}, "segments"),
        ({"title": "Волна", "subject": "Клуб", "when": "now", "tiers": ["9"]}, "tiers"),
        ({"title": "Волна", "subject": "Клуб", "when": "now", "event": "no-such-event"}, "event"),
    ]
    for data, field in cases:
        response = submit(manager.client, "/staff/surveys/", "/staff/surveys/", data)
        assert response.status_code == 400, (field, response.status_code)
        assert "p-error" in response.text
        if data["title"]:
            assert f'value="{data["title"]}"' in response.text
    assert store.waves(db) == []


def test_nobody_to_ask_is_a_400(app, manager):
    response = submit(manager.client, "/staff/surveys/", "/staff/surveys/",
                      {"title": "Пусто", "subject": "Клуб", "when": "now"})
    assert response.status_code == 400 and 'value="Пусто"' in response.text


def test_report_page(app, manager, settings):
    db = app.state.portal.db
    people = members(db, 10, segment="installers", region="central") + members(db, 2, "d", company="ООО «Проект Люкс»",
                                                                                 segment="designers")
    wave, _ = start(db, settings, title="Весна")
    for person, score in zip(people, [10, 10, 9, 9, 9, 8, 7, 6, 3, 0, 9, 2], strict=True):
        store.answer(db, wave, person.id, score, f"причина {score}")
    page = manager.client.get(f"/staff/surveys/{wave.id}/")
    assert page.status_code == 200
    # 12 answers: 6 promoters, 2 passives, 4 detractors -> 100 * 2 / 12 = 16.67 -> +17
    assert '<strong id="nps-value">+17</strong>' in page.text
    assert '<strong id="nps-answers">12</strong>' in page.text
    assert "100 %" in page.text                                  # 12 of 12 asked
    assert "мало ответов" in page.text                           # designers: 2 answers
    assert "причина 3" in page.text and "Весна" in page.text
    assert manager.client.get(f"/staff/surveys/{wave.id + 1}/").status_code == 404
    assert manager.client.get("/staff/surveys/x/").status_code == 404
    assert manager.client.get("/staff/surveys/99999999999999999999/").status_code == 404


def test_downloads(app, manager, settings):
    db = app.state.portal.db
    person = members(db, 1)[0]
    wave, _ = start(db, settings)
    store.answer(db, wave, person.id, 4, "=HYPERLINK(\"x\")")
    csv = manager.client.get(f"/staff/surveys/{wave.id}/answers.csv")
    assert csv.status_code == 200 and csv.headers["cache-control"] == "no-store"
    text = csv.content.decode("utf-8-sig")
    assert person.email in text and "критик" in text and "'=HYPERLINK" in text
    xlsx = manager.client.get(f"/staff/surveys/{wave.id}/answers.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == person.email and rows[1][7] == 4


def test_list_shows_the_trend(app, manager, settings):
    db = app.state.portal.db
    person = members(db, 1)[0]
    wave, _ = start(db, settings, title="Первая")
    store.answer(db, wave, person.id, 10, "")
    page = manager.client.get("/staff/surveys/")
    assert page.status_code == 200 and "Первая" in page.text and "+100" in page.text
