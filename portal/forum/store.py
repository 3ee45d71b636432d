"""Forum reads and writes: explicit columns, parameterised SQL, counters kept on the topic row.

A topic row carries its post count, last post time and last poster, so listing a category is one
indexed query; each write updates them in the same transaction as the post. A category row carries its
topic and post counts and a version (kept by migration 37's triggers in the same transaction as any change
to its topics), so a page count needs no count(*) and the rendered lists can be cached (lists.py).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from sqlite_utils import Database

from portal.core.db import now_iso
from portal.core.identity import User
from portal.forum import files as forum_files
from portal.forum import search as forum_search
from portal.forum.rules import PAGE_SIZE, TOPICS_PAGE_SIZE, Category, Post, Topic, can_read_category, render_post

CATEGORY_COLUMNS = ("c.id, c.slug, c.title, c.description, c.position, c.read_level, c.post_level, c.title_en, "
                    "c.description_en, c.topic_count, c.post_count, c.version")
TOPIC_COLUMNS = ("t.id, t.category_id, t.author_id, t.title, t.pinned, t.locked, t.post_count, t.last_number, "
                 "t.last_post_at, t.created_at, a.name, l.name")
POST_COLUMNS = ("p.id, p.topic_id, p.number, p.author_id, p.body, p.html, p.created_at, p.edited_at, p.deleted_at, "
                "p.hidden_at, p.hidden_reason, u.name, u.handle, c.name")
VISIT_TOUCH = 60.0  # seconds: a visit's last_seen is written at most this often (a visit ends after an hour idle)


class Duplicate(Exception):
    """The form was sent before (a double click, a resent page): its post is `post_id`, by `author_id`."""

    def __init__(self, post_id: int, author_id: int | None) -> None:
        super().__init__(post_id)
        self.post_id, self.author_id = post_id, author_id


@contextmanager
def transaction(db: Database) -> Iterator[None]:
    with db.conn:
        db.conn.execute("BEGIN IMMEDIATE")  # take the write lock first: concurrent posters queue, none is lost
        yield


def create_category(db: Database, slug: str, title: str, description: str = "", position: int = 0,
                    read_level: str = "members", post_level: str = "members", title_en: str = "",
                    description_en: str = "") -> Category:
    db.execute("INSERT INTO forum_categories (slug, title, description, position, read_level, post_level, "
               "title_en, description_en, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [slug, title, description, position, read_level, post_level, title_en, description_en, now_iso()])
    found = get_category(db, slug)
    assert found is not None
    return found


def list_categories(db: Database, user: User | None) -> list[Category]:
    """With topic, post and unread counts (the forum's front page)."""
    # Unread = topics minus those read to the end: a walk over the reader's own marks, not every topic.
    done = dict(db.execute("SELECT t.category_id, count(*) FROM forum_reads r JOIN forum_topics t ON t.id = "
                           "r.topic_id WHERE r.user_id = ? AND r.last_read >= t.last_number GROUP BY t.category_id",
                           [user.id if user else -1]).fetchall())
    found = []
    for category in categories(db):
        found.append(replace(category, unread=category.topic_count - done.get(category.id, 0)))
    return found


def categories(db: Database) -> list[Category]:
    """Without counts: cheap enough for every request (counting reads every topic)."""
    rows = db.execute(f"SELECT {CATEGORY_COLUMNS} FROM forum_categories c "  # noqa: S608
                      "ORDER BY c.position, c.title").fetchall()
    return [_category(row) for row in rows]


def _category(row: tuple) -> Category:
    return Category(*row[:9], topic_count=row[9], post_count=row[10], version=row[11])


def readable_category_ids(db: Database, user: User | None) -> list[int]:
    return [c.id for c in categories(db) if can_read_category(user, c)]


def get_category(db: Database, slug: str | None = None, category_id: int | None = None) -> Category | None:
    column, value = ("slug", slug) if slug is not None else ("id", category_id)
    row = db.execute(f"SELECT {CATEGORY_COLUMNS} FROM forum_categories c WHERE c.{column} = ?",  # noqa: S608
                     [value]).fetchone()
    return _category(row) if row else None


def _topic_select(reader: User | None) -> tuple[str, list]:
    sql = (f"SELECT {TOPIC_COLUMNS}, r.last_read FROM forum_topics t "  # noqa: S608
           "LEFT JOIN users a ON a.id = t.author_id LEFT JOIN users l ON l.id = t.last_poster_id "
           "LEFT JOIN forum_reads r ON r.topic_id = t.id AND r.user_id = ? ")
    return sql, [reader.id if reader else -1]


def list_topics(db: Database, category: Category, reader: User | None, page: int = 1) -> tuple[list[Topic], int]:
    """Pinned first, then by last activity; and the number of pages (from the category's counter: a
    count(*) read every topic of the category, per page shown)."""
    sql, params = _topic_select(reader)
    # The page's ids first, from the listing index alone (the skipped topics' rows and names are never read).
    rows = db.execute(sql + "WHERE t.id IN (SELECT id FROM forum_topics WHERE category_id = ? ORDER BY "  # noqa: S608
                      "pinned DESC, last_post_at DESC LIMIT ? OFFSET ?) ORDER BY t.pinned DESC, t.last_post_at DESC",
                      [*params, category.id, TOPICS_PAGE_SIZE, (page - 1) * TOPICS_PAGE_SIZE]).fetchall()
    return [_topic(row) for row in rows], pages_of(_topic_total(db, [category.id]))


def _topic_total(db: Database, category_ids: list[int]) -> int:
    return db.execute("SELECT coalesce(sum(topic_count), 0) FROM forum_categories WHERE id IN "
                      "(SELECT value FROM json_each(?))", [json.dumps(category_ids)]).fetchone()[0]


def pages_of(topics: int) -> int:
    """How many pages a list of this many topics takes."""
    return max(1, -(-topics // TOPICS_PAGE_SIZE))


def last_reads(db: Database, user_id: int, topic_ids: list[int]) -> dict[int, int]:
    """How far this reader has read each of these topics (the unread marks of a list page): one query."""
    return dict(db.execute("SELECT topic_id, last_read FROM forum_reads WHERE user_id = ? AND topic_id IN "
                           "(SELECT value FROM json_each(?))", [user_id, json.dumps(topic_ids)]).fetchall())


def recent_topics(db: Database, reader: User, since: float, category_ids: list[int], limit: int = 50) -> list[Topic]:
    """Topics with posts after `since` ("new since your last visit"), newest first."""
    if not category_ids:
        return []
    sql, params = _topic_select(reader)
    marks = ",".join("?" * len(category_ids))
    rows = db.execute(sql + f"WHERE t.last_post_at > ? AND t.category_id IN ({marks}) "
                      "ORDER BY t.last_post_at DESC LIMIT ?", [*params, since, *category_ids, limit]).fetchall()
    return [_topic(row) for row in rows]


LATEST_PAGES = 50  # «Последние темы» goes this deep (1,500 topics); older ones are in their categories


def latest_topics(db: Database, reader: User | None, category_ids: list[int],
                  page: int = 1) -> tuple[list[Topic], int]:
    """Topics of every readable category by last activity, across categories (Discourse's "Latest"),
    pinned ones in their place; and the number of pages. Walks forum_topics_latest newest first."""
    if not category_ids:
        return [], 1
    sql, params = _topic_select(reader)
    # INDEXED BY: not the listing index, whose per-category runs SQLite then sorted whole (50,000 topics at a
    # million posts, ~0.4 s), but (last_post_at, category_id) newest first, page ids from the index alone.
    rows = db.execute(sql + "WHERE t.id IN (SELECT id FROM forum_topics INDEXED BY forum_topics_latest "  # noqa: S608
                      "WHERE category_id IN (SELECT value FROM json_each(?)) ORDER BY last_post_at DESC "
                      "LIMIT ? OFFSET ?) ORDER BY t.last_post_at DESC",
                      [*params, json.dumps(category_ids), TOPICS_PAGE_SIZE, (page - 1) * TOPICS_PAGE_SIZE]).fetchall()
    return [_topic(row) for row in rows], min(LATEST_PAGES, pages_of(_topic_total(db, category_ids)))


def get_topic(db: Database, topic_id: int, reader: User | None = None) -> Topic | None:
    sql, params = _topic_select(reader)
    row = db.execute(sql + "WHERE t.id = ?", [*params, topic_id]).fetchone()
    return _topic(row) if row else None


def _topic(row: tuple) -> Topic:
    values = list(row)
    return Topic(*values[:4], bool(values[4]), bool(values[5]), *values[6:10], author_name=values[10],
                 last_poster_name=values[11], last_read=values[12])


def list_posts(db: Database, topic: Topic, page: int) -> list[Post]:
    rows = db.execute(
        f"SELECT {POST_COLUMNS} FROM forum_posts p LEFT JOIN users u ON u.id = p.author_id "  # noqa: S608
        "LEFT JOIN companies c ON c.id = u.company_id "
        "WHERE p.topic_id = ? AND p.number > ? AND p.number <= ? ORDER BY p.number",
        [topic.id, (page - 1) * PAGE_SIZE, page * PAGE_SIZE]).fetchall()
    return [Post(*row) for row in rows]


def get_post(db: Database, post_id: int) -> Post | None:
    row = db.execute(f"SELECT {POST_COLUMNS} FROM forum_posts p LEFT JOIN users u ON u.id = p.author_id "  # noqa: S608
                     "LEFT JOIN companies c ON c.id = u.company_id WHERE p.id = ?", [post_id]).fetchone()
    return Post(*row) if row else None


def page_of(number: int) -> int:
    return max(1, -(-number // PAGE_SIZE))


def create_topic(db: Database, category: Category, author: User, title: str, body: str,
                 files: list[forum_files.Stored] | None = None, nonce: str | None = None) -> tuple[Topic, Post]:
    """The topic and its first post with its files (already on disk), in one transaction; Duplicate when
    `nonce` made a post already."""
    now = time.time()
    with _once(db, nonce), transaction(db):
        cursor = db.conn.execute(
            "INSERT INTO forum_topics (category_id, author_id, title, post_count, last_number, last_post_at, "
            "last_poster_id, created_at) VALUES (?, ?, ?, 0, 0, ?, ?, ?)",
            [category.id, author.id, title, now, author.id, now])
        topic_id = cursor.lastrowid
        post_id = _insert_post(db, topic_id, author, body, now, title, files or [], nonce)
    topic, post = get_topic(db, topic_id, author), get_post(db, post_id)
    assert topic is not None and post is not None
    return topic, post


def add_reply(db: Database, topic: Topic, author: User, body: str, files: list[forum_files.Stored] | None = None,
              nonce: str | None = None) -> Post:
    with _once(db, nonce), transaction(db):
        post_id = _insert_post(db, topic.id, author, body, time.time(), "", files or [], nonce)
    post = get_post(db, post_id)
    assert post is not None
    return post


@contextmanager
def _once(db: Database, nonce: str | None) -> Iterator[None]:
    """A second post with the same form's nonce is refused by the unique index: Duplicate names the first."""
    try:
        yield
    except sqlite3.IntegrityError:
        row = db.execute("SELECT id, author_id FROM forum_posts WHERE nonce = ?", [nonce]).fetchone() \
            if nonce else None
        if row is None:
            raise
        raise Duplicate(row[0], row[1]) from None


def _insert_post(db: Database, topic_id: int, author: User, body: str, now: float, title: str,
                 files: list[forum_files.Stored], nonce: str | None) -> int:
    """Inside a write transaction: the next number, the post, its files, the topic's counters, the index."""
    number = db.conn.execute("SELECT last_number + 1 FROM forum_topics WHERE id = ?", [topic_id]).fetchone()[0]
    cursor = db.conn.execute(
        "INSERT INTO forum_posts (topic_id, number, author_id, body, html, created_at, nonce) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [topic_id, number, author.id, body, render_post(db, body, forum_files.embeds(files)), now, nonce])
    forum_files.insert(db, cursor.lastrowid, author.id, files)
    db.conn.execute("UPDATE forum_topics SET last_number = ?, post_count = post_count + 1, last_post_at = ?, "
                    "last_poster_id = ? WHERE id = ?", [number, now, author.id, topic_id])
    db.conn.execute("INSERT INTO forum_reads (user_id, topic_id, last_read) VALUES (?, ?, ?) "
                    "ON CONFLICT(user_id, topic_id) DO UPDATE SET last_read = max(last_read, excluded.last_read)",
                    [author.id, topic_id, number])
    forum_search.index_post(db, cursor.lastrowid, title, forum_files.searchable(body, files))
    return cursor.lastrowid


def edit_post(db: Database, post: Post, editor: User, body: str) -> None:
    """Keep the old text as a revision (moderators see the history), then store the new one."""
    topic_title = ""
    if post.number == 1:
        topic_title = db.execute("SELECT title FROM forum_topics WHERE id = ?", [post.topic_id]).fetchone()[0]
    kept = forum_files.of_post(db, post.id)  # an edit keeps the post's files, and `upload:N` still shows them
    with transaction(db):
        db.conn.execute("INSERT INTO forum_revisions (post_id, body, edited_by, edited_at) VALUES (?, ?, ?, ?)",
                        [post.id, post.body, editor.id, time.time()])
        db.conn.execute("UPDATE forum_posts SET body = ?, html = ?, edited_at = ? WHERE id = ?",
                        [body, render_post(db, body, forum_files.embeds(kept)), time.time(), post.id])
        forum_search.index_post(db, post.id, topic_title, forum_files.searchable(body, kept))


def delete_post(db: Database, post: Post) -> None:
    with transaction(db):
        db.conn.execute("UPDATE forum_posts SET deleted_at = ? WHERE id = ?", [time.time(), post.id])
        db.conn.execute("UPDATE forum_topics SET post_count = post_count - 1 WHERE id = ?", [post.topic_id])
        _follow_last_post(db, post.topic_id)
        forum_search.unindex_post(db, post.id)


def _follow_last_post(db: Database, topic_id: int) -> None:
    """Inside a write transaction: the topic's last post time and poster are its last visible post's, once a
    post is deleted, hidden or restored (a removed spam reply does not keep the topic on top of the lists)."""
    db.conn.execute("UPDATE forum_topics SET (last_post_at, last_poster_id) = (SELECT p.created_at, p.author_id "
                    "FROM forum_posts p WHERE p.topic_id = forum_topics.id AND p.deleted_at IS NULL AND "
                    "p.hidden_at IS NULL ORDER BY p.number DESC LIMIT 1) WHERE id = ? AND post_count > 0",
                    [topic_id])


def revisions(db: Database, post_id: int) -> list[dict]:
    rows = db.execute("SELECT r.body, r.edited_at, u.name FROM forum_revisions r LEFT JOIN users u "
                      "ON u.id = r.edited_by WHERE r.post_id = ? ORDER BY r.edited_at DESC", [post_id]).fetchall()
    return [{"body": body, "edited_at": edited_at, "editor": editor} for body, edited_at, editor in rows]


def mark_read(db: Database, user: User, topic: Topic, number: int) -> None:
    db.execute("INSERT INTO forum_reads (user_id, topic_id, last_read) VALUES (?, ?, ?) "
               "ON CONFLICT(user_id, topic_id) DO UPDATE SET last_read = max(last_read, excluded.last_read)",
               [user.id, topic.id, number])


def first_unread(topic: Topic) -> int:
    """The number of the first post this reader has not seen (the last one if all are seen)."""
    if topic.last_read is None:
        return 1
    return min(topic.last_read + 1, topic.last_number)


def record_visit(db: Database, user: User, idle: float = 3600.0) -> float:
    """The start of the reader's previous visit: "new since last visit" counts from there.

    A visit ends after an hour without forum pages; the next page starts a new one.
    """
    now = time.time()
    row = db.execute("SELECT last_seen, previous_visit FROM forum_visits WHERE user_id = ?", [user.id]).fetchone()
    if row is None:
        since = now - 7 * 86400  # a first visit shows the last week
        db.execute("INSERT INTO forum_visits (user_id, last_seen, previous_visit) VALUES (?, ?, ?)",
                   [user.id, now, since])
        return since
    last_seen, since = row
    if now - last_seen < VISIT_TOUCH:  # nothing to change that matters: skip the write
        return since
    if now - last_seen > idle:
        since = last_seen
    db.execute("UPDATE forum_visits SET last_seen = ?, previous_visit = ? WHERE user_id = ?", [now, since, user.id])
    return since


def count_categories(db: Database) -> int:
    return db.execute("SELECT count(*) FROM forum_categories").fetchone()[0]


def update_category(db: Database, category_id: int, title: str, description: str, position: int,
                    read_level: str, post_level: str, title_en: str = "", description_en: str = "") -> None:
    db.execute("UPDATE forum_categories SET title = ?, description = ?, position = ?, read_level = ?, "
               "post_level = ?, title_en = ?, description_en = ? WHERE id = ?",
               [title, description, position, read_level, post_level, title_en, description_en, category_id])


TOPIC_STATES = ("pinned", "locked")


def set_topic_state(db: Database, topic_id: int, column: str, value: bool) -> None:
    """Inside a transaction: pin/unpin, lock/unlock."""
    if column not in TOPIC_STATES:
        raise ValueError(column)
    db.conn.execute(f"UPDATE forum_topics SET {column} = ? WHERE id = ?", [int(value), topic_id])  # noqa: S608


def move_topic(db: Database, topic_id: int, category_id: int) -> None:
    db.conn.execute("UPDATE forum_topics SET category_id = ? WHERE id = ?", [category_id, topic_id])


def set_post_hidden(db: Database, post: Post, by: User | None, reason: str | None) -> None:
    """Inside a transaction: hide (by a moderator, with a reason) or restore (by=None) a post; the topic's
    count of visible posts follows."""
    hiding = by is not None
    db.conn.execute("UPDATE forum_posts SET hidden_at = ?, hidden_by = ?, hidden_reason = ? WHERE id = ?",
                    [time.time() if hiding else None, by.id if hiding else None, reason, post.id])
    db.conn.execute("UPDATE forum_topics SET post_count = post_count + ? WHERE id = ?",
                    [-1 if hiding else 1, post.topic_id])
    _follow_last_post(db, post.topic_id)


def visible_post_by_number(db: Database, topic_id: int, number: int) -> Post | None:
    row = db.execute("SELECT id FROM forum_posts WHERE topic_id = ? AND number = ? AND deleted_at IS NULL "
                     "AND hidden_at IS NULL", [topic_id, number]).fetchone()
    return get_post(db, row[0]) if row else None


def has_replies(db: Database, topic_id: int) -> bool:
    return db.execute("SELECT 1 FROM forum_posts WHERE topic_id = ? AND number > 1 AND deleted_at IS NULL",
                      [topic_id]).fetchone() is not None


def member_profile(db: Database, handle: str) -> dict | None:
    """A member's forum card by @handle: name, company, position and how many visible posts."""
    row = db.execute("SELECT u.id, u.name, c.name, u.position, (SELECT count(*) FROM forum_posts p WHERE "
                     "p.author_id = u.id AND p.deleted_at IS NULL AND p.hidden_at IS NULL) FROM users u "
                     "LEFT JOIN companies c ON c.id = u.company_id WHERE u.handle = ?", [handle]).fetchone()
    return dict(zip(("id", "name", "company", "position", "posts"), row, strict=True)) if row else None


def personal_data(db: Database, user_id: int) -> dict[str, list[dict]]:
    """What the person wrote on the forum, hidden and deleted posts included, with their earlier versions,
    and what they read (152-FZ art. 14: everything the club holds about them; issue 18)."""
    posts = [dict(zip(("post", "topic", "topic_title", "category", "number", "text", "created_at", "edited_at",
                       "deleted_at", "hidden_at", "hidden_reason"), row, strict=True)) for row in db.execute(
        "SELECT p.id, t.id, t.title, c.slug, p.number, p.body, p.created_at, p.edited_at, p.deleted_at, "
        "p.hidden_at, p.hidden_reason FROM forum_posts p JOIN forum_topics t ON t.id = p.topic_id "
        "JOIN forum_categories c ON c.id = t.category_id WHERE p.author_id = ? ORDER BY p.id", [user_id]).fetchall()]
    revisions = [dict(zip(("post", "text_before", "edited_at"), row, strict=True)) for row in db.execute(
        "SELECT r.post_id, r.body, r.edited_at FROM forum_revisions r JOIN forum_posts p ON p.id = r.post_id "
        "WHERE p.author_id = ? ORDER BY r.id", [user_id]).fetchall()]
    reads = [dict(zip(("topic", "last_read_post"), row, strict=True)) for row in db.execute(
        "SELECT topic_id, last_read FROM forum_reads WHERE user_id = ? ORDER BY topic_id", [user_id]).fetchall()]
    visit = db.execute("SELECT last_seen, previous_visit FROM forum_visits WHERE user_id = ?", [user_id]).fetchone()
    return {"forum_posts": posts, "forum_post_versions": revisions, "forum_reads": reads,
            "forum_visits": [dict(zip(("last_seen", "previous_visit"), visit, strict=True))] if visit else []}
