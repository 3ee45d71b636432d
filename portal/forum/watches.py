"""Who watches what (forum_watches) and who is due a weekly digest: the queries behind reply mail.

The one module that reads and writes forum_watches and the users' digest columns.
"""

from __future__ import annotations

from sqlite_utils import Database


def watch(db: Database, user_id: int, kind: str, target_id: int) -> None:
    db.execute("INSERT OR IGNORE INTO forum_watches (user_id, kind, target_id) VALUES (?, ?, ?)",
               [user_id, kind, target_id])


def unwatch(db: Database, user_id: int, kind: str, target_id: int) -> None:
    db.execute("DELETE FROM forum_watches WHERE user_id = ? AND kind = ? AND target_id = ?", [user_id, kind, target_id])


def is_watching(db: Database, user_id: int, kind: str, target_id: int) -> bool:
    return db.execute("SELECT 1 FROM forum_watches WHERE user_id = ? AND kind = ? AND target_id = ?",
                      [user_id, kind, target_id]).fetchone() is not None


def watching(db: Database, topic_id: int, category_id: int) -> list[tuple[int, str, int]]:
    """(user id, kind, target) of every watch on the topic or its category; topic watches first."""
    return db.execute("SELECT user_id, kind, target_id FROM forum_watches WHERE (kind = 'topic' AND target_id = ?) "
                      "OR (kind = 'category' AND target_id = ?) ORDER BY kind DESC", [topic_id, category_id]).fetchall()


def wants_digest(db: Database, user_id: int) -> bool:
    row = db.execute("SELECT forum_digest FROM users WHERE id = ?", [user_id]).fetchone()
    return bool(row and row[0])


def set_digest(db: Database, user_id: int, wanted: bool) -> None:
    db.execute("UPDATE users SET forum_digest = ? WHERE id = ?", [int(wanted), user_id])


def digest_due(db: Database, absent_since: float, last_sent_before: float) -> list[int]:
    """Ids of people who opted in, have not opened the forum since `absent_since` and got no digest since."""
    rows = db.execute("SELECT u.id FROM users u LEFT JOIN forum_visits v ON v.user_id = u.id "
                      "WHERE u.forum_digest = 1 AND coalesce(v.last_seen, 0) < ? "
                      "AND coalesce(u.forum_digest_sent, 0) < ?", [absent_since, last_sent_before]).fetchall()
    return [row[0] for row in rows]


def digest_sent(db: Database, user_id: int, at: float) -> None:
    db.execute("UPDATE users SET forum_digest_sent = ? WHERE id = ?", [at, user_id])


def active_topics(db: Database, categories: list[int], since: float) -> list[tuple[int, str, int]]:
    """(topic id, title, new posts) of the ten busiest topics in these categories since `since`."""
    if not categories:
        return []
    marks = ",".join("?" * len(categories))  # placeholders only: the values are bound
    sql = ("SELECT t.id, t.title, count(p.id) FROM forum_topics t JOIN forum_posts p ON p.topic_id = t.id "  # noqa: S608
           "WHERE p.created_at > ? AND p.deleted_at IS NULL AND p.hidden_at IS NULL AND t.category_id "
           f"IN ({marks}) GROUP BY t.id ORDER BY count(p.id) DESC LIMIT 10")
    return db.execute(sql, [since, *categories]).fetchall()



def personal_data(db: Database, user_id: int) -> dict[str, list[dict]]:
    """The person's watches and digest choice, for their data download."""
    watches = [{"kind": kind, "target": target} for kind, target in db.execute(
        "SELECT kind, target_id FROM forum_watches WHERE user_id = ? ORDER BY kind, target_id", [user_id]).fetchall()]
    return {"forum_watches": watches, "forum_digest": [{"wanted": wants_digest(db, user_id)}]}
