"""Staff newsletter pages over HTTP: who may use them, the list, one e-mail's page (audience, sample,
queue form, sends), queuing and cancelling with every refusal as a readable 400."""

from __future__ import annotations

import html
import re
import time
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from portal.core import passwords
from portal.newsletters import queue as nl
from portal.newsletters.model import get_newsletter
from tests.newsletters.test_queue import PAGE, SECRET, add_sends, make_artefact, set_status, subscriber, write_site
from tests.portal_fixtures import BASE_URL, csrf_of, make_user, sign_in, submit

LIST = "/staff/newsletters/"
PAGE_URL = f"/staff/newsletters/page/{PAGE}"


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def built(mini_site):
    """The portal's site folder with one members-only newsletter e-mail and one public one."""
    write_site(mini_site, make_artefact(), make_artefact(page="newsletters/2026/12/dekabr", access="public",
                                                         subject="Декабрьские новинки", date="2026-12-02"))
    return mini_site


@pytest.fixture
def db(app):
    return app.state.portal.db


@pytest.fixture
def people(db):
    subscriber(db, "anna@svet-montazh.ru", member=True, segment="distributors", region="central",
               name="Анна Светлова")
    subscriber(db, "boris@example.ru", segment="designers", region="volga", name="Борис Чертёжников")


def signed_in(app, role: str | None, member: bool = False) -> TestClient:
    email = f"{role or 'member'}@club.example"
    make_user(app.state.portal.db, email, role=role, member=member, name="Ольга Кураторова")
    client = TestClient(app, base_url=BASE_URL)
    sign_in(client, email)
    return client


@pytest.fixture
def staff(app, built):
    with signed_in(app, "staff") as client:
        yield client


def queue(client, data: dict, page: str = PAGE_URL):
    return submit(client, page, page, data)


# --- who may use the pages ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["staff", "editor", "admin"])
def test_staff_editors_and_admins_use_the_pages(app, built, role):
    with signed_in(app, role) as client:
        listing = client.get(LIST)
        assert listing.status_code == 200 and 'href="/staff/newsletters/"' in listing.text
        assert client.get(PAGE_URL).status_code == 200
        assert queue(client, {"when": "slot"}).status_code == 303


@pytest.mark.parametrize(("role", "member"), [("moderator", False), (None, True)])
def test_moderators_and_members_are_refused(app, built, db, role, member):
    letter = nl.queue_newsletter(db, make_artefact(), datetime(2099, 1, 1, tzinfo=nl.zone("UTC")), None)
    with signed_in(app, role, member) as client:
        token = csrf_of(client.get("/account/").text)
        assert 'href="/staff/newsletters/"' not in client.get("/account/").text
        for path in (LIST, "/staff/newsletters", PAGE_URL, f"/staff/newsletters/{letter.id}"):
            assert client.get(path).status_code == 403, path
        for path, data in ((PAGE_URL, {"when": "now"}), (f"/staff/newsletters/{letter.id}/cancel", {})):
            assert client.post(path, data={"csrf": token, **data}, follow_redirects=False).status_code == 403
    assert get_newsletter(db, letter.id).status == "scheduled"
    assert db.execute("SELECT count(*) FROM newsletters").fetchone()[0] == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, built):
    for path in (LIST, PAGE_URL):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and urlsplit(response.headers["location"]).path == "/account/login"
    assert client.post(PAGE_URL, data={"when": "now"}, follow_redirects=False).status_code == 303


def test_forms_need_the_csrf_token(staff, db):
    assert staff.post(PAGE_URL, data={"when": "now"}, follow_redirects=False).status_code == 403
    assert staff.post(PAGE_URL, data={"when": "now", "csrf": "x" * 64}, follow_redirects=False).status_code == 403
    assert db.execute("SELECT count(*) FROM newsletters").fetchone()[0] == 0


# --- the list and one e-mail's page -------------------------------------------------------------------

def test_the_list_shows_built_emails_their_status_and_the_next_slot(staff, db):
    page = staff.get(LIST).text
    assert "Новые трековые светильники" in page and "Декабрьские новинки" in page
    assert page.index("Декабрьские новинки") < page.index("Новые трековые светильники")  # newest first
    assert f'href="{PAGE_URL}"' in page and "не отправлялось" in page
    slot = nl.next_slot(datetime.now(nl.zone("Europe/Moscow")), "Europe/Moscow")
    assert f"{slot:%d.%m.%Y %H:%M} (Europe/Moscow)" in page
    queue(staff, {"when": "slot"})
    page = staff.get(LIST).text
    assert "запланировано" in page and "Все отправки" in page and 'action="/staff/newsletters/1/cancel"' in page
    assert "Newsletters" in staff.get(LIST + "?lang=en").text


def test_a_broken_email_file_is_a_warning_not_a_500(staff, built):
    (built / "mail" / "newsletters" / "broken.json").write_text("{nope", encoding="utf-8")
    page = staff.get(LIST)
    assert page.status_code == 200 and "Не удалось прочитать 1" in page.text


def test_the_page_shows_audience_by_segment_region_and_variant(staff, people):
    page = staff.get(PAGE_URL).text
    assert "Получателей сейчас: 2. Полное письмо: 1, анонс со ссылкой: 1." in page
    assert re.search(r"<td>Дистрибьюторы</td><td>1</td>", page)
    assert re.search(r"<td>Конечные заказчики</td><td>0</td>", page)
    assert re.search(r"<td>Приволжский ФО</td><td>1</td>", page)
    assert "участникам" in page  # access


def test_an_english_reader_sees_the_vocabularies_in_english(staff, people):
    page = staff.get(PAGE_URL + "?lang=en").text
    assert re.search(r"<td>Distributors</td><td>1</td>", page)  # issue 18: it was «Дистрибьюторы»
    assert "Дистрибьюторы" not in page and "Приволжский ФО" not in page


def test_the_sample_is_the_recipients_real_letter_in_a_sandboxed_frame(staff, people):
    page = staff.get(PAGE_URL).text
    frame = re.search(r'<iframe sandbox srcdoc="([^"]*)"', page)
    assert frame, "no sandboxed iframe"
    letter = html.unescape(frame.group(1))
    assert "Здравствуйте, Анна Светлова!" in letter and SECRET in letter and "<p>" in letter
    assert "<p>Здравствуйте" not in page  # the letter's markup is only ever inside the attribute
    preview = staff.get(PAGE_URL + "?variant=preview").text
    assert "Здравствуйте, Борис Чертёжников!" in html.unescape(preview) and SECRET not in preview
    chosen = staff.get(PAGE_URL + "?to=boris@example.ru").text
    assert "boris@example.ru" in chosen and SECRET not in chosen
    unknown = staff.get(PAGE_URL + "?to=nobody@example.ru").text
    assert "Нет аккаунта с адресом nobody@example.ru" in unknown
    assert staff.get(PAGE_URL + "?variant=<script>").status_code == 200


def test_without_recipients_the_sample_is_made_up(staff):
    page = staff.get(PAGE_URL).text
    assert "вымышленный получатель" in page and nl.SAMPLE_EMAIL in page


def test_unknown_pages_are_404(staff):
    for path in ("/staff/newsletters/page/newsletters/2026/11/net", "/staff/newsletters/page/../../etc/passwd",
                 "/staff/newsletters/77", "/staff/newsletters/99999999999999999999"):
        assert staff.get(path).status_code == 404, path
    response = queue(staff, {"when": "now"}, page=PAGE_URL)  # a token from a real page
    assert response.status_code == 303
    token = csrf_of(staff.get(PAGE_URL).text)
    assert staff.post("/staff/newsletters/page/newsletters/2026/11/net", data={"csrf": token, "when": "now"},
                      follow_redirects=False).status_code == 404
    for number in ("77", "99999999999999999999"):
        assert staff.post(f"/staff/newsletters/{number}/cancel", data={"csrf": token}).status_code == 404
    assert staff.get(PAGE_URL + "?queued=99999999999999999999&cancelled=x").status_code == 200


# --- queue --------------------------------------------------------------------------------------------

def test_queue_at_the_next_slot(app, staff, db):
    response = queue(staff, {"when": "slot"})
    assert response.status_code == 303 and response.headers["location"] == f"{PAGE_URL}?queued=1"
    letter = get_newsletter(db, 1)
    slot = nl.next_slot(datetime.now(nl.zone("Europe/Moscow")), "Europe/Moscow")
    assert letter.scheduled_at == slot.timestamp() and letter.status == "scheduled"
    assert letter.created_by == db.execute("SELECT id FROM users WHERE email = 'staff@club.example'").fetchone()[0]
    page = staff.get(response.headers["location"]).text
    assert "Письмо №1 поставлено в очередь на" in page and f"{slot:%d.%m.%Y %H:%M}" in page
    assert "Письмо уже в очереди" in page and 'name="when"' not in page  # no second form while queued


def test_queue_at_a_chosen_time_or_now(staff, db):
    assert queue(staff, {"when": "at", "at": "2099-12-01 12:30"}).status_code == 303
    assert get_newsletter(db, 1).scheduled_at == datetime(2099, 12, 1, 12, 30,
                                                          tzinfo=nl.zone("Europe/Moscow")).timestamp()
    assert queue(staff, {"when": "now"}, page="/staff/newsletters/page/newsletters/2026/12/dekabr").status_code == 303
    assert abs(get_newsletter(db, 2).scheduled_at - time.time()) < 60


@pytest.mark.parametrize(("data", "says"), [
    ({"when": "at", "at": "2099-13-01 12:30"}, "не дата и время"),
    ({"when": "at", "at": "завтра <b>в обед</b>"}, "не дата и время"),
    ({"when": "at", "at": "2020-01-01 12:30"}, "уже прошло"),
    ({"when": "at", "at": ""}, "Укажите дату и время"),
    ({"when": "later"}, "Выберите, когда отправить"),
    ({}, "Выберите, когда отправить"),
])
def test_bad_times_keep_the_form_and_name_the_problem(staff, db, data, says):
    response = queue(staff, data)
    assert response.status_code == 400 and says in response.text
    if data.get("at"):
        assert f'value="{html.escape(data["at"])}"' in response.text  # what was typed stays in the field
        assert 'value="at" checked' in response.text
    assert "<b>в обед</b>" not in response.text
    assert db.execute("SELECT count(*) FROM newsletters").fetchone()[0] == 0


def test_a_second_queue_and_a_repeat_are_refused_with_reasons(staff, db):
    assert 'name="again"' not in staff.get(PAGE_URL).text  # offered only once the letter went out
    assert queue(staff, {"when": "at", "at": "2099-12-01 12:30"}).status_code == 303
    response = queue(staff, {"when": "slot"})
    assert response.status_code == 400 and "уже запланировано на вт 01.12.2099 12:30" in response.text
    set_status(db, 1, "done")
    response = queue(staff, {"when": "slot"})
    assert response.status_code == 400 and "уже отправлялось" in response.text and 'name="again"' in response.text
    again = queue(staff, {"when": "slot", "again": "yes"})
    assert again.status_code == 303 and get_newsletter(db, 2).status == "scheduled"


# --- sends and cancel ---------------------------------------------------------------------------------

def test_progress_and_the_stats_link(staff, db):
    queue(staff, {"when": "now"})
    add_sends(db, 1, "sent", "sent", "sent", "queued")
    set_status(db, 1, "sending")
    page = staff.get(PAGE_URL).text
    assert '<progress value="3" max="4">' in page and "3 из 4 (75%)" in page
    assert 'href="/staff/newsletters/1/stats"' in page and "Остановить отправку" in page
    response = staff.get("/staff/newsletters/1", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == PAGE_URL


def test_cancel_and_a_second_cancel(staff, db):
    queue(staff, {"when": "at", "at": "2099-12-01 12:30"})
    response = submit(staff, PAGE_URL, "/staff/newsletters/1/cancel", {})
    assert response.status_code == 303 and response.headers["location"] == f"{PAGE_URL}?cancelled=1"
    assert get_newsletter(db, 1).status == "cancelled"
    assert "Отправка №1 отменена" in staff.get(response.headers["location"]).text
    again = submit(staff, PAGE_URL, "/staff/newsletters/1/cancel", {})
    assert again.status_code == 400 and "уже нельзя отменить" in again.text


def test_the_queued_copy_is_shown_when_the_build_changed(staff, db, built):
    queue(staff, {"when": "at", "at": "2099-12-01 12:30"})
    write_site(built, make_artefact(subject="Исправленная тема"))
    page = staff.get(PAGE_URL).text
    assert "Изменения после новой сборки в неё не попадут" in page
    assert "Новые трековые светильники" in page and "Исправленная тема" not in page


def test_a_page_no_longer_built_still_shows_its_sends(staff, db, built):
    queue(staff, {"when": "at", "at": "2099-12-01 12:30"})
    (built / "mail" / f"{PAGE}.json").unlink()
    page = staff.get(PAGE_URL)
    assert page.status_code == 200 and "страница больше не собирается" in page.text
    assert "Новые трековые светильники" in page.text
    assert "страница больше не собирается" in staff.get(LIST).text
