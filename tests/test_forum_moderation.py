"""Moderation: every tool works for moderators, is logged, and is refused to members and authors."""

import time

import pytest
from starlette.testclient import TestClient

from portal import forum_search
from portal import forum_store as store

from .forum_fixtures import reply_to, start_topic, topic_id_of
from .portal_fixtures import BASE_URL, make_user, sign_in, submit


@pytest.fixture
def moderator(app):
    user = make_user(app.state.portal.db, "mod@lior.example", member=True, role="moderator", name="Мария Модератор")
    client = TestClient(app, base_url=BASE_URL)
    sign_in(client, user.email)
    return client


@pytest.fixture
def topic_with_reply(member, other, forum, app):
    topic_id = topic_id_of(start_topic(member.client, body="Вопрос про драйверы"))
    reply_to(other, topic_id, "Ответ со спамом про светильники")
    db = app.state.portal.db
    posts = store.list_posts(db, store.get_topic(db, topic_id), 1)
    return topic_id, posts[0], posts[1]


def log_entries(app):
    return app.state.portal.db.execute("SELECT moderator_id, action, target, reason FROM forum_mod_log").fetchall()


def test_moderator_hides_with_a_reason_and_restores(moderator, member, topic_with_reply, app):
    topic_id, _first, reply = topic_with_reply
    missing = submit(moderator, f"/forum/t/{topic_id}/", f"/forum/p/{reply.id}/hide", {"reason": ""})
    assert missing.status_code == 400 and "Укажите причину" in missing.text
    done = submit(moderator, f"/forum/t/{topic_id}/", f"/forum/p/{reply.id}/hide", {"reason": "реклама"})
    assert done.status_code == 303
    html = member.client.get(f"/forum/t/{topic_id}/").text
    assert "Сообщение скрыто модератором: реклама" in html and "Ответ со спамом" not in html
    assert "Ответ со спамом" in moderator.get(f"/forum/t/{topic_id}/").text  # moderators still see it
    db = app.state.portal.db
    assert forum_search.search(db, "спам", readable_category_ids=[1])[1] == 0
    submit(moderator, f"/forum/t/{topic_id}/", f"/forum/p/{reply.id}/restore", {})
    assert "Ответ со спамом" in member.client.get(f"/forum/t/{topic_id}/").text
    assert forum_search.search(db, "спам", readable_category_ids=[1])[1] == 1
    assert [entry[1:] for entry in log_entries(app)] == [("hide", f"post:{reply.id}", "реклама"),
                                                          ("restore", f"post:{reply.id}", "")]


def test_members_and_authors_cannot_moderate(member, other, topic_with_reply):
    topic_id, first, reply = topic_with_reply
    for client in (member.client, other):
        for action, data in ((f"/forum/p/{reply.id}/hide", {"reason": "x"}), (f"/forum/p/{first.id}/restore", {}),
                             (f"/forum/t/{topic_id}/moderate", {"action": "pin"}),
                             ("/forum/mod/ban", {"user": "1", "days": "3", "reason": "x"})):
            response = submit(client, f"/forum/t/{topic_id}/", action, data)
            assert response.status_code == 403 and "для модераторов" in response.text, action
        assert client.get("/forum/mod/flags").status_code == 403
        assert client.get("/forum/mod/log").status_code == 403
        assert client.get(f"/forum/p/{first.id}/history").status_code == 403


def test_pin_lock_and_move(moderator, member, forum, topic_with_reply, app):
    topic_id = topic_with_reply[0]
    for action in ("pin", "lock"):
        assert submit(moderator, f"/forum/t/{topic_id}/", f"/forum/t/{topic_id}/moderate",
                      {"action": action, "reason": "важно"}).status_code == 303
    topic = store.get_topic(app.state.portal.db, topic_id)
    assert topic.pinned and topic.locked
    refused = reply_to(member.client, topic_id, "Ещё ответ")
    assert refused.status_code == 403 and "Тема закрыта" in refused.text
    assert reply_to(moderator, topic_id, "Ответ модератора в закрытой теме").status_code == 303
    submit(moderator, f"/forum/t/{topic_id}/", f"/forum/t/{topic_id}/moderate",
           {"action": "move", "category": "novosti"})
    assert store.get_topic(app.state.portal.db, topic_id).category_id != forum.id
    assert [entry[1] for entry in log_entries(app)] == ["pin", "lock", "move"]


def test_flags_queue_highlights_old_flags_and_resolves(moderator, member, other, topic_with_reply, app):
    topic_id, first, reply = topic_with_reply
    own = submit(other, f"/forum/t/{topic_id}/", f"/forum/p/{reply.id}/flag", {"reason": "spam"})
    assert own.status_code == 400  # one's own post
    flagged = submit(member.client, f"/forum/t/{topic_id}/", f"/forum/p/{reply.id}/flag", {"reason": "spam"})
    assert flagged.status_code == 200 and "модераторы посмотрят" in flagged.text
    again = submit(member.client, f"/forum/t/{topic_id}/", f"/forum/p/{reply.id}/flag", {"reason": "other"})
    assert "уже пожаловались" in again.text
    app.state.portal.db.execute("UPDATE forum_flags SET created_at = ?", [time.time() - 50 * 3600])
    queue = moderator.get("/forum/mod/flags").text
    assert "f-flag-old" in queue and "старше 48 часов" in queue and "spam" in queue
    submit(moderator, "/forum/mod/flags", f"/forum/mod/flags/{reply.id}/resolve",
           {"action": "hide", "reason": "спам"})
    assert "Открытых жалоб нет" in moderator.get("/forum/mod/flags").text
    assert store.get_post(app.state.portal.db, reply.id).hidden_reason == "спам"


def test_posting_ban_stops_posting_until_it_ends(moderator, other, topic_with_reply, app):
    topic_id = topic_with_reply[0]
    oleg = app.state.portal.db.execute("SELECT id FROM users WHERE email = 'oleg@lumen.ru'").fetchone()[0]
    submit(moderator, f"/forum/t/{topic_id}/", "/forum/mod/ban", {"user": str(oleg), "days": "3", "reason": "флуд",
                                                                  "action": "ban"})
    refused = reply_to(other, topic_id, "Пишу, несмотря на запрет")
    assert refused.status_code == 403 and "приостановил вам возможность писать" in refused.text
    assert other.get(f"/forum/t/{topic_id}/").status_code == 200  # reading is still fine
    app.state.portal.db.execute("UPDATE forum_bans SET until = ?", [time.time() - 1])
    assert reply_to(other, topic_id, "Снова могу писать").status_code == 303


def test_edit_history_is_for_moderators(moderator, member, topic_with_reply):
    topic_id, first, _reply = topic_with_reply
    submit(member.client, f"/forum/p/{first.id}/edit", f"/forum/p/{first.id}/edit",
           {"body": "Исправленный вопрос"})
    history = moderator.get(f"/forum/p/{first.id}/history")
    assert history.status_code == 200 and "Вопрос про драйверы" in history.text
    assert member.client.get(f"/forum/p/{first.id}/history").status_code == 403


def test_moderators_may_change_any_post(moderator, topic_with_reply, app):
    _topic_id, _first, reply = topic_with_reply
    response = submit(moderator, f"/forum/p/{reply.id}/edit", f"/forum/p/{reply.id}/edit",
                      {"body": "Отредактировано"})
    assert response.status_code == 303
    assert store.get_post(app.state.portal.db, reply.id).body == "Отредактировано"
