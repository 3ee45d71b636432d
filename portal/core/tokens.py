"""Signed one-time tokens for e-mail links (confirm address, reset password).

A token is a JWT (joserfc, HS256 with a key derived from the secret) carrying a purpose claim,
the user id, an expiry and a random jti; using it records the jti, so each link works once.
A reset token also carries a fingerprint of the current password hash, so it dies as soon as the
password changes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from dataclasses import dataclass

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from sqlite_utils import Database

LIFETIMES = {"confirm": 48 * 3600, "reset": 2 * 3600,  # ASVS 5.0 6.4.1: short-lived
             "unwatch": 365 * 24 * 3600}  # a stop link in a forum mail: harmless, so it may live long


@dataclass(frozen=True)
class TokenClaims:
    purpose: str
    user_id: int
    jti: str
    expires: float
    stamp: str


class TokenError(Exception):
    """Expired, tampered with, used already, or for another purpose."""


def signing_key(secret: str) -> OctKey:
    # A key of its own for tokens, so a leak elsewhere of derived material does not forge links.
    derived = hmac.new(secret.encode(), b"club email tokens v1", hashlib.sha256).digest()
    return OctKey.import_key(derived)


def issue_token(secret: str, purpose: str, user_id: int, stamp: str = "") -> str:
    now = int(time.time())
    claims = {"pur": purpose, "sub": str(user_id), "iat": now, "exp": now + LIFETIMES[purpose],
              "jti": secrets.token_urlsafe(12), "stp": stamp}
    return jwt.encode({"alg": "HS256"}, claims, signing_key(secret))


def read_token(secret: str, token: str, purpose: str) -> TokenClaims:
    """Check signature, purpose and expiry without using the token up (the GET page)."""
    try:
        claims = jwt.decode(token, signing_key(secret), algorithms=["HS256"]).claims
    except (JoseError, ValueError, TypeError) as exc:
        raise TokenError("invalid") from exc
    if claims.get("pur") != purpose:
        raise TokenError("purpose")
    if not isinstance(claims.get("exp"), int) or claims["exp"] < time.time():
        raise TokenError("expired")
    try:
        user_id = int(claims["sub"])
    except (KeyError, ValueError) as exc:
        raise TokenError("invalid") from exc
    return TokenClaims(purpose, user_id, str(claims.get("jti", "")), float(claims["exp"]), str(claims.get("stp", "")))


def use_token(db: Database, secret: str, token: str, purpose: str) -> TokenClaims:
    """Check the token and record its jti; a second use raises TokenError('used')."""
    claims = read_token(secret, token, purpose)
    try:
        db.execute("INSERT INTO used_tokens (jti, purpose, expires) VALUES (?, ?, ?)",
                   [claims.jti, purpose, claims.expires])
    except sqlite3.IntegrityError as exc:
        raise TokenError("used") from exc
    db.execute("DELETE FROM used_tokens WHERE expires < ?", [time.time()])
    return claims


def password_stamp(password_hash: str | None) -> str:
    """A short fingerprint of the current hash: changes whenever the password does."""
    return hashlib.sha256((password_hash or "-").encode()).hexdigest()[:16]
