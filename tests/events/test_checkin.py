"""Check-in on the day over HTTP: the list and its search, one tap, a double tap, corrections with a
note and their history, the QR code's page, 404 for ids and codes that are not this event's, and who
may open it all."""

import time

import pytest
from starlette.testclient import TestClient

from portal.events import attendance, codes, store
from tests.events.helpers import person
from tests.portal_fixtures import BASE_URL, csrf_of, make_user, sign_in

LIST = "/staff/events/akademiya/checkin"


@pytest.fixture
def guests(app, events):
    """Three registered people of two companies, one on the waiting list, one cancelled; one elsewhere."""
    db, now = app.state.portal.db, time.time()
    people = {"anna": person(db, "anna@svet.example", name="Анна Светлова"),
              "boris": person(db, "boris@svet.example", name="Борис Монтажов"),
              "vera": person(db, "vera@lampa.example", company="ООО «Лампа»", name="Вера Лампова"),
              "gleb": person(db, "gleb@lampa.example", company="ООО «Лампа»", name="Глеб Ждущий"),
              "dina": person(db, "dina@lampa.example", company="ООО «Лампа»", name="Дина Отменова")}
    rows = {key: store.register(db, events["akademiya"], user, user, {"diet": "Вегетарианское"}, now).registration
            for key, user in people.items() if key != "dina"}  # capacity 3: gleb waits
    rows["dina"] = store.register(db, events["brief"], people["dina"], people["dina"], {}, now).registration
    store.cancel(db, events["brief"], people["dina"].id, people["dina"].id, now)
    rows["dina"] = store.get(db, rows["dina"].id)
    return rows


def tap(client, registration_id: int, data: dict | None = None, slug: str = "akademiya", page: str = LIST):
    token = csrf_of(client.get(page).text)
    return client.post(f"/staff/events/{slug}/checkin/{registration_id}", data={"csrf": token, **(data or {})},
                       follow_redirects=False)


def test_the_list_shows_the_registered_people_and_the_count(manager, guests):
    page = manager.client.get(LIST)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    for name in ("Анна Светлова", "Борис Монтажов", "Вера Лампова"):
        assert name in page.text
    assert "Глеб Ждущий" not in page.text  # the waiting list has no seat to check in
    assert "Пришли 0 из 3" in page.text and "/_portal/static/checkin.js" in page.text
    assert page.text.count('name="present" value="1"') == 3


@pytest.mark.parametrize(("query", "found"), [("анна", ["Анна"]), ("LAMPA.example", ["Вера"]),
                                              ("свет-монтаж", ["Анна", "Борис"]), ("борис свет", ["Борис"]),
                                              ("никто", [])])
def test_the_search_filters_on_the_server(manager, guests, query, found):
    page = manager.client.get(LIST, params={"q": query}).text
    shown = [name for name in ("Анна", "Борис", "Вера") if f"{name} " in page]
    assert shown == found
    assert ("data-checkin-none hidden" in page) == bool(found)  # "nobody found" shows only when so


def test_one_tap_checks_in_and_returns_to_the_same_search_and_row(manager, guests, app):
    anna = guests["anna"]
    response = tap(manager.client, anna.id, {"q": "свет"}, page=LIST + "?q=свет")
    assert response.status_code == 303
    assert response.headers["location"] == f"{LIST}?q=%D1%81%D0%B2%D0%B5%D1%82&notice=here#r{anna.id}"
    assert attendance.present_now(app.state.portal.db, anna.id) is True
    page = manager.client.get(LIST).text
    assert "Пришли 1 из 3" in page and page.count('name="present" value="1"') == 2


def test_a_double_tap_writes_one_row(manager, guests, app):
    anna = guests["anna"]
    assert tap(manager.client, anna.id).status_code == 303
    again = tap(manager.client, anna.id)
    assert again.status_code == 303 and "notice=same" in again.headers["location"]
    assert len(attendance.history(app.state.portal.db, anna.id)) == 1


def test_a_correction_with_a_note_is_a_new_row_in_the_history(manager, guests, app):
    boris = guests["boris"]
    person_page = f"{LIST}/{boris.id}"
    tap(manager.client, boris.id)
    response = tap(manager.client, boris.id, {"present": "0", "note": "Ушёл до начала", "back": "person"},
                   page=person_page)
    assert response.status_code == 303 and response.headers["location"] == f"{person_page}?notice=absent"
    tap(manager.client, boris.id, {"present": "1", "note": "Вернулся после обеда", "back": "person"},
        page=person_page)
    marks = attendance.history(app.state.portal.db, boris.id)
    assert [(mark.present, mark.note) for mark in marks] == [(True, ""), (False, "Ушёл до начала"),
                                                             (True, "Вернулся после обеда")]
    page = manager.client.get(person_page).text
    history = page.split("История отметок", 1)[1]
    assert "Ушёл до начала" in history and "Вернулся после обеда" in history
    assert history.count("Ольга Кураторова") == 3  # who made each mark


def test_a_too_long_note_comes_back_with_the_input_kept(manager, guests, app):
    note = "Очень длинно " * 50
    response = tap(manager.client, guests["vera"].id, {"present": "0", "note": note, "back": "person"})
    assert response.status_code == 400 and "Не длиннее 500 символов" in response.text
    assert note.strip() in response.text and attendance.history(app.state.portal.db, guests["vera"].id) == []


def test_ids_of_another_event_or_none_at_all_are_404(manager, guests, app):
    last = max(row.id for row in guests.values())
    for number in range(1, last + 3):
        row = store.get(app.state.portal.db, number)
        expected = 200 if row is not None and row.event == "akademiya" else 404
        assert manager.client.get(f"{LIST}/{number}").status_code == expected, number
    for bad in ("0", "x", "-1", "99999999999999999999", "%C2%B2"):
        assert manager.client.get(f"{LIST}/{bad}").status_code == 404
    dina = guests["dina"].id  # brief's registration, posted to akademiya's path
    assert tap(manager.client, dina).status_code == 404
    assert manager.client.get("/staff/events/nope/checkin").status_code == 404


def test_a_cancelled_registration_cannot_be_checked_in(manager, guests, app):
    dina = guests["dina"]
    page = f"/staff/events/brief/checkin/{dina.id}"
    response = tap(manager.client, dina.id, {"back": "person"}, slug="brief", page=page)
    assert response.status_code == 409 and "отметить его нельзя" in response.text
    assert attendance.history(app.state.portal.db, dina.id) == []


def test_the_qr_code_opens_that_person_with_one_big_button(manager, guests, app):
    secret = app.state.portal.settings.secret_key
    anna = guests["anna"]
    path = f"/staff/events/checkin/{codes.checkin_code(secret, anna.id)}"
    page = manager.client.get(path)
    assert page.status_code == 200 and "Анна Светлова" in page.text and "ООО «Свет-Монтаж»" in page.text
    assert "Академия монтажника" in page.text and "Ещё не отмечен" in page.text
    response = tap(manager.client, anna.id, {"back": "person", "present": "1"}, page=path)
    assert response.status_code == 303 and attendance.present_now(app.state.portal.db, anna.id) is True
    assert "Уже отмечен" in manager.client.get(path).text
    cancelled = manager.client.get(f"/staff/events/checkin/{codes.checkin_code(secret, guests['dina'].id)}")
    assert cancelled.status_code == 200 and "отметить его нельзя" in cancelled.text
    assert 'name="present"' not in cancelled.text


def test_bad_or_altered_codes_are_404(manager, guests, app):
    secret = app.state.portal.settings.secret_key
    good = codes.checkin_code(secret, guests["anna"].id)
    for code in (good[:-1] + ("A" if good[-1] != "A" else "B"), "x", "x" * 300, codes.certificate_code(
            secret, guests["anna"].id), codes.checkin_code(secret, 999_999), codes.checkin_code("other" * 8, 1)):
        assert manager.client.get(f"/staff/events/checkin/{code}").status_code == 404, code


def test_only_staff_and_admins_may_open_check_in(app, client, member, guests):
    paths = [LIST, f"{LIST}/{guests['anna'].id}",
             f"/staff/events/checkin/{codes.checkin_code(app.state.portal.settings.secret_key, guests['anna'].id)}"]
    assert member.client.post(f"{LIST}/{guests['anna'].id}", follow_redirects=False).status_code == 403
    for role, expected in (("member", 403), ("moderator", 403), ("editor", 403), ("admin", 200)):
        if role != "member":
            make_user(app.state.portal.db, f"{role}@club.example", role=role)
        with TestClient(app, base_url=BASE_URL) as other:
            sign_in(other, member.email if role == "member" else f"{role}@club.example")
            for path in paths:
                assert other.get(path, follow_redirects=False).status_code == expected, (role, path)
    with TestClient(app, base_url=BASE_URL) as anonymous:
        for path in paths:
            response = anonymous.get(path, follow_redirects=False)
            assert response.status_code == 303 and response.headers["location"].startswith("/account/login")


def test_the_script_and_styles_are_served(client):
    for name in ("checkin.js", "checkin.css"):
        assert client.get(f"/_portal/static/{name}").status_code == 200
