"""The restore drill of docs/deploy.md, automated: back up while a two-worker portal takes forum posts
over HTTP, restore into a fresh place, and serve the restored database again."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from portal.core.db import connect
from portal.forum import store as forum_store
from portal.forum.rules import PAGE_SIZE
from portal.ops.backup import backup, code_schema, restore, verify

from ..live_portal import LivePortal, live_portal, post_form, sign_in
from ..portal_fixtures import make_user

pytestmark = pytest.mark.slow
AUTHOR = "moderator@svet-montazh.ru"  # a moderator: no hourly reply budget to run out of


@pytest.fixture
def env(settings) -> dict[str, str]:
    return {"CLUB_DATABASE": str(settings.database), "CLUB_SITE_DIR": str(settings.site_dir),
            "CLUB_BASE_URL": settings.base_url, "CLUB_SMTP_URL": settings.smtp_url or "",
            "CLUB_CONFIG": str(settings.club_config), "CLUB_SECRET_KEY": settings.secret_key}


def seed(database: Path) -> int:
    db = connect(database)
    try:
        author = make_user(db, AUTHOR, member=True, role="moderator", name="Мария Модераторова")
        category = forum_store.create_category(db, "obshchee", "Общие вопросы", "Обо всём", 1)
        topic, _ = forum_store.create_topic(db, category, author, "Учения: резервная копия", "Пишем, пока копируют.")
        return topic.id
    finally:
        db.conn.close()


class Writers:
    """Threads posting replies through the live portal; remembers which posts were answered 303 (committed)."""

    def __init__(self, live: LivePortal, topic_id: int, count: int = 2) -> None:
        self.live, self.topic_id = live, topic_id
        self.committed: list[str] = []
        self.lock, self.stop = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self.write, args=(n,)) for n in range(count)]

    def write(self, n: int) -> None:
        form = f"/forum/t/{self.topic_id}/reply"
        with self.live.client() as client:
            assert sign_in(client, AUTHOR).status_code == 303
            i = 0
            while not self.stop.is_set():
                body = f"Запись {n}-{i}: щит освещения"
                assert post_form(client, form, form, {"body": body}).status_code == 303
                with self.lock:
                    self.committed.append(body)
                i += 1

    def done(self) -> list[str]:
        with self.lock:
            return list(self.committed)

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)


def posts(database: Path) -> dict[str, int]:
    """body -> number of every post in the file (a fresh read-only connection)."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT body, number FROM forum_posts"))
    finally:
        conn.close()


def test_backup_under_writes_then_restore_into_a_fresh_place_and_serve_it(settings, env, tmp_path):
    topic_id = seed(settings.database)
    copy = tmp_path / "backups" / "club.db"
    copy.parent.mkdir()
    with live_portal(env, workers=2) as live, Writers(live, topic_id) as writers:
        while len(writers.done()) < 20:
            time.sleep(0.05)
        before = writers.done()  # every one of these was committed before the backup started
        made = backup(settings.database, copy, pages=1, pause=0.02)  # slow on purpose: many commits meanwhile
        during = len(writers.done()) - len(before)
    assert made.restarts == 0 and during >= 5, (made, during)

    fresh = tmp_path / "new-server" / "var" / "club.db"
    done = restore(copy, fresh)
    assert done.kept is None and verify(fresh) == code_schema()
    restored, live_posts = posts(fresh), posts(settings.database)
    assert set(before) <= set(restored)  # nothing committed before the backup is missing
    assert set(restored) <= set(live_posts)  # and nothing is in it that the portal never had
    numbers = sorted(restored.values())
    assert numbers == list(range(1, len(numbers) + 1))  # one consistent moment: no post without its predecessors

    with live_portal({**env, "CLUB_DATABASE": str(fresh)}) as again, again.client() as client:
        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["schema"] == code_schema()
        assert sign_in(client, AUTHOR).status_code == 303
        last = before[-1]
        page = client.get(f"/forum/t/{topic_id}/?page={(restored[last] - 1) // PAGE_SIZE + 1}")
        assert page.status_code == 200 and last in page.text
