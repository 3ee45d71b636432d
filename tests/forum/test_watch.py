"""Watching: reply mail to watchers only, a stop link that needs a button, the weekly digest."""

import asyncio
import re
import time

from portal.forum import store, watches
from portal.forum import watch as forum_watch
from tests.conftest import wait_for
from tests.forum_fixtures import reply_to, start_topic, topic_id_of
from tests.portal_fixtures import BASE_URL, OLD_NAME, OLD_NAME_CLEANED, addressed_to, make_user, sign_in, submit


def test_watchers_get_a_mail_for_a_reply_and_the_author_does_not(member, other, forum, smtp, app):
    topic_id = topic_id_of(start_topic(member.client))
    watching = submit(member.client, f"/forum/t/{topic_id}/", f"/forum/t/{topic_id}/watch", {"action": "watch"})
    assert watching.status_code == 303 and "Не следить" in member.client.get(f"/forum/t/{topic_id}/").text
    db = app.state.portal.db
    registered = make_user(db, "reader@example.ru")  # not a member: must not get forum mail
    watches.watch(db, registered.id, "topic", topic_id)
    reply_to(other, topic_id, "Подключайте через **DALI-2**.")
    [received] = smtp.wait_for(1)
    assert received.recipients == [member.email]
    text = received.message.get_body(("plain",)).get_content()
    assert "Подключайте через DALI-2." in text and f"/forum/t/{topic_id}/?page=1#p2" in text
    assert "/forum/unwatch?token=" in received.message["List-Unsubscribe"]
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    reply_to(member.client, topic_id, "Спасибо!")  # the watcher's own reply mails nobody
    time.sleep(0.2)
    assert len(smtp.received) == 1


def test_category_watchers_hear_about_every_topic(member, other, forum, smtp):
    submit(member.client, "/forum/c/obshchee/", "/forum/c/obshchee/watch", {"action": "watch"})
    topic_id = topic_id_of(start_topic(other))
    reply_to(other, topic_id, "Дополнение к вопросу")
    assert smtp.wait_for(1)[0].recipients == [member.email]


def test_stop_link_needs_a_button_and_works_without_signing_in(member, other, forum, smtp, app):
    topic_id = topic_id_of(start_topic(member.client))
    submit(member.client, f"/forum/t/{topic_id}/", f"/forum/t/{topic_id}/watch", {"action": "watch"})
    reply_to(other, topic_id, "Ответ")
    text = smtp.wait_for(1)[0].message.get_body(("plain",)).get_content()
    link = re.search(re.escape(BASE_URL) + r"/forum/unwatch\?token=\S+", text).group(0).removeprefix(BASE_URL)
    member.client.cookies.clear()
    page = member.client.get(link)
    assert page.status_code == 200 and "Не следить" in page.text
    db = app.state.portal.db
    assert watches.is_watching(db, member.user.id, "topic", topic_id)
    token = link.split("token=", 1)[1]
    done = member.client.post("/forum/unwatch", data={"token": token})
    assert done.status_code == 200 and not watches.is_watching(db, member.user.id, "topic", topic_id)
    assert member.client.post("/forum/unwatch", data={"token": token[:-3] + "abc"}).status_code == 400


def test_digest_goes_only_to_absent_members_who_asked_once_a_week(member, other, forum, smtp, app):
    db, portal = app.state.portal.db, app.state.portal
    start_topic(other, title="Активная тема недели")
    submit(member.client, "/account/", "/forum/digest", {"digest": "on"})
    visitor = make_user(db, "visitor@example.ru", member=True, name="Вера Посетитель")
    db.execute("UPDATE users SET forum_digest = 1 WHERE id = ?", [visitor.id])
    store.record_visit(db, visitor)  # visited this week: no digest
    make_user(db, "nodigest@example.ru", member=True)  # did not ask: no digest
    assert asyncio.run(forum_watch.send_digests(portal)) == 1
    [received] = smtp.wait_for(1)
    assert received.recipients == [member.email]
    assert "Активная тема недели" in received.message.get_body(("plain",)).get_content()
    assert asyncio.run(forum_watch.send_digests(portal)) == 0  # once a week


# --- names and titles from before one-line cleaning; one failed message never stops the others -------

def watch_with_old_names(app, member, topic_id):
    """Three more members watch the topic; the middle one's stored name holds a newline, CRLF and NUL."""
    db = app.state.portal.db
    people = [make_user(db, f"w{n}@example.ru", member=True, name=f"Читатель {n}") for n in range(3)]
    db.execute("UPDATE users SET name = ? WHERE id = ?", [OLD_NAME, people[1].id])  # written before the fix
    for person in [member.user, *people]:
        watches.watch(db, person.id, "topic", topic_id)
    return people


def test_reply_mail_reaches_every_watcher_when_a_name_has_control_characters(member, other, forum, smtp, app):
    topic_id = topic_id_of(start_topic(member.client))
    watch_with_old_names(app, member, topic_id)
    response = reply_to(other, topic_id, "Ответ для всех")
    assert response.status_code == 303
    received = smtp.wait_for(4)
    named = dict(addressed_to(message)[::-1] for message in received)
    assert named == {member.email: member.user.name, "w0@example.ru": "Читатель 0",
                     "w1@example.ru": OLD_NAME_CLEANED, "w2@example.ru": "Читатель 2"}
    assert {message.message["Subject"] for message in received} == {"Новый ответ: Как подключить DALI-драйвер?"}


def test_a_stored_title_with_a_newline_still_mails_and_the_reply_page_is_a_redirect(member, forum, smtp, app):
    from starlette.testclient import TestClient

    db = app.state.portal.db
    topic_id = topic_id_of(start_topic(member.client))
    db.execute("UPDATE forum_topics SET title = ? WHERE id = ?", ["Старая\nтема\n\nс\r\nпереносами\x00", topic_id])
    watch_with_old_names(app, member, topic_id)
    oleg = make_user(db, "oleg2@lumen.ru", member=True, name="Олег Люменов")
    browser = TestClient(app, base_url=BASE_URL, raise_server_exceptions=False)  # sees what a browser sees
    sign_in(browser, oleg.email)
    response = reply_to(browser, topic_id, "Ответ в старую тему")
    assert response.status_code == 303, response.text[:500]
    assert db.execute("SELECT count(*) FROM forum_posts WHERE topic_id = ?", [topic_id]).fetchone()[0] == 2
    received = smtp.wait_for(4)
    for message in received:
        addressed_to(message)
        assert message.message["Subject"] == "Новый ответ: Старая тема с переносами"
        assert "«Старая тема с переносами»" in message.message.get_body(("plain",)).get_content()


def test_a_message_that_cannot_be_built_is_logged_and_the_others_still_go(member, other, forum, smtp, app,
                                                                         monkeypatch, caplog):
    topic_id = topic_id_of(start_topic(member.client))
    watch_with_old_names(app, member, topic_id)
    real = forum_watch.reply_mail

    def broken_for_one(portal, topic, post, user, kind, target):
        if user.email == "w0@example.ru":
            raise ValueError("cannot build this one")
        return real(portal, topic, post, user, kind, target)

    monkeypatch.setattr(forum_watch, "reply_mail", broken_for_one)
    assert reply_to(other, topic_id, "Ответ").status_code == 303
    received = smtp.wait_for(3)
    wait_for(lambda: any("w0@example.ru" in record.getMessage() and record.levelname == "ERROR"
                         for record in caplog.records), timeout=10)  # the loop logs it, then goes on
    time.sleep(0.2)  # a fourth message would have arrived by now
    assert sorted(r.recipients[0] for r in smtp.received) == sorted(
        [member.email, "w1@example.ru", "w2@example.ru"]) and len(received) == 3


def test_nothing_after_the_reply_is_saved_can_turn_its_page_into_an_error(member, other, forum, smtp, app,
                                                                         monkeypatch, caplog):
    import sqlite3

    topic_id = topic_id_of(start_topic(member.client))

    def locked(*_args):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(forum_watch, "watchers", locked)
    response = reply_to(other, topic_id, "Ответ")  # this client re-raises anything the app lets escape
    assert response.status_code == 303
    assert app.state.portal.db.execute("SELECT count(*) FROM forum_posts WHERE topic_id = ?",
                                       [topic_id]).fetchone()[0] == 2
    assert any(f"watchers of topic {topic_id}" in record.getMessage() for record in caplog.records)


def digest_readers(app, count):
    """`count` members who asked for the digest and never visited; the second one's stored name is OLD_NAME."""
    db = app.state.portal.db
    people = [make_user(db, f"d{n}@example.ru", member=True, name=f"Читатель {n}") for n in range(count)]
    db.execute("UPDATE users SET name = ? WHERE id = ?", [OLD_NAME, people[1].id])  # written before the fix
    for person in people:
        db.execute("UPDATE users SET forum_digest = 1 WHERE id = ?", [person.id])
    return people


def test_the_digest_runs_for_everyone_despite_names_and_titles_with_control_characters(other, forum, smtp, app):
    db, portal = app.state.portal.db, app.state.portal
    topic_id = topic_id_of(start_topic(other, title="Активная тема недели"))
    db.execute("UPDATE forum_topics SET title = ? WHERE id = ?", ["Активная\r\nтема\x00недели", topic_id])
    digest_readers(app, 3)
    assert asyncio.run(forum_watch.send_digests(portal)) == 3
    received = smtp.wait_for(3)
    assert {addressed_to(r) for r in received} == {("Читатель 0", "d0@example.ru"), ("Читатель 2", "d2@example.ru"),
                                                   (OLD_NAME_CLEANED, "d1@example.ru")}
    assert all("- Активная тема недели (1 сообщение)" in r.message.get_body(("plain",)).get_content()
               for r in received)
    assert asyncio.run(forum_watch.send_digests(portal)) == 0  # all marked as sent: once a week


def test_a_digest_that_cannot_be_built_is_logged_and_tried_again_next_run(other, forum, smtp, app, monkeypatch,
                                                                         caplog):
    portal = app.state.portal
    start_topic(other, title="Активная тема недели")
    digest_readers(app, 3)
    real = forum_watch.personal_mail

    def broken_for_one(portal, name, user, **values):
        if user.email == "d0@example.ru":
            raise ValueError("cannot build this one")
        return real(portal, name, user, **values)

    monkeypatch.setattr(forum_watch, "personal_mail", broken_for_one)
    assert asyncio.run(forum_watch.send_digests(portal)) == 2
    assert sorted(r.recipients[0] for r in smtp.wait_for(2)) == ["d1@example.ru", "d2@example.ru"]
    assert any("d0@example.ru" in record.getMessage() and record.levelname == "ERROR" for record in caplog.records)
    monkeypatch.setattr(forum_watch, "personal_mail", real)
    assert asyncio.run(forum_watch.send_digests(portal)) == 1  # the one that failed goes out on the next run
    assert smtp.wait_for(3)[2].recipients == ["d0@example.ru"]
