"""The personal calendar feed's secret: the one owner of event_feeds.

Calendar apps poll the feed URL for years and people copy it later, so the cabinet shows the URL every
time (as Google Calendar and Outlook do) instead of once. The token is therefore derived, not stored:
HMAC-SHA-256 of (user id, created_at) under a key of its own from the club's secret (core.signed), 256
bits no one can guess without that secret (ASVS 5.0 7.2.3: reference tokens of at least 128 bits from
a secure source). The table keeps only the token's SHA-256, so finding the owner is one index lookup
and a copy of the table opens no feed. Resetting writes a new created_at: the old URL stops working at
once. Changing CLUB_SECRET_KEY changes every URL (people subscribe again).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from sqlite_utils import Database

from portal.core import signed
from portal.core.db import write_transaction

_LABEL = b"club-event-feed"
TOKEN_LENGTH = 43  # 32 bytes of HMAC in unpadded base64url


def _token(secret: str, user_id: int, created_at: float) -> str:
    # repr(): the shortest text that reads back as the same float, so SQLite's REAL gives the same token.
    message = f"{user_id}:{created_at!r}".encode()
    mac = hmac.new(signed.derive_key(secret, _LABEL), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_of(db: Database, secret: str, user_id: int) -> str | None:
    """The person's current feed token, or None before they asked for one."""
    row = db.execute("SELECT created_at FROM event_feeds WHERE user_id = ?", [user_id]).fetchone()
    return _token(secret, user_id, row[0]) if row else None


def reset(db: Database, secret: str, user_id: int, now: float) -> str:
    """Create the person's token, or replace it (the old one stops working); returns the new one."""
    with write_transaction(db):
        row = db.execute("SELECT created_at FROM event_feeds WHERE user_id = ?", [user_id]).fetchone()
        created = now if row is None or now > row[0] else row[0] + 0.001  # a reset always makes a new token
        token = _token(secret, user_id, created)
        db.conn.execute("INSERT INTO event_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?) "
                        "ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, "
                        "created_at = excluded.created_at", [user_id, _hash(token), created])
    return token


def owner(db: Database, token: str) -> int | None:
    """Whose feed `token` opens; None for an unknown, reset or malformed one."""
    if len(token) != TOKEN_LENGTH:
        return None
    row = db.execute("SELECT user_id FROM event_feeds WHERE token_hash = ?", [_hash(token)]).fetchone()
    return row[0] if row else None
