"""The registration pages over HTTP: access levels, answers, colleagues, actions, status.json."""

import json
import time

from starlette.testclient import TestClient

from portal.events import store
from tests.events.helpers import event, person, publish
from tests.portal_fixtures import BASE_URL, csrf_of, sign_in, submit

PAGE = "/account/events/akademiya/"


def post(client, slug: str, action: str, data: dict | None = None):
    return submit(client, f"/account/events/{slug}/", f"/account/events/{slug}/{action}", data or {})


def test_anonymous_visitors_are_sent_to_sign_in_and_back(client, events):
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/account/login?next=%2Faccount%2Fevents%2Fakademiya%2F"
    assert client.post("/account/events/akademiya/register", follow_redirects=False).status_code == 303


def test_an_unknown_or_forged_slug_is_404(member, events):
    for slug in ("nope", "..%2fetc", "x" * 300, "%C3%A9"):
        assert member.client.get(f"/account/events/{slug}/").status_code == 404
    assert member.client.get("/account/events/nope/status.json").status_code == 404


def test_the_page_shows_the_event_and_the_questions(member, events):
    page = member.client.get(PAGE)
    assert page.status_code == 200
    assert "Академия монтажника" in page.text and "18.02.2099 09:30" in page.text
    assert 'name="q_diet"' in page.text and "Вегетарианское" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_access_levels(registered, events, app):
    assert registered.client.get(PAGE).status_code == 200  # public: anyone signed in
    assert registered.client.get("/account/events/brief/").status_code == 200  # registered
    assert registered.client.get("/account/events/breakfast/").status_code == 403  # members only
    response = post(registered.client, "akademiya", "register", {"q_diet": "Вегетарианское"})
    assert response.status_code == 303


def test_registering_then_cancelling(member, events, app, smtp):
    response = post(member.client, "akademiya", "register", {"q_diet": "Вегетарианское", "q_ask": "Как?"})
    assert response.status_code == 303 and response.headers["location"].endswith("?notice=registered")
    row = store.active_of(app.state.portal.db, "akademiya", member.user.id)
    assert row.status == "registered" and row.answers == {"diet": "Вегетарианское", "ask": "Как?"}
    again = post(member.client, "akademiya", "register", {"q_diet": "Вегетарианское"})  # double submit
    assert again.status_code == 303
    assert len(store.of_event(app.state.portal.db, "akademiya")) == 1
    assert "Вы записаны" in member.client.get(PAGE).text
    assert post(member.client, "akademiya", "cancel").status_code == 303
    assert store.active_of(app.state.portal.db, "akademiya", member.user.id) is None
    subjects = [item.message["Subject"] for item in smtp.wait_for(2)]
    assert any("Вы записаны" in subject for subject in subjects)
    assert any("Запись отменена" in subject for subject in subjects)
    methods = {}  # the letters as received: the calendar part and its method, read back with icalendar
    for item in smtp.wait_for(2):
        from icalendar import Calendar

        [part] = [p for p in item.message.walk() if p.get_content_type() == "text/calendar"]
        methods[str(Calendar.from_ical(part.get_content())["METHOD"])] = part.get_param("method")
    assert methods == {"REQUEST": "REQUEST", "CANCEL": "CANCEL"}


def test_bad_answers_come_back_with_the_input_kept(member, events, app):
    response = post(member.client, "akademiya", "register", {"q_diet": "Мясо", "q_ask": "Почему" * 20})
    assert response.status_code == 400
    assert "Выберите один из вариантов" in response.text and "Не длиннее 50 символов" in response.text
    assert "Почему" * 20 in response.text
    missing = post(member.client, "akademiya", "register", {"q_ask": "Вопрос"})
    assert missing.status_code == 400 and "Ответьте на этот вопрос" in missing.text and "Вопрос" in missing.text
    assert store.of_event(app.state.portal.db, "akademiya") == []


def test_the_webinar_link_is_shown_only_to_registered_people(member, events, app):
    page = "/account/events/brief/"
    assert "webinar.example" not in member.client.get(page).text
    post(member.client, "brief", "register")
    assert "https://webinar.example/room-42" in member.client.get(page).text


def test_status_json_is_public_and_counts_seats(client, member, events, app):
    post(member.client, "breakfast", "register", {"q_diet": "Без ограничений"})
    anonymous = TestClient(app, base_url=BASE_URL)
    response = anonymous.get("/account/events/breakfast/status.json")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert json.loads(response.text) == {"seats_left": 1, "open": True}
    publish(app.state.portal.settings.site_dir, event("breakfast", cancelled=True))
    assert anonymous.get("/account/events/breakfast/status.json").json() == {"seats_left": 2, "open": False}


def test_colleagues_of_the_same_company_only(member, events, app):
    db = app.state.portal.db
    boris = person(db, "boris@svet-montazh.ru", name="Борис Коллегин")  # the member's company
    stranger = person(db, "vera@other.ru", company="ООО «Другая»", name="Вера Чужая")
    page = member.client.get(PAGE).text
    assert "Борис Коллегин" in page and "Вера Чужая" not in page
    forged = post(member.client, "akademiya", "register", {"who": ["me", str(stranger.id)], "q_diet": "Вегетарианское"})
    assert forged.status_code == 400
    assert store.active_of(db, "akademiya", stranger.id) is None
    both = post(member.client, "akademiya", "register", {"who": ["me", str(boris.id)], "q_diet": "Вегетарианское"})
    assert both.status_code == 303
    row = store.active_of(db, "akademiya", boris.id)
    assert row.status == "registered" and row.registered_by == member.user.id


def test_full_event_waiting_list_offer_and_accept(member, events, app):
    db = app.state.portal.db
    others = [person(db, f"p{i}@other{i}.ru", company=f"ООО «Ф{i}»") for i in range(2)]
    for other in others:
        store.register(db, events["breakfast"], other, other, {}, time.time())
    response = post(member.client, "breakfast", "register", {"q_diet": "Без ограничений"})
    assert response.headers["location"].endswith("?notice=waiting")
    assert "Место в очереди: 3" in member.client.get("/account/events/breakfast/").text
    store.cancel(db, events["breakfast"], others[0].id, others[0].id, time.time())
    assert "Занять место" in member.client.get("/account/events/breakfast/").text
    assert post(member.client, "breakfast", "accept").headers["location"].endswith("?notice=accepted")
    assert store.active_of(db, "breakfast", member.user.id).status == "registered"


def test_quota_is_a_clear_refusal(member, events, app):
    db = app.state.portal.db
    for i in range(2):
        colleague = person(db, f"c{i}@svet-montazh.ru")
        store.register(db, events["breakfast"], colleague, colleague, {}, time.time())
    response = post(member.client, "breakfast", "register", {"q_diet": "Без ограничений"})
    assert response.status_code == 409 and "От вашей компании уже записано 2" in response.text


def test_the_cabinet_card_and_list(member, events, app):
    post(member.client, "akademiya", "register", {"q_diet": "Вегетарианское"})
    cabinet = member.client.get("/account/")
    assert "Мои мероприятия" in cabinet.text and "Академия монтажника" in cabinet.text
    listing = member.client.get("/account/events/")
    assert listing.status_code == 200 and "/account/events/akademiya/" in listing.text


def test_no_events_file_means_no_events(member, app):
    assert member.client.get(PAGE).status_code == 404


def test_a_broken_events_file_means_no_events(member, app, mini_site):
    (mini_site / "events.json").write_text("{broken", encoding="utf-8")
    assert member.client.get(PAGE).status_code == 404
    assert member.client.get("/account/").status_code == 200


def test_signing_in_from_the_event_page(client, events, app):
    db = app.state.portal.db
    user = person(db, "gleb@svet-montazh.ru")
    response = sign_in(client, user.email, next_path=PAGE)
    assert response.headers["location"] == PAGE
    assert csrf_of(client.get(PAGE).text)
