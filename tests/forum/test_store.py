"""portal/forum/store.py counters, property-based: for any sequence of new topics, replies, deletes, hiding,
restoring, pins and moves, every counter the lists read equals a recount — a topic's visible posts, highest
number and last visible post (time and poster), a category's topics and their visible posts — and a
category's version has moved with each change to its list."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.core.db import connect
from portal.forum import store
from tests.portal_fixtures import make_user

NUMBERS = itertools.count(1)  # fresh names: one database serves every example
OPS = st.lists(st.tuples(st.sampled_from(["topic", "reply", "reply", "delete", "hide", "restore", "move", "pin"]),
                         st.integers(0, 1_000)), min_size=1, max_size=25)


@pytest.fixture(scope="module")
def shared_db():
    database = connect(":memory:")
    yield database
    database.conn.close()


def posts_where(db, condition: str) -> list[store.Post]:
    return [store.get_post(db, post_id) for (post_id,) in db.execute(
        f"SELECT id FROM forum_posts WHERE {condition} ORDER BY id").fetchall()]  # noqa: S608 - constant text


def step(db, categories: list[store.Category], people: list, op: str, pick: int) -> set[int]:
    """One change; the categories whose list it changed."""
    topics = [row[0] for row in db.execute("SELECT id FROM forum_topics WHERE category_id IN (SELECT value FROM "
                                           "json_each(?)) ORDER BY id", [str([c.id for c in categories])])]
    category_of = dict(db.execute("SELECT id, category_id FROM forum_topics").fetchall())
    author = people[pick % len(people)]
    if op == "topic" or not topics:
        topic, _ = store.create_topic(db, categories[pick % len(categories)], author, f"Тема {pick}", "Вопрос.")
        return {topic.category_id}
    topic_id = topics[pick % len(topics)]
    if op == "reply":
        store.add_reply(db, store.get_topic(db, topic_id), author, f"Ответ {pick}.")
        return {category_of[topic_id]}
    if op in ("delete", "hide"):
        visible = posts_where(db, f"topic_id IN ({','.join(map(str, topics))}) AND deleted_at IS NULL "
                                  "AND hidden_at IS NULL")
        if not visible:
            return set()
        post = visible[pick % len(visible)]
        if op == "delete":
            store.delete_post(db, post)
        else:
            with store.transaction(db):
                store.set_post_hidden(db, post, author, "спам")
        return {category_of[post.topic_id]}
    if op == "restore":
        hidden = posts_where(db, f"topic_id IN ({','.join(map(str, topics))}) AND deleted_at IS NULL "
                                 "AND hidden_at IS NOT NULL")
        if not hidden:
            return set()
        post = hidden[pick % len(hidden)]
        with store.transaction(db):
            store.set_post_hidden(db, post, None, None)
        return {category_of[post.topic_id]}
    with store.transaction(db):
        if op == "move":
            target = categories[(pick // 7) % len(categories)].id
            store.move_topic(db, topic_id, target)
            return {category_of[topic_id], target}
        store.set_topic_state(db, topic_id, "pinned", pick % 2 == 0)
    return {category_of[topic_id]}


def assert_counters_equal_a_recount(db) -> None:
    topics = db.execute("SELECT id, post_count, last_number, last_post_at, last_poster_id FROM forum_topics")
    for topic_id, post_count, last_number, last_post_at, last_poster in topics.fetchall():
        visible = db.execute("SELECT created_at, author_id FROM forum_posts WHERE topic_id = ? AND deleted_at IS "
                             "NULL AND hidden_at IS NULL ORDER BY number", [topic_id]).fetchall()
        highest = db.execute("SELECT max(number) FROM forum_posts WHERE topic_id = ?", [topic_id]).fetchone()[0]
        assert (post_count, last_number) == (len(visible), highest)
        if visible:
            assert (last_post_at, last_poster) == visible[-1]
    counted = db.execute(
        "SELECT c.id, c.topic_count, c.post_count, (SELECT count(*) FROM forum_topics t WHERE t.category_id = c.id), "
        "(SELECT count(*) FROM forum_posts p JOIN forum_topics t ON t.id = p.topic_id WHERE t.category_id = c.id "
        "AND p.deleted_at IS NULL AND p.hidden_at IS NULL) FROM forum_categories c").fetchall()
    for category_id, topic_count, post_count, topics_there, posts_there in counted:
        assert (category_id, topic_count, post_count) == (category_id, topics_there, posts_there)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(OPS)
def test_counters_equal_a_recount_after_any_sequence(shared_db, ops):
    db, run = shared_db, next(NUMBERS)
    categories = [store.create_category(db, f"r{run}-{i}", f"Раздел {run}-{i}") for i in range(2)]
    people = [make_user(db, f"p{run}-{i}@lumen.example", member=True, name=f"Участник {i}") for i in range(2)]
    for op, pick in ops:
        before = {c.id: store.get_category(db, category_id=c.id).version for c in categories}
        changed = step(db, categories, people, op, pick)
        after = {c.id: store.get_category(db, category_id=c.id).version for c in categories}
        assert all(after[c] > before[c] for c in changed), (op, changed)  # the lists' caches see every change
        assert_counters_equal_a_recount(db)


def test_category_rows_carry_their_counts_and_the_page_count_follows(shared_db):
    db = shared_db
    category = store.create_category(db, f"pages-{next(NUMBERS)}", "Страницы")
    author = make_user(db, f"pages-{next(NUMBERS)}@lumen.example", member=True)
    for n in range(store.TOPICS_PAGE_SIZE + 1):
        store.create_topic(db, category, author, f"Тема {n}", "Текст.")
    fresh = store.get_category(db, category_id=category.id)
    assert (fresh.topic_count, fresh.post_count) == (store.TOPICS_PAGE_SIZE + 1, store.TOPICS_PAGE_SIZE + 1)
    topics, pages = store.list_topics(db, fresh, None, 2)
    assert pages == 2 and [t.title for t in topics] == ["Тема 0"]  # the oldest activity last
