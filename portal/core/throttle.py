"""Login throttling: growing delays per account and per address, never a permanent lock-out.

ASVS 5.0 6.3.1 asks for protection against credential stuffing and brute force without letting
an attacker lock a real member out for good: after a few failures each further attempt must wait
longer (doubling, capped), and the count fades after an hour without failures. Unknown e-mails
are counted exactly like known ones, so the delay reveals nothing about who has an account.

An attempt is counted *before* the password is checked, in the same write transaction as the
wait check (`take_attempt`): checking first and recording after the (slow, awaited) argon2
verification let parallel requests all pass the check. A success then takes its count back
(`attempt_succeeded`). The transaction makes it hold across worker processes too.
"""

from __future__ import annotations

import time

from sqlite_utils import Database

from portal.core.db import write_transaction

# reset/register_mail: letters per address per hour; register: registrations per client address per hour.
# A venue's Wi-Fi may register a room of people: 20 an hour from one address before delays start.
FREE_FAILURES = {"account": 5, "address": 20, "reset": 3, "register_mail": 3, "register": 20}
LETTER_BUDGETS = {"reset", "register_mail"}  # a hard hourly cap, not growing delays
MAX_DELAY = 15 * 60.0
FORGET_AFTER = 3600.0


def throttle_keys(email: str, address: str) -> list[str]:
    return [f"account:{email.strip().lower()}", f"address:{address}"]


def delay_after(kind: str, failures: int) -> float:
    """Seconds the next attempt must wait after `failures` failures in a row."""
    over = failures - FREE_FAILURES[kind]
    if over < 0:
        return 0.0
    if kind in LETTER_BUDGETS:  # letters: the budget, then silence until an hour after the last one
        return FORGET_AFTER
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


def take_attempt(db: Database, keys: list[str], now: float | None = None) -> int:
    """Seconds to wait, or 0 after counting this attempt against every key (one write transaction)."""
    now = time.time() if now is None else now
    with write_transaction(db):
        wait = seconds_to_wait(db, keys, now)
        if not wait:
            record_failure(db, keys, now)
    return wait


def attempt_succeeded(db: Database, keys: list[str]) -> None:
    """A right password: the account's count is cleared; the address's gets this attempt back."""
    with write_transaction(db):
        clear_failures(db, keys[0])
        for key in keys[1:]:
            db.execute("UPDATE login_failures SET failures = failures - 1 WHERE key = ? AND failures > 0", [key])
