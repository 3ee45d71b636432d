"""The feedback form: sending, files, bad input kept and named, double submit, drafts across sign-in."""

import re

from portal.feedback import store
from tests.feedback.conftest import form_values, send
from tests.feedback.files import PDF, PNG, TEXT
from tests.portal_fixtures import sign_in


def created_id(response) -> int:
    assert response.status_code == 303, response.text[:2000]
    return int(re.search(r"/account/requests/(\d+)", response.headers["location"]).group(1))


def test_a_member_sends_a_request_with_files(member, app):
    files = [("files", ("схема.png", PNG, "image/png")), ("files", ("счёт.pdf", PDF, "application/pdf"))]
    response = send(member.client, {"page": "/technical/podklyuchenie-dali/"}, files=files,
                    page="/feedback/new?page=/technical/podklyuchenie-dali/")
    request_id = created_id(response)
    db = app.state.portal.db
    found = store.get_request(db, request_id)
    assert found.subject == "Как подключить DALI?" and found.page == "/technical/podklyuchenie-dali/"
    saved = store.attachments(db, request_id)
    assert [(a.filename, a.content_type) for a in saved] == [("схема.png", "image/png"),
                                                             ("счёт.pdf", "application/pdf")]
    stored = app.state.portal.settings.files_dir / "feedback" / saved[0].stored_name
    assert stored.read_bytes() == PNG and "схема" not in saved[0].stored_name
    page = member.client.get(response.headers["location"])
    assert page.status_code == 200 and "Обращение отправлено" in page.text and "схема.png" in page.text
    picture = member.client.get(f"/feedback/files/{saved[0].id}")
    assert picture.content == PNG and picture.headers["content-type"] == "image/png"
    assert picture.headers["x-content-type-options"] == "nosniff" and picture.headers["cache-control"] == "no-store"
    assert picture.headers["content-disposition"].startswith("inline; filename*=utf-8''")
    document = member.client.get(f"/feedback/files/{saved[1].id}")
    assert document.headers["content-disposition"].startswith("attachment;")


def test_the_form_takes_the_page_only_when_it_is_a_local_path(member):
    assert 'value="/technical/x/"' in member.client.get("/feedback/new?page=/technical/x/").text
    for bad in ("//evil.example/", "javascript:alert(1)", "/a/../b", "/x\"><script>", "https://evil.example/"):
        html = member.client.get("/feedback/new", params={"page": bad}).text
        assert re.search(r'name="page" type="text"\s+value=""', html), bad


def test_a_link_may_prefill_the_kind_and_subject(member, client):
    """"Ask for advice" on a saved calculation opens the form with kind, subject and page filled in."""
    html = member.client.get("/feedback/new", params={"kind": "advice", "subject": "Совет по расчёту «Склад»",
                                                      "page": "/tools/saved/7"}).text
    assert '<option value="advice" selected>' in html
    assert 'value="Совет по расчёту «Склад»"' in html and 'value="/tools/saved/7"' in html
    html = member.client.get("/feedback/new", params={"kind": "bribe", "subject": "Две\nстроки" + "x" * 300}).text
    assert "selected>" not in html.split('name="kind"')[1].split("</select>")[0]
    assert re.search(r'name="subject" type="text"\s+value="Две строкиx{140}"', html)


def test_bad_input_is_named_and_kept(member, app):
    cases = [({"subject": ""}, "Напишите тему"), ({"subject": "Т" * 151}, "длиннее 150"),
             ({"body": ""}, "хотя бы пару слов"), ({"kind": "spam"}, "Выберите тип")]
    for values, message in cases:
        response = send(member.client, {"body": "Текст, который нельзя терять", **values})
        assert response.status_code == 400 and message in response.text, values
        if "body" not in values:
            assert "Текст, который нельзя терять</textarea>" in response.text
    assert store.is_empty(app.state.portal.db)


def test_files_that_do_not_fit_are_refused_and_the_text_kept(member, app):
    cases = [([("files", ("scan.png", PDF, "image/png"))], 400, "не совпадает с его расширением"),
             ([("files", ("photo.jpg", TEXT, "image/jpeg"))], 400, "не совпадает с его расширением"),
             ([("files", (f"{n}.png", PNG, "image/png")) for n in range(6)], 400, "Не больше 5 файлов"),
             ([("files", ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf"))], 413, "больше 10 МБ")]
    for files, status, message in cases:
        response = send(member.client, {"body": "Описание проблемы с фото"}, files=files)
        assert response.status_code == status and message in response.text, message
        assert "Описание проблемы с фото</textarea>" in response.text and "выберите их ещё раз" in response.text
    assert store.is_empty(app.state.portal.db)
    assert not list((app.state.portal.settings.files_dir / "feedback").glob("*"))


def test_sending_the_same_form_twice_makes_one_request(member, app):
    html = member.client.get("/feedback/new").text
    data = {**form_values(html), "kind": "idea", "subject": "Идея", "body": "Сделайте калькулятор окупаемости."}
    first = member.client.post("/feedback/new", data=data, files={"empty": ("", b"")}, follow_redirects=False)
    again = member.client.post("/feedback/new", data=data, files={"files": ("a.png", PNG, "image/png")},
                               follow_redirects=False)
    assert created_id(first) == created_id(again)
    db = app.state.portal.db
    assert db.execute("SELECT count(*) FROM feedback_requests").fetchone()[0] == 1
    assert not list((app.state.portal.settings.files_dir / "feedback").glob("*"))  # the repeat's file went too
    assert member.client.post("/feedback/new", data={**data, "nonce": "short"},
                              files={"empty": ("", b"")}).status_code == 400


def test_a_visitor_writes_signs_in_and_finds_the_text_again(client, app):
    from tests.portal_fixtures import make_user

    make_user(app.state.portal.db, "vera@svet-montazh.ru", member=True, name="Вера")
    html = client.get("/feedback/new?page=/analytics/").text
    assert "попросим войти" in html and 'type="file"' not in html
    response = client.post("/feedback/new", data={"csrf": form_values(html)["csrf"], "kind": "advice",
                                                  "subject": "Нужен совет по складу",
                                                  "body": "Склад 5000 м², высота 9 м.", "page": "/analytics/"})
    assert response.status_code == 200 and "Текст сохранён" in response.text
    login = re.search(r'href="(/account/login\?next=[^"]+)"', response.text).group(1).replace("&amp;", "&")
    back = re.search(r"next=([^&\"]+)", login).group(1)
    from urllib.parse import unquote

    signed = sign_in(client, "vera@svet-montazh.ru", next_path=unquote(back))
    form = client.get(signed.headers["location"]).text
    assert "Склад 5000 м², высота 9 м.</textarea>" in form and 'value="Нужен совет по складу"' in form
    assert 'type="file"' in form and 'value="/analytics/"' in form
    request_id = created_id(client.post("/feedback/new", data={**form_values(form), "kind": "advice",
                                                               "subject": "Нужен совет по складу",
                                                               "body": "Склад 5000 м², высота 9 м.",
                                                               "draft": re.search(r'name="draft" value="([^"]+)"',
                                                                                  form).group(1)},
                                        files={"empty": ("", b"")}, follow_redirects=False))
    assert store.get_request(app.state.portal.db, request_id).kind == "advice"
    assert app.state.portal.db.execute("SELECT count(*) FROM feedback_drafts").fetchone()[0] == 0


def test_a_reader_without_company_is_sent_to_the_profile_with_the_text_kept(registered):
    html = registered.client.get("/feedback/new").text
    response = registered.client.post("/feedback/new", data={"csrf": form_values(html)["csrf"], "kind": "other",
                                                             "subject": "Вопрос", "body": "Мой текст"})
    assert response.status_code == 200 and "/account/profile?next=%2Ffeedback%2Fnew%3Fdraft%3D" in response.text


def test_more_than_the_hourly_limit_is_refused_with_the_text_kept(member, app, monkeypatch):
    from portal.feedback import member_pages

    monkeypatch.setattr(member_pages, "HOURLY_LIMIT", 2)
    for _ in range(2):
        created_id(send(member.client))
    refused = send(member.client, {"body": "Третье обращение за час"})
    assert refused.status_code == 429 and "Не больше 2 обращений в час" in refused.text
    assert "Третье обращение за час</textarea>" in refused.text
