"""Likes on forum posts (Discourse's ♥): who found a post useful. The one owner of forum_likes."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from sqlite_utils import Database


def like(db: Database, post_id: int, user_id: int) -> bool:
    """True when this is a new like; a second press (a double submit too) changes nothing."""
    cursor = db.execute("INSERT OR IGNORE INTO forum_likes (post_id, user_id, created_at) VALUES (?, ?, ?)",
                        [post_id, user_id, time.time()])
    return cursor.rowcount > 0


def unlike(db: Database, post_id: int, user_id: int) -> bool:
    cursor = db.execute("DELETE FROM forum_likes WHERE post_id = ? AND user_id = ?", [post_id, user_id])
    return cursor.rowcount > 0


def on_posts(db: Database, post_ids: Sequence[int], user_id: int) -> tuple[dict[int, int], set[int]]:
    """(likes by post, the posts this reader liked) for a page of posts: one query over the primary key."""
    if not post_ids:
        return {}, set()
    rows = db.execute("SELECT post_id, count(*), max(user_id = ?) FROM forum_likes "
                      "WHERE post_id IN (SELECT value FROM json_each(?)) GROUP BY post_id",
                      [user_id, json.dumps(list(post_ids))]).fetchall()
    return {row[0]: row[1] for row in rows}, {row[0] for row in rows if row[2]}


def personal_data(db: Database, user_id: int) -> dict[str, list[dict]]:
    """The posts the person liked, for their data download."""
    return {"forum_likes": [{"post": post_id, "at": at} for post_id, at in db.execute(
        "SELECT post_id, created_at FROM forum_likes WHERE user_id = ? ORDER BY created_at", [user_id]).fetchall()]}
