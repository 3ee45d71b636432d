"""The accounts' own tables: external identities and sign-in flow state (OIDC), newsletter consent
(subscriptions), and the export of everything the club holds about a person.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from sqlite_utils import Database

from portal.core.db import now_iso
from portal.core.identity import User, get_user

NEWSLETTER_LISTS = ("newsletters",)  # one consent row; users.topics chooses what a subscriber gets



@dataclass(frozen=True)
class NewsletterChoice:
    """The cabinet's newsletters page: the consent row, the topics ([] = every topic), tracking."""

    subscribed: bool
    topics: list[str] = field(default_factory=list)
    tracking: bool = True



def find_user_by_identity(db: Database, issuer: str, subject: str) -> User | None:
    row = db.execute("SELECT user_id FROM identities WHERE issuer = ? AND subject = ?", [issuer, subject]).fetchone()
    return get_user(db, row[0]) if row else None



def link_identity(db: Database, user_id: int, issuer: str, subject: str, email: str | None) -> None:
    db.execute("INSERT OR IGNORE INTO identities (user_id, issuer, subject, email, created_at) "
               "VALUES (?, ?, ?, ?, ?)", [user_id, issuer, subject, email, now_iso()])



def list_identities(db: Database, user_id: int) -> list[dict]:
    rows = db.execute("SELECT issuer, subject, email, created_at FROM identities WHERE user_id = ?", [user_id])
    return [dict(zip(("issuer", "subject", "email", "created_at"), row, strict=True)) for row in rows.fetchall()]



def get_subscriptions(db: Database, user_id: int) -> set[str]:
    rows = db.execute("SELECT list FROM subscriptions WHERE user_id = ?", [user_id]).fetchall()
    return {row[0] for row in rows}



def is_subscribed(db: Database, user_id: int) -> bool:
    return "newsletters" in get_subscriptions(db, user_id)



def set_newsletter_choice(db: Database, user_id: int, choice: NewsletterChoice) -> None:
    """Consent row, topics and tracking in one transaction (a half-saved choice could mail someone who left)."""
    with db.conn:
        db.conn.execute("BEGIN")
        if choice.subscribed:
            db.conn.execute("INSERT OR IGNORE INTO subscriptions (user_id, list) VALUES (?, 'newsletters')",
                            [user_id])
        else:  # withdrawing consent (38-FZ art. 18) takes effect at once: no row, no newsletters
            db.conn.execute("DELETE FROM subscriptions WHERE user_id = ? AND list = 'newsletters'", [user_id])
        db.conn.execute("UPDATE users SET topics = ?, mail_tracking = ?, updated_at = ? WHERE id = ?",
                        [json.dumps(choice.topics, ensure_ascii=False), int(choice.tracking), now_iso(), user_id])



def set_subscriptions(db: Database, user_id: int, lists: set[str]) -> None:
    wanted = lists & set(NEWSLETTER_LISTS)
    with db.conn:
        db.conn.execute("BEGIN")
        db.conn.execute("DELETE FROM subscriptions WHERE user_id = ?", [user_id])
        db.conn.executemany("INSERT INTO subscriptions (user_id, list) VALUES (?, ?)",
                            [(user_id, name) for name in sorted(wanted)])



def export_user(db: Database, user: User) -> dict:
    """The account's part of the person's data (152-FZ art. 14: the subject's right to know); each
    capability adds what it keeps through its `personal_data` hook (the cabinet's export merges them)."""
    from portal.core.companies import get_company

    company = get_company(db, user.company_id)
    sessions = db.execute("SELECT created, last_seen, user_agent, ip FROM sessions WHERE user_id = ?", [user.id])
    bounce_reason, imported_at = db.execute("SELECT bounce_reason, imported_at FROM users WHERE id = ?",
                                            [user.id]).fetchone()
    return {
        "account": {"email": user.email, "name": user.name, "created_at": user.created_at,
                    "email_confirmed_at": user.email_confirmed_at, "consent_at": user.consent_at,
                    "language": user.language, "role": user.role, "suspended_at": user.suspended_at},
        "profile": {"company": company.name if company else None, "inn": company.inn if company else None,
                    "phone": user.phone, "position": user.position, "segment": user.segment,
                    "region": user.region, "job_role": user.job_role},
        "newsletters": {"subscribed": is_subscribed(db, user.id), "topics": user.topics,
                        "mail_tracking": user.mail_tracking, "bounced_at": user.bounced_at,
                        "bounce_reason": bounce_reason, "imported_at": imported_at},
        "subscriptions": sorted(get_subscriptions(db, user.id)),
        "external_identities": list_identities(db, user.id),
        "sessions": [dict(zip(("created", "last_seen", "user_agent", "ip"), row, strict=True))
                     for row in sessions.fetchall()],
    }



class SQLiteStateStore:
    """Flow state (PKCE verifier, nonce, next path) kept server-side until the callback."""

    def __init__(self, db: Database):
        self.db = db

    def put(self, key: str, value: dict, ttl_seconds: int) -> None:
        self.db.execute("DELETE FROM oidc_states WHERE expires < ?", [time.time()])
        self.db.execute("INSERT OR REPLACE INTO oidc_states (key, value, expires) VALUES (?, ?, ?)",
                        [key, json.dumps(value), time.time() + ttl_seconds])

    def pop(self, key: str) -> dict | None:
        row = self.db.execute("SELECT value, expires FROM oidc_states WHERE key = ?", [key]).fetchone()
        self.db.execute("DELETE FROM oidc_states WHERE key = ?", [key])
        if row is None or row[1] < time.time():
            return None
        return json.loads(row[0])
