"""portal/forum/likes.py and like_pages.py: members mark others' posts as useful; once each, never their own."""

from portal.forum import likes, store
from tests.forum_fixtures import reply_to, start_topic, topic_id_of
from tests.portal_fixtures import submit


def like_counts(app) -> list[tuple]:
    return app.state.portal.db.execute("SELECT post_id, user_id FROM forum_likes ORDER BY post_id, user_id").fetchall()


def test_a_member_likes_a_post_once_and_can_take_it_back(member, other, forum, app):
    topic_id = topic_id_of(start_topic(other, title="Схема DALI", body="Вот схема подключения."))
    post = store.visible_post_by_number(app.state.portal.db, topic_id, 1)
    page = f"/forum/t/{topic_id}/"
    first = submit(member.client, page, f"/forum/p/{post.id}/like", {"action": "like"})
    assert first.status_code == 303 and first.headers["location"].endswith("#p1")
    submit(member.client, page, f"/forum/p/{post.id}/like", {"action": "like"})  # a double press
    assert like_counts(app) == [(post.id, member.user.id)]
    html = member.client.get(page).text
    assert 'aria-pressed="true"' in html and "♥ Полезно · 1" in html
    assert "♥ 1" in other.get(page).text  # the author sees the count, without a button
    submit(member.client, page, f"/forum/p/{post.id}/like", {"action": "unlike"})
    assert like_counts(app) == [] and 'aria-pressed="false"' in member.client.get(page).text


def test_own_posts_unreadable_posts_and_forms_without_a_token_are_refused(member, other, forum, app):
    db = app.state.portal.db
    topic_id = topic_id_of(start_topic(member.client, title="Мой вопрос"))
    own = store.visible_post_by_number(db, topic_id, 1)
    refused = submit(member.client, f"/forum/t/{topic_id}/", f"/forum/p/{own.id}/like", {"action": "like"})
    assert refused.status_code == 403 and "Своё сообщение отметить как полезное нельзя" in refused.text
    # a post in a staff-only category answers 404 to a member, as reading it would
    hidden_topic = store.create_topic(db, store.get_category(db, slug="shtab"), other_user(app), "Внутреннее", "x")[0]
    hidden = store.visible_post_by_number(db, hidden_topic.id, 1)
    assert submit(member.client, "/forum/", f"/forum/p/{hidden.id}/like", {"action": "like"}).status_code == 404
    assert submit(member.client, "/forum/", "/forum/p/999999/like", {"action": "like"}).status_code == 404
    no_token = member.client.post(f"/forum/p/{own.id}/like", data={"action": "like"}, follow_redirects=False)
    assert no_token.status_code == 403 and like_counts(app) == []


def test_counts_and_the_readers_likes_come_in_one_query(member, other, forum, app):
    db = app.state.portal.db
    topic_id = topic_id_of(start_topic(other, title="Какой драйвер выбрать"))
    reply_to(other, topic_id, "Второй ответ")
    first, second = (store.visible_post_by_number(db, topic_id, n) for n in (1, 2))
    likes.like(db, first.id, member.user.id)
    assert likes.on_posts(db, [first.id, second.id], member.user.id) == ({first.id: 1}, {first.id})
    assert likes.on_posts(db, [], member.user.id) == ({}, set())
    assert member.client.get("/account/export").json()["forum_likes"][0]["post"] == first.id


def other_user(app):
    from portal.core.identity import find_user_by_email

    return find_user_by_email(app.state.portal.db, "oleg@lumen.ru")
