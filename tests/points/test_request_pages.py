"""The cabinet's request pages: the representative requests (the cost is held at once), everyone of the
company sees the requests, nobody else sees anything (404), bad input comes back with the text kept."""

import time

import pytest

from portal.points import requests, result_files
from portal.web import uploads
from tests.points.privilege_helpers import catalogue_of, privilege, publish
from tests.points.request_helpers import PDF, available, earn, form_of, made, person, represent
from tests.portal_fixtures import PASSWORD

FORM = "/account/points/privileges/kopirayting/request"
LIST = "/account/points/requests/"


@pytest.fixture
def privileges(mini_site):
    return catalogue_of(mini_site)


@pytest.fixture
def rep(app, member, company, privileges):
    """The signed-in member is the company's representative, and the company has 2,000 points."""
    represent(app, company.id, member.user.id)
    earn(app, company.id, 2000)
    return member


def send(client, task: str, page: str = FORM, **extra):
    values = form_of(client, page, "nonce")
    return client.post(page, data={**values, "task": task, **extra}, follow_redirects=False)


def test_the_form_shows_cost_balance_and_what_to_provide(rep):
    response = rep.client.get(FORM)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    for text in ("Копирайтинг", "1\u00a0200", "2\u00a0000", "адрес сайта и доступ к CMS", 'name="task"'):
        assert text in response.text, text


def test_a_request_holds_its_cost_and_shows_in_the_cabinet(app, rep, company):
    response = send(rep.client, "Описания для десяти светильников")
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(LIST) and location.endswith("?notice=sent")
    assert available(app, company.id) == (800, 1200)
    page = rep.client.get(location).text
    assert "Заявка отправлена" in page and "Описания для десяти светильников" in page and "Отправлена" in page
    cabinet = rep.client.get("/account/points/").text
    assert "Открытые заявки" in cabinet and "Копирайтинг" in cabinet and f'href="{LIST}"' in cabinet
    assert "Заявка №1" in cabinet and "request:" not in cabinet  # the hold in the history names the request
    assert "Копирайтинг" in rep.client.get(LIST).text


def test_the_catalogue_offers_the_request_button_to_the_representative(rep):
    assert f'href="{FORM}"' in rep.client.get("/account/points/privileges").text


def test_not_enough_points_brings_the_form_back(app, rep, company):
    made(app, company.id, rep.user.id, cost=1500)
    response = send(rep.client, "Мой текст задачи")
    assert response.status_code == 409
    assert "Не хватает баллов: привилегия стоит 1200, доступно 500" in response.text
    assert "Мой текст задачи" in response.text
    assert available(app, company.id) == (500, 1500)


@pytest.mark.parametrize(("task", "problem"), [("", "Опишите задачу"), ("   ", "Опишите задачу"),
                                               ("д" * (requests.TASK_LIMIT + 1), "длиннее 4000 символов")])
def test_a_missing_or_too_long_task_brings_the_form_back(app, rep, company, task, problem):
    response = send(rep.client, task)
    assert response.status_code == 400 and problem in response.text
    if task.strip():
        assert task in response.text  # kept for the person to shorten
    assert available(app, company.id) == (2000, 0)


@pytest.mark.parametrize("ident", ["net-takoy", "staroe"])
def test_an_unknown_or_withdrawn_privilege_is_404(rep, ident):
    assert rep.client.get(f"/account/points/privileges/{ident}/request").status_code == 404


def test_a_privilege_withdrawn_while_the_form_was_open(app, rep, company, mini_site):
    values = form_of(rep.client, FORM, "nonce")
    publish(mini_site, privilege(available=False))
    response = rep.client.post(FORM, data={**values, "task": "Описание"}, follow_redirects=False)
    assert response.status_code == 409
    assert "больше не предлагают" in response.text and "Описание" in response.text
    assert available(app, company.id) == (2000, 0)


def test_a_double_submit_is_one_request(app, rep, company):
    values = form_of(rep.client, FORM, "nonce")
    answers = [rep.client.post(FORM, data={**values, "task": "Один раз"}, follow_redirects=False) for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    assert available(app, company.id) == (800, 1200)


def test_a_form_without_its_one_time_value_is_refused(app, rep, company):
    values = form_of(rep.client, FORM)
    response = rep.client.post(FORM, data={**values, "task": "Текст", "nonce": "x"}, follow_redirects=False)
    assert response.status_code == 400
    assert available(app, company.id) == (2000, 0)


def test_a_post_without_csrf_writes_nothing(app, rep, company):
    response = rep.client.post(FORM, data={"task": "Текст", "nonce": "n" * 20}, follow_redirects=False)
    assert response.status_code == 403
    assert available(app, company.id) == (2000, 0)


def test_colleagues_see_the_requests_but_cannot_request_or_withdraw(app, rep, company):
    request_id = made(app, company.id, rep.user.id)
    with person(app, "ivan@svet-montazh.ru", "ООО «Свет-Монтаж»", name="Иван Петров") as colleague:
        page = colleague.client.get(FORM)
        assert page.status_code == 403 and "только представитель вашей компании — Анна Светлова" in page.text
        token = form_of(colleague.client, LIST)
        sent = colleague.client.post(FORM, data={**token, "task": "Чужая заявка", "nonce": "c" * 20},
                                     follow_redirects=False)
        assert sent.status_code == 403
        assert "Копирайтинг" in colleague.client.get(LIST).text
        detail = colleague.client.get(f"{LIST}{request_id}")
        assert detail.status_code == 200 and "Тексты" in detail.text and "/cancel" not in detail.text
        refused = colleague.client.post(f"{LIST}{request_id}/cancel",
                                        data={**token, "nonce": "d" * 20, "seq": "1"}, follow_redirects=False)
        assert refused.status_code == 403
    assert len(requests.for_company(app.state.portal.db, company.id)) == 1
    assert requests.get(app.state.portal.db, request_id).state == "requested"
    assert available(app, company.id) == (800, 1200)


def test_the_representative_withdraws_a_request_and_the_points_come_back(app, rep, company):
    request_id = made(app, company.id, rep.user.id)
    values = form_of(rep.client, f"{LIST}{request_id}", "nonce", "seq")
    response = rep.client.post(f"{LIST}{request_id}/cancel", data=values, follow_redirects=False)
    assert response.status_code == 303
    assert available(app, company.id) == (2000, 0)
    page = rep.client.get(response.headers["location"]).text
    assert "Заявка отозвана" in page and "Отозвана" in page and "/cancel" not in page
    again = rep.client.post(f"{LIST}{request_id}/cancel", data=values, follow_redirects=False)
    assert again.status_code == 303  # the same form twice: one change
    assert len(requests.history(app.state.portal.db, request_id)) == 2


def test_withdrawing_after_the_club_confirmed_is_refused(app, rep, company, manager):
    request_id = made(app, company.id, rep.user.id)
    values = form_of(rep.client, f"{LIST}{request_id}", "nonce", "seq")
    requests.change(app.state.portal.db, request_id, "confirmed", seen_seq=1, by_id=manager.user.id,
                    now=time.time())
    response = rep.client.post(f"{LIST}{request_id}/cancel", data=values, follow_redirects=False)
    assert response.status_code == 409
    assert "Заявку уже изменили: сейчас она в статусе «Подтверждена»" in response.text
    assert available(app, company.id) == (800, 1200)


def done_with_file(app, request_id: int, by_id: int) -> int:
    db, settings = app.state.portal.db, app.state.portal.settings
    saved = uploads.save(settings, result_files.POLICY, [uploads.Upload("КП для «Света».pdf", "application/pdf", PDF)])
    requests.change(db, request_id, "confirmed", seen_seq=1, by_id=by_id, now=time.time())
    requests.change(db, request_id, "done", seen_seq=2, by_id=by_id, now=time.time(), files=saved)
    return requests.files(db, request_id)[0].id


def test_the_company_downloads_the_result(app, rep, company, manager):
    request_id = made(app, company.id, rep.user.id)
    file_id = done_with_file(app, request_id, manager.user.id)
    page = rep.client.get(f"{LIST}{request_id}").text
    assert f"{LIST}{request_id}/files/{file_id}" in page and "Выполнена" in page
    response = rep.client.get(f"{LIST}{request_id}/files/{file_id}")
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-type"] == "application/pdf"
    assert available(app, company.id) == (800, 0)


def test_another_company_sees_nothing_walking_ids(app, rep, company, manager):
    first = made(app, company.id, rep.user.id)
    file_id = done_with_file(app, first, manager.user.id)
    second = made(app, company.id, rep.user.id, cost=100, nonce="s" * 16)
    with person(app, "stranger@other.example", "ООО «Другая»") as stranger:
        represent(app, stranger.user.company_id, stranger.user.id)
        token = form_of(stranger.client, LIST)
        assert "Копирайтинг" not in stranger.client.get(LIST).text
        for request_id in range(1, second + 3):
            assert stranger.client.get(f"{LIST}{request_id}").status_code == 404
            for other_file in range(1, file_id + 3):
                assert stranger.client.get(f"{LIST}{request_id}/files/{other_file}").status_code == 404
            cancel = stranger.client.post(f"{LIST}{request_id}/cancel", data={**token, "nonce": "e" * 20, "seq": "1"},
                                          follow_redirects=False)
            assert cancel.status_code == 404
    assert requests.get(app.state.portal.db, second).state == "requested"


def test_a_file_of_another_request_of_the_same_company_is_404(app, rep, company, manager):
    first = made(app, company.id, rep.user.id)
    file_id = done_with_file(app, first, manager.user.id)
    second = made(app, company.id, rep.user.id, cost=100, nonce="s" * 16)
    assert rep.client.get(f"{LIST}{second}/files/{file_id}").status_code == 404


def test_a_reader_without_a_company_is_not_let_in(registered, privileges):
    assert registered.client.get(FORM).status_code == 403
    assert registered.client.get(LIST).status_code == 403


def test_a_stranger_is_sent_to_sign_in(client, privileges):
    assert client.get(LIST, follow_redirects=False).status_code == 303
    assert client.get(FORM, follow_redirects=False).status_code == 303


def test_in_english(app, rep, company):
    made(app, company.id, rep.user.id)
    page = rep.client.get(LIST + "?lang=en").text
    assert "Privilege requests" in page and "Sent" in page


def test_the_data_download_lists_the_persons_requests(app, rep, company):
    made(app, company.id, rep.user.id, task="Тексты для каталога")
    data = rep.client.get("/account/export").json()
    [item] = data["points_requests"]
    assert item["task"] == "Тексты для каталога" and item["state"] == "requested" and item["cost"] == 1200


def test_a_person_who_made_requests_can_still_erase_their_account(app, rep, company):
    request_id = made(app, company.id, rep.user.id)
    token = form_of(rep.client, "/account/delete")
    response = rep.client.post("/account/delete", data={**token, "password": PASSWORD})
    assert response.status_code == 200
    found = requests.get(app.state.portal.db, request_id)
    assert found.requested_by_name is None and available(app, company.id) == (800, 1200)  # the company's history stays
