"""The demo club's forum (portal/forum/demo.py): conversations made through the forum's own store, once."""

from portal.accounts.demo import seed_demo_people
from portal.forum import admin, demo, likes, solutions, store
from portal.forum import search as forum_search


def test_no_demo_forum_without_the_demo_people(db):
    admin.seed_categories(db)
    assert demo.seed_demo_forum(db) is None
    assert db.execute("SELECT count(*) FROM forum_topics").fetchone()[0] == 0


def test_the_demo_forum_is_alive_consistent_and_made_once(db):
    admin.seed_categories(db)
    seed_demo_people(db)
    assert demo.seed_demo_forum(db)
    topics = db.execute("SELECT id, title, post_count, created_at, last_post_at FROM forum_topics "
                        "ORDER BY id").fetchall()
    assert len(topics) == len(demo.CONVERSATIONS)
    for (topic_id, _, post_count, created, last), conversation in zip(topics, demo.CONVERSATIONS, strict=True):
        posts = db.execute("SELECT created_at FROM forum_posts WHERE topic_id = ? ORDER BY number",
                           [topic_id]).fetchall()
        assert post_count == len(posts) == len(conversation[3])
        times = [at for (at,) in posts]
        assert times == sorted(times) and created == times[0] and last == times[-1]  # spread, in order
    # The category rows' counters (migration 37's triggers) agree with the topics, as a member's posts leave them.
    for category_id, topic_count, post_count in db.execute(
            "SELECT id, topic_count, post_count FROM forum_categories").fetchall():
        assert (topic_count, post_count) == db.execute(
            "SELECT count(*), coalesce(sum(post_count), 0) FROM forum_topics WHERE category_id = ?",
            [category_id]).fetchone()
    solved = solutions.solved_among(db, [topic_id for topic_id, *_ in topics])
    assert len(solved) == 2
    first_reply = store.visible_post_by_number(db, topics[1][0], 2)
    assert solutions.solution_post_id(db, topics[1][0]) == first_reply.id
    counts, _ = likes.on_posts(db, [first_reply.id], 0)
    assert counts[first_reply.id] == 3  # the asker and two others; nobody likes their own post
    ids = store.readable_category_ids(db, None) or [c.id for c in store.categories(db)]
    hits, total = forum_search.search(db, "двутавр", readable_category_ids=ids)
    assert total >= 1 and hits
    assert demo.seed_demo_forum(db) is None  # once
    assert db.execute("SELECT count(*) FROM forum_topics").fetchone()[0] == len(demo.CONVERSATIONS)
