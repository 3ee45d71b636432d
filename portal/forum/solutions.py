"""Solved topics (Discourse's "solution"): the asker or a moderator marks the reply that answered the
question; the topic page shows it under the question and the lists mark the topic solved. The one owner of
forum_solutions."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import NamedTuple

from sqlite_utils import Database

from portal.forum.rules import Post
from portal.forum.store import page_of

EXCERPT = 300  # characters of the answer shown under the question


class Solution(NamedTuple):
    """What the topic page shows (a plain tuple: it is part of the page cache's key)."""

    number: int
    page: int
    author_name: str | None
    excerpt: str


def mark(db: Database, topic_id: int, post: Post, by_id: int) -> None:
    """The reply `post` answers the topic; a later mark replaces an earlier one."""
    db.execute("INSERT INTO forum_solutions (topic_id, post_id, by_id, created_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (topic_id) DO UPDATE SET post_id = excluded.post_id, by_id = excluded.by_id, "
               "created_at = excluded.created_at", [topic_id, post.id, by_id, time.time()])


def clear(db: Database, topic_id: int) -> None:
    db.execute("DELETE FROM forum_solutions WHERE topic_id = ?", [topic_id])


def solution_post_id(db: Database, topic_id: int) -> int | None:
    row = db.execute("SELECT post_id FROM forum_solutions WHERE topic_id = ?", [topic_id]).fetchone()
    return row[0] if row else None


def solved_among(db: Database, topic_ids: Sequence[int]) -> set[int]:
    """Which of these topics have a solution (for the badges of a list page): one query."""
    if not topic_ids:
        return set()
    rows = db.execute("SELECT topic_id FROM forum_solutions WHERE topic_id IN (SELECT value FROM json_each(?))",
                      [json.dumps(list(topic_ids))]).fetchall()
    return {row[0] for row in rows}


def shown(post: Post | None, plain: str) -> Solution | None:
    """The solution as the page shows it; none when its post is gone (deleted or hidden since)."""
    if post is None or not post.visible:
        return None
    excerpt = plain if len(plain) <= EXCERPT else plain[:EXCERPT].rsplit(" ", 1)[0] + "…"
    return Solution(post.number, page_of(post.number), post.author_name, excerpt)
