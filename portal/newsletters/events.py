"""What recipients did with a newsletter (newsletter_events: opens, clicks, unsubscribes) and the
unsubscribe itself: the one module that writes those events.
"""

from __future__ import annotations

import json
import time

from sqlite_utils import Database

from portal.core.db import now_iso

MAX_EVENTS = 100  # per send and kind: far above any reader; bounds garbage data from a script (ASVS 5.0 2.4.1)

# Tracked when the letter was frozen with tracking and the member has not switched it off since.
_TRACKING = "s.tracking AND coalesce(u.mail_tracking, 1)"


def link_of(db: Database, send_id: int, index: int) -> tuple | None:
    """(tracked?, URL) of link `index` of the letter this send belongs to; None for an unknown send."""
    # The same as Newsletter.mail.links[index], without parsing the whole letter on every click.
    return db.execute(f"SELECT {_TRACKING}, json_extract(n.mail, ?) FROM newsletter_sends s "  # noqa: S608
                      "JOIN newsletters n ON n.id = s.newsletter_id LEFT JOIN users u ON u.id = s.user_id "
                      "WHERE s.id = ?", [f"$.links[{index}]", send_id]).fetchone()


def tracked(db: Database, send_id: int) -> bool:
    row = db.execute(f"SELECT {_TRACKING} FROM newsletter_sends s "  # noqa: S608 - a constant
                     "LEFT JOIN users u ON u.id = s.user_id WHERE s.id = ?", [send_id]).fetchone()
    return bool(row and row[0])


def record_event(db: Database, send_id: int, kind: str, link: int | None = None, at: float | None = None) -> None:
    """One open or click; at most MAX_EVENTS per send and kind, so one leaked link cannot fill the disk."""
    db.execute("INSERT INTO newsletter_events (send_id, kind, link, at) SELECT ?, ?, ?, ? WHERE (SELECT count(*) "
               "FROM newsletter_events WHERE send_id = ? AND kind = ?) < ?",
               [send_id, kind, link, time.time() if at is None else at, send_id, kind, MAX_EVENTS])


def is_subscribed(db: Database, user_id: int | None) -> bool:
    return user_id is not None and db.execute(
        "SELECT 1 FROM subscriptions WHERE user_id = ? AND list = 'newsletters'", [user_id]).fetchone() is not None


def unsubscribe(db: Database, send_id: int, user_id: int | None, topics: list[str], choice: str,
                club_topics: list[str]) -> str:
    """Apply `choice` (topic | all) in one transaction; returns what happened: 'topic' or 'all'.

    One transaction over the consent row, the member's topics and the event, so a reader who leaves
    is never half out (the worker checks consent just before each letter).
    """
    with db.conn:
        db.conn.execute("BEGIN IMMEDIATE")
        done = "all"
        if user_id is not None and choice == "topic" and topics:
            done = _drop_topics(db, user_id, topics, club_topics)
        if user_id is not None and done == "all":
            db.conn.execute("DELETE FROM subscriptions WHERE user_id = ? AND list = 'newsletters'", [user_id])
        # once per send, however often the link is used
        db.conn.execute("INSERT INTO newsletter_events (send_id, kind, link, at) SELECT ?, 'unsubscribe', NULL, ? "
                        "WHERE NOT EXISTS (SELECT 1 FROM newsletter_events WHERE send_id = ? AND kind = 'unsubscribe')",
                        [send_id, time.time(), send_id])
    return done


def _drop_topics(db: Database, user_id: int, topics: list[str], club_topics: list[str]) -> str:
    row = db.conn.execute("SELECT topics FROM users WHERE id = ?", [user_id]).fetchone()
    if row is None:
        return "all"
    mine = json.loads(row[0] or "[]") or list(club_topics)  # [] = "no preference" = every club topic
    left = [topic for topic in mine if topic not in topics]
    if not left:
        # An empty list would mean "every topic" again: someone leaving the last topics they had
        # wants no newsletters at all.
        return "all"
    db.conn.execute("UPDATE users SET topics = ?, updated_at = ? WHERE id = ?",
                    [json.dumps(left, ensure_ascii=False), now_iso(), user_id])
    return "topic"

