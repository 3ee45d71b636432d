"""/staff/events/: the list of events, one event's registrations with filters, adding and removing people,
the CSV and XLSX downloads."""

import csv
import io
import time
from datetime import datetime

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from starlette.testclient import TestClient

from portal.core import companies
from portal.events import store
from tests.events.helpers import event, person, publish
from tests.portal_fixtures import BASE_URL, make_user, sign_in, submit

PAGE = "/staff/events/akademiya/"
PATHS = ["/staff/events/", PAGE, PAGE + "export.csv", PAGE + "export.xlsx", PAGE + "mail"]


@pytest.fixture
def crowd(app, events):
    """Four people of three companies on akademiya (3 seats): three registered, the last one waiting."""
    db = app.state.portal.db
    people = [person(db, "anna@svet.ru"), person(db, "ivan@svet.ru", name="Иван Колесов"),
              person(db, "petr@lampa.ru", company="ИП Лампочкин", name="Пётр Лампочкин"),
              person(db, "vera@sever.ru", company="ООО «Северный свет»", name="Вера Северова")]
    companies.set_details(db, people[0].company_id, "installers", "central", None)
    companies.set_details(db, people[3].company_id, "designers", "northwest", None)
    for number, someone in enumerate(people):
        store.register(db, events["akademiya"], someone, someone, {"diet": "Вегетарианское", "ask": f"Вопрос {number}"},
                       time.time())
    return people


def add(manager, email: str, slug: str = "akademiya"):
    return submit(manager.client, f"/staff/events/{slug}/", f"/staff/events/{slug}/add", {"email": email})


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_visitors_are_sent_to_sign_in(client, events, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/account/login")


@pytest.mark.parametrize("path", PATHS)
def test_members_moderators_and_editors_are_refused(app, member, events, path):
    assert member.client.get(path, follow_redirects=False).status_code == 403
    assert member.client.post(PAGE + "add", data={"email": "x@y.ru"}, follow_redirects=False).status_code in (400, 403)
    for role in ("moderator", "editor"):
        make_user(app.state.portal.db, f"{role}@club.example", role=role)
        with TestClient(app, base_url=BASE_URL) as other:
            sign_in(other, f"{role}@club.example")
            assert other.get(path, follow_redirects=False).status_code == 403


@pytest.mark.parametrize("path", PATHS)
def test_staff_open_every_page(manager, events, path):
    response = manager.client.get(path)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"


def test_unknown_slugs_are_404(manager, events):
    for slug in ("nope", "..%2fetc", "x" * 300, "%C3%A9"):
        for tail in ("", "export.csv", "export.xlsx", "mail"):
            assert manager.client.get(f"/staff/events/{slug}/{tail}").status_code == 404


def test_the_menu_and_the_list_upcoming_first(manager, mini_site, app, events):
    past = event("old", title="Прошлый завтрак", starts="2001-01-01T09:00:00+03:00", ends=None,
                 register_until="2001-01-01T09:00:00+03:00", cancelled=True)
    soon = event("soon", title="Скорый семинар", starts="2098-01-01T09:00:00+03:00", ends=None,
                 register_until="2098-01-01T09:00:00+03:00", capacity=None)
    publish(mini_site, *events.values(), past, soon)
    anna = person(app.state.portal.db, "anna@svet.ru")
    store.register(app.state.portal.db, events["akademiya"], anna, anna, {}, time.time())
    assert 'href="/staff/events/"' in manager.client.get("/staff/").text
    page = manager.client.get("/staff/events/").text
    assert page.index("Скорый семинар") < page.index("Академия монтажника") < page.index("Прошлый завтрак")
    assert "1 / 3" in page and "0 / ∞" in page and "отменено" in page and "Онлайн" in page


def test_the_event_page_lists_rows_with_answers_and_counts(manager, crowd):
    page = manager.client.get(PAGE).text
    assert all(someone.name in page for someone in crowd)
    assert "Вопрос 3" in page and "Особенности питания" in page  # a column per question
    assert "Занято мест: 3 из 3" in page and "ожидают: 1" in page
    assert "/staff/events/akademiya/mail" in page and "export.xlsx" in page
    english = manager.client.get(PAGE + "?lang=en").text
    assert "Seats taken: 3 of 3" in english and "Add a person" in english and "waiting" in english


def test_filters_narrow_the_list_and_stay_in_the_form(manager, crowd):
    waiting = manager.client.get(PAGE + "?status=waiting").text
    assert "Вера Северова" in waiting and "Пётр Лампочкин" not in waiting
    assert '<option value="waiting" selected>' in waiting
    by_company = manager.client.get(f"{PAGE}?company={crowd[2].company_id}").text
    assert "Пётр Лампочкин" in by_company and "Иван Колесов" not in by_company
    by_place = manager.client.get(PAGE + "?segment=installers&region=central").text
    assert "Иван Колесов" in by_place and "Вера Северова" not in by_place
    assert '<option value="central" selected>' in by_place
    assert "export.csv?segment=installers&amp;region=central" in by_place
    assert manager.client.get(PAGE + "?status=bogus&company=x&segment=<b>").status_code == 200  # ignored


def test_staff_add_a_person_who_gets_the_letter(manager, app, events, smtp):
    boris = person(app.state.portal.db, "boris@example.ru", company="ООО «Б»", name="Борис Бобров")
    response = add(manager, "  Boris@Example.ru ")
    assert response.status_code == 303 and response.headers["location"] == PAGE + "?notice=added"
    row = store.active_of(app.state.portal.db, "akademiya", boris.id)
    assert row.status == "registered" and row.registered_by == manager.user.id
    received = smtp.wait_for(1)[0]
    assert received.recipients == ["boris@example.ru"] and "Вы записаны" in received.message["Subject"]
    assert "Ольга Кураторова" in manager.client.get(PAGE).text  # who registered them


def test_bad_additions_come_back_named_with_the_input_kept(manager, app, crowd, events):
    unknown = add(manager, "nobody@example.ru")
    assert unknown.status_code == 400 and "нет человека с таким e-mail" in unknown.text
    assert 'value="nobody@example.ru"' in unknown.text
    again = add(manager, "anna@svet.ru")
    assert again.status_code == 409 and "уже в списке: записан" in again.text
    reader = make_user(app.state.portal.db, "reader@example.ru")  # no company: not for a members-only event
    refused = add(manager, reader.email, "breakfast")
    assert refused.status_code == 400 and "не может участвовать" in refused.text
    db = app.state.portal.db
    for colleague in crowd[:2]:  # two of ООО «Свет-Монтаж» fill the company's quota of two
        store.register(db, events["breakfast"], colleague, colleague, {}, time.time())
    third = person(db, "third@svet.ru", name="Третий")
    quota = add(manager, third.email, "breakfast")
    assert quota.status_code == 409 and "это предел" in quota.text


def test_staff_add_past_the_deadline_but_not_after_the_start(manager, app, mini_site):
    late = event(register_until="2000-01-01T00:00:00+03:00")
    over = event("over", starts="2000-01-02T00:00:00+03:00", ends=None, register_until="2000-01-01T00:00:00+03:00")
    publish(mini_site, late, over)
    person(app.state.portal.db, "late@example.ru")
    assert add(manager, "late@example.ru").status_code == 303
    response = add(manager, "late@example.ru", "over")
    assert response.status_code == 409 and "срок регистрации прошёл" in response.text


def test_removing_cancels_with_the_cancel_invitation_and_offers_the_seat(manager, app, crowd, smtp):
    db = app.state.portal.db
    row = store.active_of(db, "akademiya", crowd[0].id)
    response = submit(manager.client, PAGE, PAGE + "remove", {"registration": str(row.id)})
    assert response.status_code == 303 and response.headers["location"] == PAGE + "?notice=removed"
    assert store.get(db, row.id).status == "cancelled"
    assert store.active_of(db, "akademiya", crowd[3].id).status == "offered"
    received = {item.recipients[0]: item.message for item in smtp.wait_for(2)}
    [part] = [p for p in received["anna@svet.ru"].walk() if p.get_content_type() == "text/calendar"]
    assert str(Calendar.from_ical(part.get_content())["METHOD"]) == "CANCEL"
    assert "Освободилось место" in received["vera@sever.ru"]["Subject"]
    log = db.execute("SELECT by_id FROM event_registration_log WHERE registration_id = ? AND action = 'cancelled'",
                     [row.id]).fetchone()
    assert log == (manager.user.id,)
    second = submit(manager.client, PAGE, PAGE + "remove", {"registration": str(row.id)})  # a second click
    assert second.status_code == 303 and len(store.of_event(db, "akademiya")) == 4


def test_removing_a_waiting_person_and_rows_of_other_events(manager, app, crowd, events):
    db = app.state.portal.db
    waiting = store.active_of(db, "akademiya", crowd[3].id)
    assert submit(manager.client, PAGE, PAGE + "remove", {"registration": str(waiting.id)}).status_code == 303
    assert store.get(db, waiting.id).status == "left"
    other = store.register(db, events["brief"], crowd[0], crowd[0], {}, time.time()).registration
    for value in (str(other.id), "999999", "abc", ""):
        assert submit(manager.client, PAGE, PAGE + "remove", {"registration": value}).status_code == 404
    assert store.get(db, other.id).status == "registered"


def test_the_csv_download_follows_the_filters(manager, crowd):
    response = manager.client.get(PAGE + "export.csv?status=registered")
    assert response.headers["content-disposition"] == 'attachment; filename="akademiya.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["№", "Статус", "Участник"] and rows[0][-2:] == ["Особенности питания", "Вопрос инженеру"]
    assert [row[2] for row in rows[1:]] == ["Анна Светлова", "Иван Колесов", "Пётр Лампочкин"]
    assert rows[1][4:8] == ["ООО «Свет-Монтаж»", "Монтажные организации", "Центральный ФО", "Анна Светлова"]
    assert datetime.strptime(rows[1][8], "%d.%m.%Y %H:%M")


def test_the_xlsx_download_has_a_bold_frozen_filtered_header_and_real_dates(manager, crowd):
    response = manager.client.get(PAGE + "export.xlsx")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:3] == ["№", "Статус", "Участник"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
    assert sheet.max_row == 5 and sheet["C5"].value == "Вера Северова" and sheet["B5"].value == "ожидает"
    assert isinstance(sheet["I2"].value, datetime) and sheet["I2"].number_format == "DD.MM.YYYY HH:MM"
