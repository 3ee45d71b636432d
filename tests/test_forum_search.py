"""Forum search: Russian word forms, only visible posts in readable categories, no FTS syntax from users."""

import pytest

from portal import forum_search
from portal import forum_store as store

from .portal_fixtures import make_user


@pytest.fixture
def posts(app, forum):
    db = app.state.portal.db
    author = make_user(db, "writer@example.ru", member=True)
    topic, _first = store.create_topic(db, forum, author, "Светильники для склада", "Нужны светильники с датчиками.")
    store.add_reply(db, topic, author, "Монтажники закончили монтаж за два дня.")
    store.add_reply(db, topic, author, "Ёлочные гирлянды и english words like drivers.")
    return db, forum


def found(db, query, categories):
    hits, total = forum_search.search(db, query, readable_category_ids=categories)
    return [hit.number for hit in hits], total


def test_word_forms_find_each_other(posts):
    db, forum = posts
    assert found(db, "светильником", [forum.id])[0] == [1]
    assert found(db, "монтажа", [forum.id])[0] == [2]
    assert found(db, "елочная", [forum.id])[0] == [3]  # ё and е are one letter
    assert found(db, "driver", [forum.id])[0] == [3]


def test_snippets_are_plain_text_with_the_match_marked(posts):
    db, forum = posts
    [hit], _ = forum_search.search(db, "датчик", readable_category_ids=[forum.id])
    assert ("датчиками", True) in hit.snippet_parts and all("<" not in text for text, _ in hit.snippet_parts)


def test_hidden_deleted_and_unreadable_posts_are_never_found(posts):
    db, forum = posts
    assert found(db, "склад", [])[1] == 0
    post = [p for p in store.list_posts(db, store.get_topic(db, 1), 1) if p.number == 2][0]
    store.delete_post(db, post)
    assert found(db, "монтаж", [forum.id])[1] == 0


def test_user_input_is_never_fts_syntax(posts):
    db, forum = posts
    for query in ('"', "*", "NEAR(a b)", "a AND OR NOT", "title:склад", "^склад", '"незакрытая', "(" * 50,
                  "слово " * 500, "", "!!!"):
        forum_search.search(db, query, readable_category_ids=[forum.id])  # no exception


def test_broad_queries_rank_only_the_newest_matches(posts, monkeypatch):
    db, forum = posts
    topic = store.get_topic(db, 1)
    store.add_reply(db, topic, make_user(db, "late@example.ru", member=True), "Светильник уже установлен.")
    assert sorted(found(db, "светильник", [forum.id])[0]) == [1, 4]
    monkeypatch.setattr(forum_search, "RANK_WINDOW", 1)
    assert found(db, "светильник", [forum.id])[0] == [4]
