"""Forum fixtures (three categories, a second member) and helpers shared by the forum tests."""

import re

import pytest
from starlette.testclient import TestClient

from portal.forum import store

from .portal_fixtures import BASE_URL, make_user, sign_in, submit


@pytest.fixture
def forum(app):
    db = app.state.portal.db
    general = store.create_category(db, "obshchee", "Общие вопросы", "Обо всём, что касается клуба", 1)
    store.create_category(db, "novosti", "Объявления", "Новости от сотрудников", 0, post_level="staff")
    store.create_category(db, "shtab", "Для сотрудников", "Внутренний раздел", 2, read_level="staff",
                          post_level="staff")
    return general


@pytest.fixture
def other(app):
    """A second member in a browser of their own."""
    user = make_user(app.state.portal.db, "oleg@lumen.ru", member=True, name="Олег Люменов")
    client = TestClient(app, base_url=BASE_URL)
    sign_in(client, user.email)
    return client


def start_topic(client, title="Как подключить DALI-драйвер?", body="Подскажите схему подключения.",
                slug="obshchee"):
    return submit(client, f"/forum/c/{slug}/new", f"/forum/c/{slug}/new", {"title": title, "body": body})


def reply_to(client, topic_id, body):
    return submit(client, f"/forum/t/{topic_id}/reply", f"/forum/t/{topic_id}/reply", {"body": body})


def topic_id_of(response) -> int:
    return int(re.search(r"/forum/t/(\d+)/", response.headers["location"]).group(1))
