"""The moderation tables: the log (forum_mod_log), flags (forum_flags) and posting bans (forum_bans).

The one module that reads and writes them. Writes run inside the caller's transaction
(store.transaction): a moderator's change and its log line are committed together.
"""

from __future__ import annotations

import time

from sqlite_utils import Database

from portal.core.identity import User

# --- the log ----------------------------------------------------------------------------------------


def log_action(db: Database, who: User, action: str, target: str, reason: str = "") -> None:
    """Inside the caller's transaction: one line of the moderation log."""
    db.conn.execute("INSERT INTO forum_mod_log (moderator_id, action, target, reason, created_at) "
                    "VALUES (?, ?, ?, ?, ?)", [who.id, action, target, reason, time.time()])


def latest_actions(db: Database, limit: int) -> list[dict]:
    rows = db.execute("SELECT l.created_at, u.name, l.action, l.target, l.reason FROM forum_mod_log l "
                      "LEFT JOIN users u ON u.id = l.moderator_id ORDER BY l.id DESC LIMIT ?", [limit]).fetchall()
    return [dict(zip(("created_at", "moderator", "action", "target", "reason"), row, strict=True)) for row in rows]


def _rows(db: Database, sql: str, values: set[int]) -> list[tuple]:
    if not values:
        return []
    return db.execute(sql.format(marks=",".join("?" * len(values))), sorted(values)).fetchall()


def target_names(db: Database, ids: dict[str, set[int]]) -> dict[str, list[tuple]]:
    """What log lines point at, by kind: topics (id, title), posts (id, topic, number, title), users (id, name)."""
    return {
        "topic": _rows(db, "SELECT id, title FROM forum_topics WHERE id IN ({marks})", ids["topic"]),
        "post": _rows(db, "SELECT p.id, p.topic_id, p.number, t.title FROM forum_posts p "
                          "JOIN forum_topics t ON t.id = p.topic_id WHERE p.id IN ({marks})", ids["post"]),
        "user": _rows(db, "SELECT id, name FROM users WHERE id IN ({marks})", ids["user"]),
    }


# --- flags ------------------------------------------------------------------------------------------


def add_flag(db: Database, post_id: int, user_id: int, reason: str, note: str) -> bool:
    """A member flags a post; False when they had already flagged it (one flag per member and post)."""
    cursor = db.execute("INSERT OR IGNORE INTO forum_flags (post_id, user_id, reason, note, created_at) "
                        "VALUES (?, ?, ?, ?, ?)", [post_id, user_id, reason, note, time.time()])
    return cursor.rowcount > 0


def open_flag_rows(db: Database, limit: int = 2000) -> list[tuple]:
    """Open flags, newest first: post, reason, note, when, who flagged, topic, number, body, hidden, author, title."""
    return db.execute(
        "SELECT f.post_id, f.reason, f.note, f.created_at, fu.name, p.topic_id, p.number, p.body, p.hidden_at, "
        "a.name, t.title FROM forum_flags f JOIN forum_posts p ON p.id = f.post_id "
        "JOIN forum_topics t ON t.id = p.topic_id LEFT JOIN users fu ON fu.id = f.user_id "
        "LEFT JOIN users a ON a.id = p.author_id WHERE f.resolved_at IS NULL "
        "ORDER BY f.created_at DESC, f.id DESC LIMIT ?", [limit]).fetchall()


def resolve_flags(db: Database, post_id: int, by: User) -> int:
    """Inside a transaction: close the post's open flags; how many there were."""
    cursor = db.conn.execute("UPDATE forum_flags SET resolved_at = ?, resolved_by = ? WHERE post_id = ? "
                             "AND resolved_at IS NULL", [time.time(), by.id, post_id])
    return cursor.rowcount


# --- posting bans -----------------------------------------------------------------------------------


def posting_ban(db: Database, user: User) -> float | None:
    """Until when the member may not post (a moderator's suspension), or None."""
    row = db.execute("SELECT until FROM forum_bans WHERE user_id = ? AND until > ?", [user.id, time.time()]).fetchone()
    return row[0] if row else None


def active_bans(db: Database) -> list[dict]:
    rows = db.execute("SELECT b.user_id, u.name, u.email, b.until, b.reason, m.name, b.created_at FROM forum_bans b "
                      "JOIN users u ON u.id = b.user_id LEFT JOIN users m ON m.id = b.by_id WHERE b.until > ? "
                      "ORDER BY b.until", [time.time()]).fetchall()
    keys = ("user_id", "name", "email", "until", "reason", "by", "created_at")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def save_ban(db: Database, user_id: int, days: int, reason: str, by: User) -> None:
    """Inside a transaction: ban (or re-ban with new terms) from posting for `days` days."""
    now = time.time()
    db.conn.execute("INSERT INTO forum_bans (user_id, until, reason, by_id, created_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT(user_id) DO UPDATE SET until = excluded.until, reason = excluded.reason, "
                    "by_id = excluded.by_id, created_at = excluded.created_at",
                    [user_id, now + days * 86400, reason, by.id, now])


def lift_ban(db: Database, user_id: int) -> bool:
    """Inside a transaction: lift a ban; False when there was none."""
    return db.conn.execute("DELETE FROM forum_bans WHERE user_id = ?", [user_id]).rowcount > 0


def personal_data(db: Database, user_id: int) -> dict[str, list[dict]]:
    """Flags the person raised and a ban on them, for their data download. Moderators' names stay out:
    the log is the club's own record (as feedback's internal notes are)."""
    flags = [dict(zip(("post", "reason", "note", "created_at", "resolved_at"), row, strict=True)) for row in db.execute(
        "SELECT post_id, reason, note, created_at, resolved_at FROM forum_flags WHERE user_id = ? ORDER BY id",
        [user_id]).fetchall()]
    ban = db.execute("SELECT until, reason, created_at FROM forum_bans WHERE user_id = ?", [user_id]).fetchone()
    return {"forum_flags": flags, "forum_ban": [dict(zip(("until", "reason", "created_at"), ban, strict=True))] if ban
            else []}
