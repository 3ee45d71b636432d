"""portal/forum/lists.py: category pages and the latest topics come from caches, yet every change to what a
list shows is there on the very next request, and one reader's list (unread marks, categories only staff
may read) is never shown to another."""

import re

import pytest
from starlette.testclient import TestClient

from portal.core import identity
from portal.forum import solutions, store
from tests.forum_fixtures import reply_to, start_topic, topic_id_of
from tests.portal_fixtures import BASE_URL, make_user, sign_in, submit

LISTS = ("/forum/c/obshchee/", "/forum/latest")


@pytest.fixture
def staff(app):
    user = make_user(app.state.portal.db, "mod@lior.example", member=True, role="moderator", name="Мария Модератор")
    client = TestClient(app, base_url=BASE_URL)
    sign_in(client, user.email)
    return client


def row_of(html: str, topic_id: int) -> str:
    """The table row of one topic on a list page."""
    found = re.search(rf'<tr class="[^"]*">(?:(?!</tr>).)*?href="/forum/t/{topic_id}/"(?:(?!</tr>).)*</tr>', html, re.S)
    assert found, f"topic {topic_id} is not listed"
    return found.group(0)


def rows(client, topic_id: int) -> list[str]:
    return [row_of(client.get(path).text, topic_id) for path in LISTS]


def test_each_change_to_a_topic_shows_at_once_on_both_lists(member, other, staff, forum, app):
    db = app.state.portal.db
    topic_id = topic_id_of(start_topic(member.client, title="Драйвер гудит на малой яркости"))
    assert all(">0<" in row for row in rows(other, topic_id))  # no replies yet; both lists now cached
    reply_to(other, topic_id, "Поменяйте драйвер на DALI.")
    assert all(">1<" in row and "Олег Люменов" in row for row in rows(other, topic_id))
    page = f"/forum/t/{topic_id}/"
    submit(member.client, page, f"/forum/t/{topic_id}/solution", {"number": "2"})
    assert all("✓ Решено" in row for row in rows(other, topic_id))
    solutions.clear(db, topic_id)
    assert all("✓ Решено" not in row for row in rows(other, topic_id))
    reply = store.visible_post_by_number(db, topic_id, 2)
    submit(staff, page, f"/forum/p/{reply.id}/hide", {"reason": "не по теме"})
    assert all(">0<" in row and "Олег Люменов" not in row for row in rows(other, topic_id))  # last post: Anna's
    submit(staff, page, f"/forum/p/{reply.id}/restore", {})
    assert all(">1<" in row and "Олег Люменов" in row for row in rows(other, topic_id))
    store.delete_post(db, store.get_post(db, reply.id))
    assert all(">0<" in row for row in rows(other, topic_id))
    for action, badge in (("pin", "Закреплено"), ("lock", "Закрыто")):
        submit(staff, page, f"/forum/t/{topic_id}/moderate", {"action": action})
        assert badge in row_of(other.get(LISTS[0]).text, topic_id)


def test_a_rename_shows_at_once(member, other, forum, app):
    db = app.state.portal.db
    topic_id = topic_id_of(start_topic(member.client, title="Какой профиль для ленты"))
    assert all("Анна Светлова" in row for row in rows(other, topic_id))
    identity.update_profile(db, member.user.id, identity.ProfileUpdate(
        name="Анна Лампова", company_id=member.user.company_id, phone="+79123456789"))
    assert all("Анна Лампова" in row and "Анна Светлова" not in row for row in rows(other, topic_id))


def test_a_moved_topic_leaves_one_list_for_another_at_once(member, staff, forum, app):
    topic_id = topic_id_of(start_topic(member.client, title="Новость о выставке"))
    assert f"/forum/t/{topic_id}/" in member.client.get("/forum/c/obshchee/").text
    assert f"/forum/t/{topic_id}/" not in member.client.get("/forum/c/novosti/").text
    submit(staff, f"/forum/t/{topic_id}/", f"/forum/t/{topic_id}/moderate", {"action": "move", "category": "novosti"})
    assert f"/forum/t/{topic_id}/" not in member.client.get("/forum/c/obshchee/").text
    assert f"/forum/t/{topic_id}/" in member.client.get("/forum/c/novosti/").text
    assert "Новости от сотрудников" in member.client.get("/forum/c/novosti/").text
    latest = member.client.get("/forum/latest").text
    assert 'href="/forum/c/novosti/">Объявления</a>' in row_of(latest, topic_id)


def test_each_reader_sees_their_own_unread_marks_from_the_same_cache(member, other, forum):
    topic_id = topic_id_of(start_topic(member.client, title="Гарантия на прожекторы"))
    for path in LISTS:  # Anna wrote it: read; Oleg has not opened it
        assert "?unread" not in row_of(member.client.get(path).text, topic_id)
        assert "?unread" in row_of(other.get(path).text, topic_id)
    other.get(f"/forum/t/{topic_id}/")
    assert all("?unread" not in row for row in rows(other, topic_id))
    reply_to(other, topic_id, "Три года у всех.")
    assert all("?unread" in row for row in rows(member.client, topic_id))
    assert all("?unread" not in row for row in rows(other, topic_id))


def test_a_staff_only_topic_never_reaches_a_members_latest_list(member, staff, forum, app):
    db = app.state.portal.db
    hidden = store.get_category(db, slug="shtab")
    mod = identity.find_user_by_email(db, "mod@lior.example")
    topic, _ = store.create_topic(db, hidden, mod, "Премии дистрибьюторам за квартал", "Только для нас.")
    assert "Премии дистрибьюторам" in staff.get("/forum/latest").text  # cached for staff first
    assert "Премии дистрибьюторам" not in member.client.get("/forum/latest").text
    assert member.client.get("/forum/c/shtab/").status_code == 404
    assert f"/forum/t/{topic.id}/" not in member.client.get("/forum/latest?page=1").text


def test_a_page_past_the_end_shows_the_last_one(member, forum, app):
    db = app.state.portal.db
    for n in range(store.TOPICS_PAGE_SIZE + 1):
        store.create_topic(db, forum, member.user, f"Тема номер {n}", "Текст.")
    far = member.client.get("/forum/c/obshchee/?page=99999")
    assert far.status_code == 200 and "Тема номер 0<" in far.text and 'aria-current="page">2<' in far.text
    latest = member.client.get("/forum/latest?page=99999")
    assert latest.status_code == 200 and "Тема номер 0<" in latest.text
