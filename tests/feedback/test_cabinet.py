"""Requests in the cabinet: who sees which (author, representative; anyone else 404), replies, the card."""

from portal.feedback import store
from tests.feedback.conftest import browser_for
from tests.feedback.files import PNG
from tests.feedback.helpers import make_representative, new_request, person


def people(app):
    db = app.state.portal.db
    author = person(db, "petr@svet-montazh.ru", name="Пётр Лампов")
    rep = person(db, "director@svet-montazh.ru", name="Директор Светлов")
    colleague = person(db, "ivan@svet-montazh.ru", name="Иван Коллегин")
    stranger = person(db, "olga@lumen.ru", company="ООО «Люмен»", name="Ольга Люменова")
    make_representative(db, rep)
    return author, rep, colleague, stranger


def test_author_and_representative_see_it_colleague_and_stranger_get_404(app):
    db = app.state.portal.db
    author, rep, colleague, stranger = people(app)
    files = [("схема.png", "0" * 32, "image/png", len(PNG))]
    request_id = new_request(db, author, files=files)
    for email, status in (("petr@svet-montazh.ru", 200), ("director@svet-montazh.ru", 200),
                          ("ivan@svet-montazh.ru", 404), ("olga@lumen.ru", 404)):
        browser = browser_for(app, email)
        page = browser.get(f"/account/requests/{request_id}")
        assert page.status_code == status, email
        listing = browser.get("/account/requests/").text
        assert ("Как подобрать драйвер?" in listing) == (status == 200), email
        attachment = store.attachments(db, request_id)[0]
        if status == 404:
            assert browser.get(f"/feedback/files/{attachment.id}").status_code == 404
            assert browser.post(f"/account/requests/{request_id}/reply",
                                data={"csrf": "x", "body": "чужой ответ"}).status_code in (403, 404)


def test_idor_walk_a_member_of_another_company_sees_none_of_them(app, tmp_path):
    db = app.state.portal.db
    author, _rep, _colleague, stranger = people(app)
    folder = app.state.portal.settings.files_dir / "feedback"
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for number in range(5):
        name = f"{number:032x}"
        (folder / name).write_bytes(PNG)
        ids.append(new_request(db, author, subject=f"Обращение {number}", files=[(f"{number}.png", name, "image/png",
                                                                                  len(PNG))]))
    own = new_request(db, stranger, subject="Своё обращение")
    browser = browser_for(app, "olga@lumen.ru")
    for number in range(1, own + 3):
        expected = 200 if number == own else 404
        assert browser.get(f"/account/requests/{number}").status_code == expected, number
    for number in range(1, 8):
        assert browser.get(f"/feedback/files/{number}").status_code == 404, number
    assert browser_for(app, "petr@svet-montazh.ru").get("/feedback/files/1").content == PNG


def test_the_partner_replies_and_the_request_goes_back_to_the_club(app, staff):
    db = app.state.portal.db
    author, *_ = people(app)
    request_id = new_request(db, author)
    store.set_owner(db, request_id, staff.user.id, staff.user.id)
    store.add_message(db, store.get_request(db, request_id), staff.user, "staff", "Ответ клуба")
    store.add_message(db, store.get_request(db, request_id), staff.user, "staff", "Секретная заметка", internal=True)
    browser = browser_for(app, "petr@svet-montazh.ru")
    page = browser.get(f"/account/requests/{request_id}").text
    assert "Ответ клуба" in page and "Секретная заметка" not in page and "Есть ответ" in page
    from tests.portal_fixtures import csrf_of

    empty = browser.post(f"/account/requests/{request_id}/reply", data={"csrf": csrf_of(page), "body": ""})
    assert empty.status_code == 400 and "хотя бы пару слов" in empty.text
    sent = browser.post(f"/account/requests/{request_id}/reply",
                        data={"csrf": csrf_of(page), "body": "Уточняю: нужна версия на 24 В."}, follow_redirects=False)
    assert sent.status_code == 303
    assert store.get_request(db, request_id).status == "in_progress"
    assert "Уточняю" in browser.get(sent.headers["location"]).text


def test_the_cabinet_card_counts_open_requests(member, app):
    db = app.state.portal.db
    new_request(db, member.user)
    closed = new_request(db, member.user)
    store.set_status(db, closed, "closed", None)
    html = member.client.get("/account/").text
    assert "Открытых обращений: 1" in html and 'href="/feedback/new"' in html
    assert 'href="/feedback/new">Обратная связь</a>' in html  # the header link


def test_member_pages_are_not_cached(member, app):
    request_id = new_request(app.state.portal.db, member.user)
    for url in ("/feedback/new", "/account/requests/", f"/account/requests/{request_id}", "/feedback/ideas/"):
        assert member.client.get(url).headers["cache-control"] == "no-store", url
