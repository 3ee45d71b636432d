"""Password hashing with argon2id (argon2-cffi), rehash on login when parameters change."""

from __future__ import annotations

import asyncio
import functools
import weakref

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.concurrency import run_in_threadpool

MIN_LENGTH = 8  # ASVS 5.0 6.2.1: at least 8; no composition rules (6.2.5)
MAX_LENGTH = 1024  # long passphrases are welcome; this only bounds the hashing work (6.2.9 asks >= 64)

# argon2-cffi's defaults follow RFC 9106's second recommended option (argon2id, 64 MiB, t=3).
HASHER = PasswordHasher()
# Hashes computed at once per process: each takes 64 MiB and a core for ~0.1-0.3 s, so forty parallel
# registrations or sign-ins would take gigabytes and starve every other page; they queue instead.
PARALLEL_HASHES = 2
_SLOTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


@functools.cache
def _dummy_hash() -> str:
    # Made on first use, not at import: every `club` command (the newsletter worker too) imports this
    # module, and one argon2 hash costs 64 MiB of peak memory. Only the very first unknown-account
    # sign-in pays the extra hash.
    return HASHER.hash("not a real password, only for equal timing")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches. With no stored hash, do the same work anyway.

    ASVS 5.0 6.3.8 / no account enumeration: unknown accounts must cost the same time as known ones.
    """
    try:
        return HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def password_problem(password: str) -> str | None:
    """The i18n key of what is wrong with a new password, or None."""
    if len(password) < MIN_LENGTH:
        return "password.too_short"
    if len(password) > MAX_LENGTH:
        return "password.too_long"
    return None


def _slots() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    if loop not in _SLOTS:
        _SLOTS[loop] = asyncio.Semaphore(PARALLEL_HASHES)
    return _SLOTS[loop]


async def hash_password_async(password: str) -> str:
    """hash_password off the event loop, at most PARALLEL_HASHES at a time."""
    async with _slots():
        return await run_in_threadpool(hash_password, password)


async def verify_password_async(stored_hash: str | None, password: str) -> bool:
    """verify_password off the event loop, at most PARALLEL_HASHES at a time."""
    async with _slots():
        return await run_in_threadpool(verify_password, stored_hash, password)
