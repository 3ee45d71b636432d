"""Moderation: every tool works for moderators, is logged (who, why), and is refused to members and authors."""

import re
import time
from dataclasses import dataclass
from html import unescape as html_unescape

import pytest
from starlette.testclient import TestClient

from portal.core import identity
from portal.core.i18n import translate
from portal.forum import search as forum_search
from portal.forum import store
from portal.forum.rules import Post
from tests.forum_fixtures import reply_to, start_topic
from tests.portal_fixtures import BASE_URL, make_user, sign_in, submit

MODERATORS_ONLY = "для модераторов"


@dataclass
class Board:
    """A topic by Anna (the `member`) with a reply by Oleg (`other`), made through forum_store."""

    topic_id: int
    first: Post
    reply: Post
    anna: identity.User
    oleg: identity.User

    @property
    def page(self) -> str:
        return f"/forum/t/{self.topic_id}/"


@pytest.fixture
def mod_user(app):
    return make_user(app.state.portal.db, "mod@lior.example", member=True, role="moderator", name="Мария Модератор")


@pytest.fixture
def moderator(app, mod_user):
    client = TestClient(app, base_url=BASE_URL)
    sign_in(client, mod_user.email)
    return client


@pytest.fixture
def board(app, forum, member, other):
    db = app.state.portal.db
    oleg = identity.find_user_by_email(db, "oleg@lumen.ru")
    topic, first = store.create_topic(db, forum, member.user, "Как подключить DALI-драйвер?", "Вопрос про драйверы")
    reply = store.add_reply(db, topic, oleg, "Ответ со спамом про светильники")
    return Board(topic.id, first, reply, member.user, oleg)


def log_entries(app) -> list[tuple]:
    return app.state.portal.db.execute(
        "SELECT moderator_id, action, target, reason FROM forum_mod_log ORDER BY id").fetchall()


def topic_of(app, board):
    return store.get_topic(app.state.portal.db, board.topic_id)


def post_of(app, post):
    return store.get_post(app.state.portal.db, post.id)


def found(app, word: str) -> int:
    return forum_search.search(app.state.portal.db, word, readable_category_ids=[1, 2, 3])[1]


# --- topic tools --------------------------------------------------------------------------------

def test_pin_unpin_lock_unlock_are_logged_with_who_and_why(moderator, mod_user, board, app):
    for action, pinned, locked in (("pin", True, False), ("lock", True, True), ("unpin", False, True),
                                   ("unlock", False, False)):
        response = submit(moderator, board.page, f"/forum/t/{board.topic_id}/moderate",
                          {"action": action, "reason": f"причина {action}"})
        assert response.status_code == 303 and response.headers["location"] == board.page
        topic = topic_of(app, board)
        assert (topic.pinned, topic.locked) == (pinned, locked), action
    topic_target = f"topic:{board.topic_id}"
    assert log_entries(app) == [(mod_user.id, action, topic_target, f"причина {action}")
                                for action in ("pin", "lock", "unpin", "unlock")]
    submit(moderator, board.page, f"/forum/t/{board.topic_id}/moderate", {"action": "unpin"})
    assert len(log_entries(app)) == 4  # nothing changed, nothing logged
    bad = submit(moderator, board.page, f"/forum/t/{board.topic_id}/moderate", {"action": "explode"})
    assert bad.status_code == 400


def test_locked_topic_refuses_member_replies_but_not_moderators(moderator, member, other, board):
    submit(moderator, board.page, f"/forum/t/{board.topic_id}/moderate", {"action": "lock"})
    for client in (member.client, other):  # the topic's author and another member
        refused = reply_to(client, board.topic_id, "Ещё один ответ")
        assert refused.status_code == 403 and "Тема закрыта" in refused.text
    assert reply_to(moderator, board.topic_id, "Ответ модератора в закрытой теме").status_code == 303
    submit(moderator, board.page, f"/forum/t/{board.topic_id}/moderate", {"action": "unlock"})
    assert reply_to(other, board.topic_id, "Снова можно отвечать").status_code == 303


def test_move_changes_the_category_and_says_where(moderator, mod_user, forum, board, app):
    response = submit(moderator, board.page, f"/forum/t/{board.topic_id}/moderate",
                      {"action": "move", "category": "novosti", "reason": "это объявление"})
    assert response.status_code == 303
    novosti = store.get_category(app.state.portal.db, slug="novosti")
    assert topic_of(app, board).category_id == novosti.id != forum.id
    assert log_entries(app) == [(mod_user.id, "move", f"topic:{board.topic_id}",
                                 "obshchee → novosti. это объявление")]
    unknown = submit(moderator, board.page, f"/forum/t/{board.topic_id}/moderate",
                     {"action": "move", "category": "net-takogo"})
    assert unknown.status_code == 400 and topic_of(app, board).category_id == novosti.id
    assert len(log_entries(app)) == 1


# --- hiding posts -------------------------------------------------------------------------------

def test_hiding_needs_a_reason_and_keeps_the_form(moderator, board, app):
    missing = submit(moderator, board.page, f"/forum/p/{board.reply.id}/hide", {"reason": "  "})
    assert missing.status_code == 400 and "Укажите причину" in missing.text
    assert f'action="/forum/p/{board.reply.id}/hide"' in missing.text and 'name="reason"' in missing.text
    assert post_of(app, board.reply).hidden_at is None and log_entries(app) == []


def test_moderator_hides_with_a_reason_and_restores(moderator, mod_user, member, board, app):
    assert found(app, "спам") == 1 and topic_of(app, board).post_count == 2
    done = submit(moderator, board.page, f"/forum/p/{board.reply.id}/hide", {"reason": "реклама"})
    assert done.status_code == 303 and done.headers["location"].endswith("#p2")
    hidden = post_of(app, board.reply)
    assert hidden.hidden_at and hidden.hidden_reason == "реклама" and not hidden.visible
    assert app.state.portal.db.execute("SELECT hidden_by FROM forum_posts WHERE id = ?",
                                       [board.reply.id]).fetchone()[0] == mod_user.id
    assert found(app, "спам") == 0 and topic_of(app, board).post_count == 1
    # Members see the reason instead of the text; moderators still see the text.
    html = member.client.get(board.page).text
    assert translate("ru", "forum.post_hidden", reason="реклама") in html and "Ответ со спамом" not in html
    assert "Ответ со спамом" in moderator.get(board.page).text
    submit(moderator, board.page, f"/forum/p/{board.reply.id}/hide", {"reason": "ещё раз"})  # already hidden
    assert topic_of(app, board).post_count == 1
    submit(moderator, board.page, f"/forum/p/{board.reply.id}/restore", {"reason": "ошибся"})
    assert post_of(app, board.reply).visible and topic_of(app, board).post_count == 2
    assert found(app, "спам") == 1 and "Ответ со спамом" in member.client.get(board.page).text
    assert log_entries(app) == [(mod_user.id, "hide", f"post:{board.reply.id}", "реклама"),
                                (mod_user.id, "restore", f"post:{board.reply.id}", "ошибся")]


def test_hiding_the_opening_post_unindexes_its_title_and_restoring_brings_it_back(moderator, board, app):
    assert found(app, "драйвер") == 1
    submit(moderator, board.page, f"/forum/p/{board.first.id}/hide", {"reason": "дубль"})
    assert found(app, "драйвер") == 0
    submit(moderator, board.page, f"/forum/p/{board.first.id}/restore", {})
    assert found(app, "DALI") == 1  # the title is indexed with the opening post again


# --- refusals -----------------------------------------------------------------------------------

def moderator_posts(board: Board) -> list[tuple[str, dict]]:
    return [
        (f"/forum/p/{board.reply.id}/hide", {"reason": "x"}),
        (f"/forum/p/{board.first.id}/hide", {"reason": "x"}),
        (f"/forum/p/{board.first.id}/restore", {}),
        (f"/forum/t/{board.topic_id}/moderate", {"action": "pin"}),
        (f"/forum/t/{board.topic_id}/moderate", {"action": "lock"}),
        (f"/forum/t/{board.topic_id}/moderate", {"action": "move", "category": "novosti"}),
        (f"/forum/mod/flags/{board.reply.id}/resolve", {"action": "hide", "reason": "x"}),
        (f"/forum/mod/flags/{board.first.id}/resolve", {"action": "dismiss"}),
        ("/forum/mod/ban", {"user": str(board.anna.id), "days": "3", "reason": "x"}),
        ("/forum/mod/ban", {"user": str(board.oleg.id), "days": "3", "reason": "x"}),
        ("/forum/mod/unban", {"user": str(board.oleg.id)}),
    ]


def moderator_pages(board: Board) -> list[str]:
    return ["/forum/mod/flags", "/forum/mod/log", "/forum/mod/ban", f"/forum/p/{board.reply.id}/hide",
            f"/forum/p/{board.first.id}/history", f"/forum/p/{board.reply.id}/history"]


def test_members_and_authors_cannot_moderate(member, other, board, app):
    db = app.state.portal.db
    db.execute("INSERT INTO forum_bans (user_id, until, reason, by_id, created_at) VALUES (?, ?, 'x', NULL, ?)",
               [board.oleg.id, time.time() + 3600, time.time()])
    # Anna wrote the topic and its opening post, Oleg the reply: neither may moderate either.
    for client in (member.client, other):
        for action, data in moderator_posts(board):
            response = submit(client, board.page, action, data)
            assert response.status_code == 403 and MODERATORS_ONLY in response.text, action
        for path in moderator_pages(board):
            response = client.get(path)
            assert response.status_code == 403 and MODERATORS_ONLY in response.text, path
    topic = topic_of(app, board)
    assert (topic.pinned, topic.locked, topic.post_count) == (False, False, 2)
    assert store.get_category(db, category_id=topic.category_id).slug == "obshchee"
    assert post_of(app, board.first).visible and post_of(app, board.reply).visible
    assert db.execute("SELECT user_id FROM forum_bans").fetchall() == [(board.oleg.id,)]  # not lifted by Oleg
    assert log_entries(app) == []


def test_anonymous_visitors_are_sent_to_sign_in(app, board):
    anonymous = TestClient(app, base_url=BASE_URL)
    for path in moderator_pages(board):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/account/login?next="), path
    for action, data in moderator_posts(board):
        response = submit(anonymous, "/account/login", action, data)
        assert response.status_code == 303 and response.headers["location"].startswith("/account/login?"), action
    flag = submit(anonymous, "/account/login", f"/forum/p/{board.reply.id}/flag", {"reason": "spam"})
    assert flag.status_code == 403
    assert log_entries(app) == [] and app.state.portal.db.execute("SELECT count(*) FROM forum_flags").fetchone()[0] == 0


# --- flags --------------------------------------------------------------------------------------

def flags(app) -> list[tuple]:
    return app.state.portal.db.execute("SELECT post_id, user_id, reason, note, resolved_at, resolved_by "
                                       "FROM forum_flags ORDER BY id").fetchall()


def test_member_flags_a_post_once_and_never_their_own(member, other, board, app):
    flagged = submit(member.client, board.page, f"/forum/p/{board.reply.id}/flag",
                     {"reason": "spam", "note": "реклама светильников"})
    assert flagged.status_code == 200 and "модераторы посмотрят" in flagged.text
    again = submit(member.client, board.page, f"/forum/p/{board.reply.id}/flag", {"reason": "other"})
    assert again.status_code == 200 and "уже пожаловались" in again.text  # a friendly message, not an error
    own = submit(other, board.page, f"/forum/p/{board.reply.id}/flag", {"reason": "spam"})
    assert own.status_code == 403 and "На своё сообщение пожаловаться нельзя" in own.text
    assert flags(app) == [(board.reply.id, board.anna.id, "spam", "реклама светильников", None, None)]


def test_flag_reason_note_and_readable_post_are_checked(member, other, board, app, forum):
    for data in ({"reason": "boring"}, {"reason": "other", "note": "я" * 501}):
        assert submit(member.client, board.page, f"/forum/p/{board.reply.id}/flag", data).status_code == 400
    # A post in the staff-only category is not there for members to flag.
    db = app.state.portal.db
    staff_topic, staff_post = store.create_topic(db, store.get_category(db, slug="shtab"), board.oleg,
                                                 "Внутреннее обсуждение", "Только для своих")
    assert submit(member.client, board.page, f"/forum/p/{staff_post.id}/flag",
                  {"reason": "spam"}).status_code == 404
    db.execute("UPDATE forum_posts SET hidden_at = ?, hidden_reason = 'x' WHERE id = ?", [time.time(), board.reply.id])
    assert submit(member.client, board.page, f"/forum/p/{board.reply.id}/flag",
                  {"reason": "spam"}).status_code == 404
    assert flags(app) == []
    longest = submit(other, board.page, f"/forum/p/{board.first.id}/flag", {"reason": "off_topic", "note": "я" * 500})
    assert longest.status_code == 200
    assert flags(app) == [(board.first.id, board.oleg.id, "off_topic", "я" * 500, None, None)]


def queue_row(html: str, post_id: int) -> str:
    match = re.search(rf'<tr id="flag-{post_id}"[^>]*>.*?</tr>', html, re.S)
    assert match, f"post {post_id} is not in the queue"
    return match.group(0)


def test_queue_groups_flags_newest_first_and_highlights_old_ones(moderator, member, other, board, app):
    db = app.state.portal.db
    third = make_user(db, "vera@example.ru", member=True, name="Вера Третьякова")
    submit(member.client, board.page, f"/forum/p/{board.reply.id}/flag", {"reason": "spam", "note": "реклама"})
    db.execute("INSERT INTO forum_flags (post_id, user_id, reason, note, created_at) VALUES (?, ?, 'off_topic', '', ?)",
               [board.reply.id, third.id, time.time() - 60])
    submit(other, board.page, f"/forum/p/{board.first.id}/flag", {"reason": "inappropriate"})
    db.execute("UPDATE forum_flags SET created_at = ? WHERE post_id = ?", [time.time() - 50 * 3600, board.first.id])
    queue = moderator.get("/forum/mod/flags")
    assert queue.status_code == 200
    reply_row, first_row = queue_row(queue.text, board.reply.id), queue_row(queue.text, board.first.id)
    assert queue.text.index(reply_row) < queue.text.index(first_row)  # the newest flag first
    assert "f-flag-old" in first_row and "старше 48 часов" in first_row
    assert "f-flag-old" not in reply_row and "старше 48 часов" not in reply_row
    assert "спам" in reply_row and "не по теме" in reply_row and "реклама" in reply_row  # two flags, one row
    assert "Анна Светлова" in reply_row and "Вера Третьякова" in reply_row
    assert "неуместно" in first_row and "Олег Люменов" in first_row
    assert f'href="/forum/t/{board.topic_id}/?page=1#p2"' in reply_row
    assert f'href="/forum/t/{board.topic_id}/?page=1#p1"' in first_row


def test_resolving_flags_dismisses_or_hides(moderator, mod_user, member, other, board, app):
    submit(member.client, board.page, f"/forum/p/{board.reply.id}/flag", {"reason": "spam"})
    submit(other, board.page, f"/forum/p/{board.first.id}/flag", {"reason": "other"})
    assert submit(moderator, "/forum/mod/flags", f"/forum/mod/flags/{board.first.id}/resolve",
                  {"action": "maybe"}).status_code == 400
    dismissed = submit(moderator, "/forum/mod/flags", f"/forum/mod/flags/{board.first.id}/resolve",
                       {"action": "dismiss", "reason": "по делу"})
    assert dismissed.status_code == 303 and dismissed.headers["location"] == "/forum/mod/flags"
    assert post_of(app, board.first).visible
    submit(moderator, "/forum/mod/flags", f"/forum/mod/flags/{board.reply.id}/resolve",
           {"action": "hide", "reason": "спам"})
    assert post_of(app, board.reply).hidden_reason == "спам" and topic_of(app, board).post_count == 1
    assert found(app, "спам") == 0
    assert all(resolved_at and resolved_by == mod_user.id for *_rest, resolved_at, resolved_by in flags(app))
    assert "Открытых жалоб нет" in moderator.get("/forum/mod/flags").text
    assert log_entries(app) == [(mod_user.id, "flags_dismiss", f"post:{board.first.id}", "по делу"),
                                (mod_user.id, "flags_hide", f"post:{board.reply.id}", "спам")]


def test_hiding_from_the_queue_without_a_reason_says_it_was_the_flags(moderator, member, board, app):
    submit(member.client, board.page, f"/forum/p/{board.reply.id}/flag", {"reason": "spam"})
    submit(moderator, "/forum/mod/flags", f"/forum/mod/flags/{board.reply.id}/resolve", {"action": "hide"})
    assert post_of(app, board.reply).hidden_reason == translate("ru", "forum.hidden_by_flags")


# --- posting bans -------------------------------------------------------------------------------

def test_posting_ban_stops_posting_until_it_ends(moderator, mod_user, other, board, app):
    banned = submit(moderator, board.page, "/forum/mod/ban",
                    {"user": str(board.oleg.id), "days": "3", "reason": "флуд", "action": "ban"})
    assert banned.status_code == 303
    until, reason, by_id = app.state.portal.db.execute("SELECT until, reason, by_id FROM forum_bans").fetchone()
    assert reason == "флуд" and by_id == mod_user.id and abs(until - (time.time() + 3 * 86400)) < 60
    assert log_entries(app) == [(mod_user.id, "ban", f"user:{board.oleg.id}", "3 d: флуд")]
    refused = reply_to(other, board.topic_id, "Пишу, несмотря на запрет")
    assert refused.status_code == 403 and "приостановил вам возможность писать" in refused.text
    new_topic = start_topic(other, title="Новая тема в обход запрета")
    assert new_topic.status_code == 403 and "приостановил вам возможность писать" in new_topic.text
    assert other.get(board.page).status_code == 200  # reading is still fine
    assert "Олег Люменов" in moderator.get("/forum/mod/ban").text  # among the active bans
    app.state.portal.db.execute("UPDATE forum_bans SET until = ?", [time.time() - 1])
    assert reply_to(other, board.topic_id, "Снова могу писать").status_code == 303


def test_moderator_lifts_a_ban(moderator, mod_user, other, board, app):
    submit(moderator, "/forum/mod/ban", "/forum/mod/ban", {"user": str(board.oleg.id), "days": "30", "reason": "флуд"})
    assert reply_to(other, board.topic_id, "Можно?").status_code == 403
    lifted = submit(moderator, "/forum/mod/ban", "/forum/mod/unban",
                    {"user": str(board.oleg.id), "reason": "извинился"})
    assert lifted.status_code == 303
    assert app.state.portal.db.execute("SELECT count(*) FROM forum_bans").fetchone()[0] == 0
    assert reply_to(other, board.topic_id, "Спасибо, больше не буду").status_code == 303
    assert log_entries(app)[-1] == (mod_user.id, "unban", f"user:{board.oleg.id}", "извинился")


@pytest.mark.parametrize(("data", "error"), [
    ({"days": "3", "reason": ""}, "Укажите причину"),
    ({"days": "0", "reason": "флуд"}, "от 1 до 365 дней"),
    ({"days": "366", "reason": "флуд"}, "от 1 до 365 дней"),
    ({"days": "три", "reason": "флуд"}, "от 1 до 365 дней"),
    ({"user": "999", "days": "3", "reason": "флуд"}, "Выберите участника: найдите его по имени"),
    ({"user": "self", "days": "3", "reason": "флуд"}, "Себе запретить писать нельзя"),
])
def test_ban_form_is_checked_and_kept(moderator, mod_user, board, app, data, error):
    user = {"self": str(mod_user.id)}.get(data.get("user", ""), data.get("user", str(board.oleg.id)))
    response = submit(moderator, "/forum/mod/ban", "/forum/mod/ban", {**data, "user": user})
    assert response.status_code == 400 and error in response.text
    assert 'action="/forum/mod/ban"' in response.text
    if data["reason"] and "user" in data:  # a wrong person: the search comes back, carrying the period and reason
        assert 'name="q"' in response.text and f'name="reason" value="{data["reason"]}"' in response.text
    elif data["reason"]:
        assert f'value="{data["reason"]}"' in response.text  # what the moderator typed is kept
    assert app.state.portal.db.execute("SELECT count(*) FROM forum_bans").fetchone()[0] == 0
    assert log_entries(app) == []


# --- the log and the edit history ---------------------------------------------------------------

def test_log_shows_who_when_what_and_why_with_links(moderator, board, app):
    submit(moderator, board.page, f"/forum/t/{board.topic_id}/moderate", {"action": "pin", "reason": "важно"})
    submit(moderator, board.page, f"/forum/p/{board.reply.id}/hide", {"reason": "реклама"})
    submit(moderator, "/forum/mod/ban", "/forum/mod/ban", {"user": str(board.oleg.id), "days": "3", "reason": "флуд"})
    page = moderator.get("/forum/mod/log").text
    for text in ("Мария Модератор", "закрепил(а) тему", "важно", "скрыл(а) сообщение", "реклама",
                 "запретил(а) писать", "3 d: флуд", f'href="/forum/t/{board.topic_id}/"',
                 f'href="/forum/t/{board.topic_id}/?page=1#p2"', f'href="/forum/mod/ban?user={board.oleg.id}"'):
        assert text in page, text
    assert page.index("флуд") < page.index("реклама") < page.index("важно")  # the latest first


def test_log_shows_the_latest_200(moderator, mod_user, app):
    db = app.state.portal.db
    db.conn.executemany("INSERT INTO forum_mod_log (moderator_id, action, target, reason, created_at) "
                        "VALUES (?, 'pin', 'topic:999', ?, ?)",
                        [(mod_user.id, f"запись-{n:03d}", time.time()) for n in range(205)])
    page = moderator.get("/forum/mod/log").text
    assert page.count("запись-") == 200 and "запись-204" in page and "запись-004" not in page


def test_edit_history_is_for_moderators(moderator, member, other, board, app):
    edited = submit(member.client, f"/forum/p/{board.first.id}/edit", f"/forum/p/{board.first.id}/edit",
                    {"body": "Исправленный вопрос"})
    assert edited.status_code == 303
    store.edit_post(app.state.portal.db, post_of(app, board.first), board.anna, "Исправленный вопрос, ещё раз")
    history = moderator.get(f"/forum/p/{board.first.id}/history")
    assert history.status_code == 200
    assert "Вопрос про драйверы" in history.text and "Исправленный вопрос</pre>" in history.text
    assert "Исправленный вопрос, ещё раз" in history.text
    for client in (member.client, other):  # the author too
        refused = client.get(f"/forum/p/{board.first.id}/history")
        assert refused.status_code == 403 and "Вопрос про драйверы" not in refused.text


def test_moderators_may_change_any_post(moderator, board, app):
    response = submit(moderator, f"/forum/p/{board.reply.id}/edit", f"/forum/p/{board.reply.id}/edit",
                      {"body": "Отредактировано"})
    assert response.status_code == 303
    assert post_of(app, board.reply).body == "Отредактировано"


def test_flag_page_shows_the_post_and_the_reasons(member, board):
    reply = board.reply
    assert f'href="/forum/p/{reply.id}/flag"' in member.client.get(f"/forum/t/{board.topic_id}/").text
    page = member.client.get(f"/forum/p/{reply.id}/flag")
    assert page.status_code == 200 and "Ответ со спамом" in page.text and 'value="off_topic"' in page.text
    assert member.client.get("/forum/p/999999/flag").status_code == 404


def test_only_a_higher_role_may_ban_staff(moderator, mod_user, board, app):
    db = app.state.portal.db
    admin = make_user(db, "admin@lior.example", member=True, role="admin", name="Анна Администратор")
    colleague = make_user(db, "mod2@lior.example", member=True, role="moderator", name="Второй Модератор")
    for target in (admin, colleague):
        refused = submit(moderator, "/forum/mod/ban", "/forum/mod/ban",
                         {"user": str(target.id), "days": "3", "reason": "проверка"})
        assert refused.status_code == 400 and "более высокой ролью" in refused.text
    assert db.execute("SELECT count(*) FROM forum_bans").fetchone()[0] == 0
    boss = TestClient(app, base_url=BASE_URL)
    sign_in(boss, admin.email)
    allowed = submit(boss, "/forum/mod/ban", "/forum/mod/ban", {"user": str(mod_user.id), "days": "3", "reason": "x"})
    assert allowed.status_code == 303


def test_a_banned_member_cannot_edit_recent_posts_either(moderator, other, board, app):
    submit(moderator, "/forum/mod/ban", "/forum/mod/ban", {"user": str(board.oleg.id), "days": "3", "reason": "флуд"})
    edit_page = f"/forum/p/{board.reply.id}/edit"
    assert other.get(edit_page).status_code == 403
    token = re.search(r'name="csrf" value="([^"]+)"', other.get(board.page).text).group(1)
    refused = other.post(edit_page, data={"csrf": token, "body": "Переписал в обход запрета"})
    assert refused.status_code == 403 and "изменять сообщения" in refused.text
    assert post_of(app, board.reply).body == "Ответ со спамом про светильники"


def test_staff_only_topics_answer_404_to_members_for_every_action(member, board, app, forum):
    db = app.state.portal.db
    staff_room = store.get_category(db, slug="shtab")
    chief = make_user(db, "chief@lior.example", member=True, role="staff", name="Глеб Штабной")
    topic, first = store.create_topic(db, staff_room, chief, "Внутреннее совещание", "Только для сотрудников")
    token = re.search(r'name="csrf" value="([^"]+)"', member.client.get(board.page).text).group(1)
    for action in (f"/forum/t/{topic.id}/watch", f"/forum/p/{first.id}/delete"):
        response = member.client.post(action, data={"csrf": token, "action": "watch"}, follow_redirects=False)
        assert response.status_code == 404, action
    assert member.client.get(f"/forum/t/{topic.id}/").status_code == 404
    assert store.get_post(db, first.id).visible


def test_a_moderator_finds_the_member_by_name_and_bans_them(moderator, board, app):
    short = moderator.get("/forum/mod/ban?q=О").text
    assert "Введите хотя бы 2 буквы." in short
    assert "Никого не нашли" in moderator.get("/forum/mod/ban?q=Несуществующий").text
    page = moderator.get("/forum/mod/ban?q=люменов&days=5&reason=флуд").text  # any case; ё = е
    choose = re.search(r'href="(/forum/mod/ban\?user=(\d+)[^"]*)"[^>]*aria-label="Выбрать: Олег Люменов"', page)
    assert choose and int(choose.group(2)) == board.oleg.id
    form = moderator.get(html_unescape(choose.group(1))).text
    assert re.search(r'name="reason" type="text"\s+value="флуд"', form)  # carried through the search
    assert re.search(r'name="days" type="number"\s+value="5"', form)
    assert "Запретить писать: Олег Люменов" in form
    response = submit(moderator, html_unescape(choose.group(1)), "/forum/mod/ban",
                      {"user": str(board.oleg.id), "days": "5", "reason": "флуд"})
    assert response.status_code == 303
    assert app.state.portal.db.execute("SELECT user_id FROM forum_bans").fetchall() == [(board.oleg.id,)]
