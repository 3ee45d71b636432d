"""portal/forum/migrations.py: migration 37 on a database that already holds a forum fills the categories'
counters from what is there, and from then on its triggers keep them."""

import portal.capabilities  # noqa: F401 - registers every capability's migrations
from portal.core.db import connect, upgrade
from portal.forum import store
from tests.portal_fixtures import make_user


def test_migration_38_backfills_the_counters_of_an_existing_forum(tmp_path):
    db = connect(tmp_path / "club.db", migrations=[])  # the schema as it stood before 37
    upgrade(db, until=36)
    author = make_user(db, "anna@svet-montazh.ru", member=True).id
    db.execute("INSERT INTO forum_categories (slug, title, created_at) VALUES ('a', 'A', '2026-01-01'), "
               "('b', 'B', '2026-01-01'), ('c', 'C', '2026-01-01')")
    for category, visible in ((1, 3), (1, 1), (2, 5)):
        db.execute("INSERT INTO forum_topics (category_id, author_id, title, post_count, last_number, last_post_at, "
                   "created_at) VALUES (?, ?, 'Тема', ?, ?, 1.0, 1.0)", [category, author, visible, visible + 1])
    upgrade(db)
    rows = db.execute("SELECT slug, topic_count, post_count, version FROM forum_categories ORDER BY id").fetchall()
    assert rows == [("a", 2, 4, 0), ("b", 1, 5, 0), ("c", 0, 0, 0)]
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()}
    assert "forum_topics_latest" in indexes and "forum_topics_recent" not in indexes
    oleg = make_user(db, "oleg@lumen.ru", member=True, name="Олег Люменов")
    store.add_reply(db, store.get_topic(db, 3), oleg, "Первый ответ после обновления.")
    after = store.get_category(db, slug="b")
    assert (after.topic_count, after.post_count) == (1, 6) and after.version > 0
