"""Posts with pictures and files over HTTP: checked by content, made safe, shown inline, sent only to readers."""

import re

import pytest
from starlette.testclient import TestClient

from portal.forum import files as forum_files
from portal.forum import render as forum_render
from portal.forum.file_pages import create_once
from tests.forum.pictures import GPS_IFD, PDF, bomb, jpeg, opened, png
from tests.forum_fixtures import start_topic, topic_id_of
from tests.portal_fixtures import BASE_URL, csrf_of, make_user, sign_in, with_settings


def form_fields(html: str) -> dict:
    fields = {"csrf": csrf_of(html)}
    nonce = re.search(r'name="nonce" value="([^"]+)"', html)
    return {**fields, "nonce": nonce.group(1)} if nonce else fields


def post_files(client, page: str, data: dict, files: list, fields: dict | None = None):
    """Open the composer, then send it with `files` as a browser would (multipart)."""
    fields = fields or form_fields(client.get(page).text)
    return client.post(page, data={**fields, **data}, files=files, follow_redirects=False)


def new_topic_with(client, files, body="Фото щита и спецификация.", title="Щит освещения: фото"):
    return post_files(client, "/forum/c/obshchee/new", {"title": title, "body": body}, files)


def saved(app, topic_id: int) -> tuple:
    db = app.state.portal.db
    post_id = db.execute("SELECT id FROM forum_posts WHERE topic_id = ? AND number = 1", [topic_id]).fetchone()[0]
    return forum_files.of_post(db, post_id)


def test_a_photo_and_a_pdf_are_kept_and_shown_under_the_post(app, member, other, forum):
    response = new_topic_with(member.client, [("files", ("щит.jpg", jpeg((3000, 2000), gps=True), "image/jpeg")),
                                              ("files", ("спецификация.pdf", PDF, "application/pdf"))])
    assert response.status_code == 303, response.text[:3000]
    topic_id = topic_id_of(response)
    photo, document = saved(app, topic_id)
    assert (photo.filename, photo.content_type, photo.width, photo.height) == ("щит.jpg", "image/jpeg", 1600, 1067)
    stored = app.state.portal.settings.files_dir / "forum" / photo.stored_name
    assert "щит" not in photo.stored_name and GPS_IFD not in opened(stored.read_bytes()).getexif()
    html = other.get(f"/forum/t/{topic_id}/").text
    assert (f'<a href="{photo.url}"><img src="{photo.thumb_url}" alt="щит.jpg" width="{photo.thumb_width}" '
            f'height="{photo.thumb_height}" loading="lazy"></a>') in html
    assert f'href="{document.url}" download>спецификация.pdf</a>' in html and "PDF," in html
    picture = other.get(photo.url)
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
    assert picture.content == stored.read_bytes() and GPS_IFD not in opened(picture.content).getexif()
    assert other.get(photo.thumb_url).headers["content-type"] == "image/jpeg"


def test_downloads_are_attachments_with_a_safe_name_nosniff_and_no_store(app, member, forum):
    topic_id = topic_id_of(new_topic_with(member.client, [("files", ('смета "итог"\r\n.pdf', PDF, "text/html"))]))
    document, = saved(app, topic_id)
    response = member.client.get(document.url)
    assert response.content == PDF and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment; filename*=utf-8''")
    assert "\r" not in response.headers["content-disposition"] and '"итог"' not in response.headers[
        "content-disposition"]
    assert response.headers["x-content-type-options"] == "nosniff" and response.headers["cache-control"] == "no-store"


def test_a_picture_placed_in_the_text_is_shown_there_and_not_again_below(app, member, forum):
    body = "Вот так собран щит:\n\n![Щит после монтажа](upload:2)\n\nА [схема](upload:1) отдельно."
    topic_id = topic_id_of(new_topic_with(member.client, [("files", ("схема.pdf", PDF, "application/pdf")),
                                                          ("files", ("IMG_0042.png", png(), "image/png"))], body))
    document, photo = saved(app, topic_id)
    html = member.client.get(f"/forum/t/{topic_id}/").text
    assert f'<img alt="Щит после монтажа" height="30" loading="lazy" src="{photo.thumb_url}" width="40">' in html
    assert f'<a href="{document.url}" rel="nofollow noopener ugc">схема</a>' in html
    assert 'class="f-gallery"' not in html  # the only picture is in the text


@pytest.mark.parametrize("name, data, problem", [
    ("photo.jpg", PDF, "содержимое файла не совпадает"),                      # a PDF named .jpg
    ("page.png", b"<html><script>alert(1)</script></html>", "не совпадает"),  # HTML renamed .png
    ("polyglot.pdf", b"GIF89a/*" + PDF, "не совпадает"),                      # a GIF header first: not a PDF
    ("notes.txt", b"<svg onload=alert(1)>", "не совпадает"),                  # markup is not plain text
    ("run.exe", b"MZ\x90\x00", "такие файлы не принимаем"),
    ("bomb.png", bomb(), "слишком много пикселей"),
    ("broken.jpg", b"\xff\xd8\xff\xe0garbage", "картинка повреждена"),
])
def test_a_bad_file_brings_the_form_back_with_the_text_kept(app, member, forum, name, data, problem):
    response = new_topic_with(member.client, [("files", (name, data, "image/jpeg"))], body="Текст останется.")
    assert response.status_code == 400 and problem in response.text and name in response.text
    assert "Текст останется.</textarea>" in response.text and 'value="Щит освещения: фото"' in response.text
    assert app.state.portal.db.execute("SELECT count(*) FROM forum_posts").fetchone()[0] == 0
    assert not list((app.state.portal.settings.files_dir / "forum").glob("*"))


def test_a_polyglot_picture_loses_what_follows_the_pixels(app, member, forum):
    topic_id = topic_id_of(new_topic_with(member.client, [("files", ("x.png", png() + b"<script>1</script>",
                                                                     "image/png"))]))
    picture, = saved(app, topic_id)
    assert b"<script>" not in member.client.get(picture.url).content


def test_size_and_count_limits(app, member, forum):
    five = [("files", (f"{n}.pdf", PDF, "application/pdf")) for n in range(6)]
    response = new_topic_with(member.client, five)
    assert response.status_code == 400 and "Не больше 5 файлов" in response.text
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = new_topic_with(member.client, [("files", ("большой.pdf", big, "application/pdf"))])
    assert response.status_code == 413 and "«большой.pdf» больше 10 МБ" in response.text


def test_the_total_follows_the_servers_upload_limit(settings):
    assert forum_files.policy(with_settings(settings, max_upload_bytes=31 * 1024 * 1024)).max_total == 30 * 1024 ** 2
    assert forum_files.policy(with_settings(settings, max_upload_bytes=1024)).max_total == 10 * 1024 ** 2


def test_a_reply_takes_files_too(app, member, other, forum):
    topic_id = topic_id_of(start_topic(member.client))
    response = post_files(other, f"/forum/t/{topic_id}/reply", {"body": "Фото с объекта."},
                          [("files", ("объект.webp", webp(), "image/webp"))])
    assert response.status_code == 303 and response.headers["location"].endswith("#p2")
    html = member.client.get(f"/forum/t/{topic_id}/").text
    assert 'class="f-gallery"' in html and 'alt="объект.webp"' in html


def webp() -> bytes:
    import io

    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (50, 40), "green").save(out, "WEBP")
    return out.getvalue()


def test_a_double_submit_makes_one_post_and_keeps_one_set_of_files(app, member, forum):
    fields = form_fields(member.client.get("/forum/c/obshchee/new").text)
    files = [("files", ("щит.png", png(), "image/png"))]
    first = post_files(member.client, "/forum/c/obshchee/new", {"title": "Один раз", "body": "Фото."}, files, fields)
    again = post_files(member.client, "/forum/c/obshchee/new", {"title": "Один раз", "body": "Фото."}, files, fields)
    assert first.status_code == again.status_code == 303
    assert topic_id_of(first) == topic_id_of(again)
    db = app.state.portal.db
    assert db.execute("SELECT count(*) FROM forum_posts").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM forum_files").fetchone()[0] == 1
    assert len(list((app.state.portal.settings.files_dir / "forum").glob("*"))) == 2  # the picture and its thumbnail


def test_a_malformed_nonce_is_a_bad_form(member, forum):
    response = post_files(member.client, "/forum/c/obshchee/new", {"title": "Тема тут", "body": "Текст.",
                                                                    "nonce": "<x>"}, [])
    assert response.status_code == 400


def test_files_are_only_for_readers_of_the_category(app, member, registered_client, forum):
    staff = make_user(app.state.portal.db, "olga@club.example", member=True, role="staff", name="Ольга")
    with TestClient(app, base_url=BASE_URL) as staff_client:
        sign_in(staff_client, staff.email)
        response = post_files(staff_client, "/forum/c/shtab/new", {"title": "Внутреннее", "body": "Смета."},
                              [("files", ("смета.pdf", PDF, "application/pdf"))])
        inner, = saved(app, topic_id_of(response))
        assert staff_client.get(inner.url).status_code == 200
    assert member.client.get(inner.url).status_code == 404  # a member may not read the staff category
    assert member.client.get(inner.thumb_url).status_code == 404
    assert registered_client.get(inner.url).status_code == 403  # not a member: the way in, no file
    guest = TestClient(app, base_url=BASE_URL)
    assert guest.get(inner.url).status_code == 403 and guest.get(inner.url).content != PDF


def test_walking_keys_finds_nothing(app, member, forum):
    topic_id = topic_id_of(new_topic_with(member.client, [("files", ("a.pdf", PDF, "application/pdf"))]))
    document, = saved(app, topic_id)
    for key in ("0" * 24, document.key[:-1] + ("0" if document.key[-1] != "0" else "1"), "1", "../../etc/passwd",
                document.stored_name):
        assert member.client.get(f"/forum/files/{key}").status_code == 404, key


def test_a_deleted_or_hidden_post_hides_its_files(app, member, other, forum):
    topic_id = topic_id_of(new_topic_with(member.client, [("files", ("a.pdf", PDF, "application/pdf"))]))
    document, = saved(app, topic_id)
    db = app.state.portal.db
    db.execute("UPDATE forum_posts SET hidden_at = 1, hidden_reason = 'spam' WHERE id = ?", [document.post_id])
    assert other.get(document.url).status_code == 404
    assert "a.pdf" not in other.get(f"/forum/t/{topic_id}/").text
    moderator = make_user(db, "mod@club.example", member=True, role="moderator", name="Модератор")
    with TestClient(app, base_url=BASE_URL) as client:
        sign_in(client, moderator.email)
        assert client.get(document.url).status_code == 200  # moderators still see what they hid


def test_x_accel_lets_nginx_send_the_file(app, member, forum, settings):
    topic_id = topic_id_of(new_topic_with(member.client, [("files", ("a.pdf", PDF, "application/pdf"))]))
    document, = saved(app, topic_id)
    portal = app.state.portal
    portal.settings = with_settings(portal.settings, files_accel="/_club_files/")
    response = member.client.get(document.url)
    assert response.headers["x-accel-redirect"] == f"/_club_files/forum/{document.stored_name}"
    assert response.content == b"" and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="a.pdf"'
    assert response.headers["x-content-type-options"] == "nosniff" and response.headers["cache-control"] == "no-store"
    portal.settings = with_settings(portal.settings, files_accel="/../etc/")  # not a plain prefix: sent by us
    assert member.client.get(document.url).content == PDF


def test_the_page_cache_knows_the_files(app, member, forum):
    topic_id = topic_id_of(new_topic_with(member.client, [("files", ("a.png", png(), "image/png"))]))
    picture, = saved(app, topic_id)
    assert picture.thumb_url in member.client.get(f"/forum/t/{topic_id}/").text
    app.state.portal.db.execute("DELETE FROM forum_files WHERE id = ?", [picture.id])
    assert picture.thumb_url not in member.client.get(f"/forum/t/{topic_id}/").text
    forum_render._BLOCKS.clear()


def test_a_failed_post_leaves_no_files(app, member, forum, monkeypatch):
    prepared = [forum_files.prepare(forum_files.Upload("a.png", "image/png", png()))]

    class Request:
        pass

    def make(stored):
        raise RuntimeError("the disk is full")
    request = Request()
    monkeypatch.setattr("portal.forum.file_pages.portal_of", lambda _request: app.state.portal)
    with pytest.raises(RuntimeError):
        create_once(request, prepared, make)
    assert not list((app.state.portal.settings.files_dir / "forum").glob("*"))


@pytest.fixture
def registered_client(app):
    user = make_user(app.state.portal.db, "boris@example.ru")
    with TestClient(app, base_url=BASE_URL) as client:
        sign_in(client, user.email)
        yield client
