"""Server-side sessions. The only module that sets or clears the session cookie.

The cookie holds 32 random bytes (ASVS 5.0 7.2.3); the database keeps only their SHA-256, so a
copy of the database cannot be replayed as cookies. A new id at every sign-in (7.2.4), deleted
at sign-out (7.4.1), idle and absolute expiry (7.3.1, 7.3.2), "sign out everywhere" (7.4.2).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from sqlite_utils import Database
from starlette.requests import Request
from starlette.responses import Response

from portal.core.settings import Settings

# Seconds: last_seen is written at most this often per session. Idle expiry is days away, and each
# write is a commit that also makes the forum's page cache read its posts again.
TOUCH_EVERY = 300.0


@dataclass(frozen=True)
class Session:
    id_hash: str
    user_id: int
    created: float
    last_seen: float
    user_agent: str
    ip: str


def cookie_name(settings: Settings) -> str:
    # ASVS 5.0 3.3.1: the __Host- prefix pins the cookie to this host, path / and Secure.
    return "__Host-club_session" if settings.https else "club_session"


def hash_session_id(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def load_session(db: Database, settings: Settings, request: Request) -> Session | None:
    raw = request.cookies.get(cookie_name(settings))
    if not raw or len(raw) > 100:
        return None
    row = db.execute("SELECT id_hash, user_id, created, last_seen, user_agent, ip FROM sessions WHERE id_hash = ?",
                     [hash_session_id(raw)]).fetchone()
    if row is None:
        return None
    session = Session(*row)
    now = time.time()
    if (now - session.last_seen > settings.session_idle_seconds
            or now - session.created > settings.session_absolute_seconds):
        db.execute("DELETE FROM sessions WHERE id_hash = ?", [session.id_hash])
        return None
    if now - session.last_seen > TOUCH_EVERY:
        db.execute("UPDATE sessions SET last_seen = ? WHERE id_hash = ?", [now, session.id_hash])
    return session


def start_session(db: Database, settings: Settings, request: Request, response: Response, user_id: int,
                  previous: Session | None = None) -> Session:
    """A fresh session for this browser; the one it had before (if any) stops working."""
    if previous is not None:
        db.execute("DELETE FROM sessions WHERE id_hash = ?", [previous.id_hash])
    raw = secrets.token_urlsafe(32)
    now = time.time()
    session = Session(hash_session_id(raw), user_id, now, now, request.headers.get("user-agent", "")[:300],
                      request.client.host if request.client else "")
    db.execute("INSERT INTO sessions (id_hash, user_id, created, last_seen, user_agent, ip) VALUES (?, ?, ?, ?, ?, ?)",
               [session.id_hash, session.user_id, session.created, session.last_seen, session.user_agent, session.ip])
    response.set_cookie(cookie_name(settings), raw, max_age=settings.session_absolute_seconds, path="/",
                        secure=settings.https, httponly=True, samesite="lax")
    return session


def end_session(db: Database, settings: Settings, response: Response, session: Session | None) -> None:
    if session is not None:
        db.execute("DELETE FROM sessions WHERE id_hash = ?", [session.id_hash])
    clear_session_cookie(settings, response)


def clear_session_cookie(settings: Settings, response: Response) -> None:
    response.delete_cookie(cookie_name(settings), path="/", secure=settings.https, httponly=True, samesite="lax")


def revoke_sessions(db: Database, user_id: int, keep: Session | None = None) -> int:
    """End every session of the user except `keep`; returns how many ended."""
    cursor = db.execute("DELETE FROM sessions WHERE user_id = ? AND id_hash != ?",
                        [user_id, keep.id_hash if keep else ""])
    return cursor.rowcount


def revoke_session(db: Database, user_id: int, id_hash: str) -> bool:
    cursor = db.execute("DELETE FROM sessions WHERE user_id = ? AND id_hash = ?", [user_id, id_hash])
    return cursor.rowcount > 0


def list_sessions(db: Database, user_id: int) -> list[Session]:
    rows = db.execute("SELECT id_hash, user_id, created, last_seen, user_agent, ip FROM sessions "
                      "WHERE user_id = ? ORDER BY last_seen DESC", [user_id]).fetchall()
    return [Session(*row) for row in rows]
