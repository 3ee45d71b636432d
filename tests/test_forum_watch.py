"""Watching: reply mail to watchers only, a stop link that needs a button, the weekly digest."""

import asyncio
import re
import time

from portal import forum_store as store
from portal import forum_watch

from .forum_fixtures import reply_to, start_topic, topic_id_of
from .portal_fixtures import BASE_URL, make_user, submit


def test_watchers_get_a_mail_for_a_reply_and_the_author_does_not(member, other, forum, smtp, app):
    topic_id = topic_id_of(start_topic(member.client))
    watching = submit(member.client, f"/forum/t/{topic_id}/", f"/forum/t/{topic_id}/watch", {"action": "watch"})
    assert watching.status_code == 303 and "Не следить" in member.client.get(f"/forum/t/{topic_id}/").text
    db = app.state.portal.db
    registered = make_user(db, "reader@example.ru")  # not a member: must not get forum mail
    forum_watch.watch(db, registered.id, "topic", topic_id)
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
    assert forum_watch.is_watching(db, member.user.id, "topic", topic_id)
    token = link.split("token=", 1)[1]
    done = member.client.post("/forum/unwatch", data={"token": token})
    assert done.status_code == 200 and not forum_watch.is_watching(db, member.user.id, "topic", topic_id)
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
