"""The forum's panel against hand-counted posts and topics: visible posts and their authors, new topics,
topics nobody else answered, the median hours to the first reply, topics by category."""

from datetime import UTC, date, datetime

import pytest

from portal.core.dashboard import Period
from portal.forum import figures

Q2 = Period(date(2026, 4, 1), date(2026, 7, 1))
HOUR = 3600.0


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def person(db, email: str) -> int:
    return db.execute("INSERT INTO users (email, name, created_at, updated_at) VALUES (?, 'Имя', "
                      "'2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00')", [email]).lastrowid


def category(db, slug: str, title: str) -> int:
    return db.execute("INSERT INTO forum_categories (slug, title, created_at) VALUES (?, ?, '2025-01-01')",
                      [slug, title]).lastrowid


def topic(db, category_id: int, author: int, started: float, replies=()) -> int:
    """A topic with its opening post and `replies`: (author, seconds after the start, deleted, hidden)."""
    topic_id = db.execute("INSERT INTO forum_topics (category_id, author_id, title, last_post_at, created_at) "
                          "VALUES (?, ?, 'Тема', ?, ?)", [category_id, author, started, started]).lastrowid
    post(db, topic_id, 1, author, started)
    for number, (who, after, deleted, hidden) in enumerate(replies, start=2):
        post(db, topic_id, number, who, started + after, deleted, hidden)
    return topic_id


def post(db, topic_id, number, author, created, deleted=False, hidden=False) -> None:
    db.execute("INSERT INTO forum_posts (topic_id, number, author_id, body, html, created_at, deleted_at, hidden_at) "
               "VALUES (?, ?, ?, 'текст', '<p>текст</p>', ?, ?, ?)",
               [topic_id, number, author, created, created if deleted else None, created if hidden else None])


@pytest.fixture
def forum_rows(db):
    anna, boris, vera = person(db, "a@x.ru"), person(db, "b@x.ru"), person(db, "v@x.ru")
    drivers, projects = category(db, "drivers", "Драйверы"), category(db, "projects", "Проекты")
    start = at("2026-04-10T10:00:00")
    topic(db, drivers, anna, start, [(boris, 2 * HOUR, False, False), (anna, 3 * HOUR, False, False)])
    topic(db, drivers, boris, start + 10, [(boris, HOUR, False, False),             # the author himself: no reply
                                          (vera, 30 * 60, True, False),            # deleted
                                          (anna, 20 * 60, False, True)])           # hidden
    topic(db, projects, vera, start + 20, [(anna, 10 * HOUR, False, False)])
    topic(db, projects, anna, start + 30, [(vera, 5 * HOUR, False, False)])
    topic(db, projects, vera, at("2026-03-31T20:30:00"), [(anna, 4 * 24 * HOUR, False, False)])  # Q1 in Moscow
    return db


def test_the_quarter_hand_counted(forum_rows, settings):
    found = figures.figures(forum_rows, settings, Q2, "ru")
    values = {figure.key: figure.value for figure in found.figures}
    # posts: 4 openings + 2 + 1 (the author's own) + 1 + 1 visible replies + the Q1 topic's reply in April
    assert values == {"posts": 10, "active": 3, "topics": 4, "unanswered": 1, "first_reply": 5.0}
    assert dict(found.breakdowns[0].values) == {"Проекты": 2, "Драйверы": 2}


def test_the_first_quarter_has_one_topic_answered_in_the_second(forum_rows, settings):
    values = {figure.key: figure.value for figure in figures.figures(forum_rows, settings, Q2.previous(), "ru").figures}
    assert values == {"posts": 1, "active": 1, "topics": 1, "unanswered": 0, "first_reply": 96.0}


def test_nothing_to_measure_is_none_not_zero(db, settings):
    values = {figure.key: figure.value for figure in figures.figures(db, settings, Q2, "ru").figures}
    assert values["first_reply"] is None and values["posts"] == 0
