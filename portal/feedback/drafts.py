"""What a visitor wrote before signing in: kept for a day under a random token that travels in the
sign-in link's `next`, so the form shows their text again after they sign in or join.

Only the token's SHA-256 is stored (as with sessions): a copy of the database cannot open a draft's
link. Files are not kept (a visitor cannot upload); the form asks for them again.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from sqlite_utils import Database

DRAFT_SECONDS = 24 * 3600
MAX_DRAFTS = 10_000  # drafts kept at once (ASVS 5.0 2.4.1: an anonymous form must not fill the disk)
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


@dataclass(frozen=True)
class Draft:
    kind: str
    subject: str
    body: str
    page: str | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keep(db: Database, draft: Draft) -> str:
    """Store the draft; the token for the link back to the form."""
    token = secrets.token_urlsafe(24)
    now = time.time()
    db.execute("DELETE FROM feedback_drafts WHERE expires < ?", [now])  # the table stays small on its own
    db.execute("INSERT INTO feedback_drafts (token_hash, kind, subject, body, page, expires) VALUES (?, ?, ?, ?, ?, ?)",
               [_hash(token), draft.kind, draft.subject, draft.body, draft.page, now + DRAFT_SECONDS])
    # Anyone may keep a draft, so a script could keep millions: beyond MAX_DRAFTS the oldest go first.
    db.execute("DELETE FROM feedback_drafts WHERE token_hash NOT IN (SELECT token_hash FROM feedback_drafts "
               "ORDER BY expires DESC LIMIT ?)", [MAX_DRAFTS])
    return token


def load(db: Database, token: str | None) -> Draft | None:
    if not token or not TOKEN.fullmatch(token):
        return None
    row = db.execute("SELECT kind, subject, body, page FROM feedback_drafts WHERE token_hash = ? AND expires >= ?",
                     [_hash(token), time.time()]).fetchone()
    return Draft(*row) if row else None


def drop(db: Database, token: str | None) -> None:
    """Once the request is made, the draft has served its purpose."""
    if token and TOKEN.fullmatch(token):
        db.execute("DELETE FROM feedback_drafts WHERE token_hash = ?", [_hash(token)])
