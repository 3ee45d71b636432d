"""portal/forum/solutions.py and solution_pages.py: the asker (or a moderator) marks the reply that solved it."""

import re

from portal.forum import store
from tests.forum_fixtures import reply_to, start_topic, topic_id_of
from tests.portal_fixtures import submit


def test_the_asker_marks_a_reply_and_it_shows_under_the_question_and_in_the_lists(member, other, forum, app):
    topic_id = topic_id_of(start_topic(member.client, title="Светильник мерцает на диммере", body="Что делать?"))
    reply_to(other, topic_id, "Поставьте драйвер с DALI: **мерцание** уйдёт на любом уровне.")
    page = f"/forum/t/{topic_id}/"
    assert "Это решение" not in other.get(page).text  # only the asker (or a moderator) marks
    done = submit(member.client, page, f"/forum/t/{topic_id}/solution", {"number": "2"})
    assert done.status_code == 303 and done.headers["location"].endswith("#p2")
    html = member.client.get(page).text
    box = re.search(r'<aside class="f-solution".*?</aside>', html, re.S).group(0)
    assert "Олег Люменов" in box and "Поставьте драйвер с DALI: мерцание уйдёт" in box and "#p2" in box
    assert html.index('id="p1"') < html.index('class="f-solution"') < html.index('id="p2"')
    assert "Снять отметку «решение»" in html
    assert "✓ Решено" in member.client.get("/forum/c/obshchee/").text
    assert "✓ Решено" in member.client.get("/forum/latest").text
    submit(member.client, page, f"/forum/t/{topic_id}/solution", {"action": "clear"})
    assert 'class="f-solution"' not in member.client.get(page).text


def test_others_the_question_itself_and_gone_replies_are_refused(member, other, forum, app):
    topic_id = topic_id_of(start_topic(member.client, title="Какой кабель для трека", body="Подскажите."))
    reply_to(other, topic_id, "ПВС 3х1,5 хватит.")
    page = f"/forum/t/{topic_id}/"
    refused = submit(other, page, f"/forum/t/{topic_id}/solution", {"number": "2"})
    assert refused.status_code == 403 and "Отметить решение может автор вопроса или модератор" in refused.text
    for number in ("1", "3", "x", ""):
        assert submit(member.client, page, f"/forum/t/{topic_id}/solution", {"number": number}).status_code == 404
    assert submit(member.client, page, "/forum/t/999999/solution", {"number": "2"}).status_code == 404
    count = app.state.portal.db.execute("SELECT count(*) FROM forum_solutions").fetchone()[0]
    assert count == 0


def test_a_solution_whose_reply_is_deleted_is_no_longer_shown(member, other, forum, app):
    db = app.state.portal.db
    topic_id = topic_id_of(start_topic(member.client, title="Нужен ли заземляющий провод", body="Для трека?"))
    reply_to(other, topic_id, "Да, обязательно.")
    submit(member.client, f"/forum/t/{topic_id}/", f"/forum/t/{topic_id}/solution", {"number": "2"})
    store.delete_post(db, store.visible_post_by_number(db, topic_id, 2))
    assert 'class="f-solution"' not in member.client.get(f"/forum/t/{topic_id}/").text
