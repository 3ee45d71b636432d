"""Login throttling: growing delays per account and per address, never a permanent lock-out.

ASVS 5.0 6.3.1 asks for protection against credential stuffing and brute force without letting
an attacker lock a real member out for good: after a few failures each further attempt must wait
longer (doubling, capped), and the count fades after an hour without failures. Unknown e-mails
are counted exactly like known ones, so the delay reveals nothing about who has an account.
"""

from __future__ import annotations

import time

from sqlite_utils import Database

FREE_FAILURES = {"account": 5, "address": 20, "reset": 3}  # reset: mails per address per hour before delays
MAX_DELAY = 15 * 60.0
FORGET_AFTER = 3600.0


def throttle_keys(email: str, address: str) -> list[str]:
    return [f"account:{email.strip().lower()}", f"address:{address}"]


def delay_after(kind: str, failures: int) -> float:
    """Seconds the next attempt must wait after `failures` failures in a row."""
    over = failures - FREE_FAILURES[kind]
    if over < 0:
        return 0.0
    return min(2.0 ** over, MAX_DELAY)


def seconds_to_wait(db: Database, keys: list[str], now: float | None = None) -> int:
    now = time.time() if now is None else now
    wait = 0.0
    for key in keys:
        row = db.execute("SELECT failures, last_failure FROM login_failures WHERE key = ?", [key]).fetchone()
        if row is None or now - row[1] > FORGET_AFTER:
            continue
        wait = max(wait, row[1] + delay_after(key.split(":", 1)[0], row[0]) - now)
    return int(wait + 0.999) if wait > 0 else 0


def record_failure(db: Database, keys: list[str], now: float | None = None) -> None:
    now = time.time() if now is None else now
    for key in keys:
        db.execute("INSERT INTO login_failures (key, failures, last_failure) VALUES (?, 1, ?) "
                   "ON CONFLICT(key) DO UPDATE SET "
                   "failures = CASE WHEN ? - last_failure > ? THEN 1 ELSE failures + 1 END, last_failure = ?",
                   [key, now, now, FORGET_AFTER, now])


def clear_failures(db: Database, key: str) -> None:
    db.execute("DELETE FROM login_failures WHERE key = ?", [key])
