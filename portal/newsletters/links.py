"""Signed links inside newsletters: click redirects, the open pixel and the one-click unsubscribe.

A link carries small integers (the per-recipient send id, a link index) and an HMAC over them and its
purpose, so a token made for an open pixel never works as an unsubscribe link and an altered or
unsigned link never redirects anywhere (the target URL is looked up by index, never read from the
link). Tokens are deterministic: the same recipient and link always give the same URL, which keeps
sending cheap (one HMAC per link per message) and lets a recipient's repeated clicks count once.
"""

from __future__ import annotations

from typing import Literal

from portal.core import signed

Purpose = Literal["click", "open", "unsubscribe"]
PREFIX = "/_club/n"
_PATHS: dict[str, str] = {"click": "c", "open": "o", "unsubscribe": "u"}


def _key(secret: str) -> bytes:
    # A key of its own, so a newsletter token can never be confused with a session or JWT signature.
    return signed.derive_key(secret, b"club-newsletter-links")


def sign(secret: str, purpose: Purpose, *values: int) -> str:
    """A URL-safe token for `values` (non-negative integers below 2**63) bound to `purpose`."""
    return signed.sign(_key(secret), purpose, *values)


def verify(secret: str, purpose: Purpose, token: str, count: int) -> tuple[int, ...] | None:
    """The `count` values of a token signed for `purpose`, or None for anything altered or malformed."""
    return signed.verify(_key(secret), purpose, token, count)


def click_url(base_url: str, secret: str, send_id: int, link: int) -> str:
    return f"{base_url}{PREFIX}/{_PATHS['click']}/{sign(secret, 'click', send_id, link)}"


def open_url(base_url: str, secret: str, send_id: int) -> str:
    return f"{base_url}{PREFIX}/{_PATHS['open']}/{sign(secret, 'open', send_id)}.gif"


def unsubscribe_url(base_url: str, secret: str, send_id: int) -> str:
    return f"{base_url}{PREFIX}/{_PATHS['unsubscribe']}/{sign(secret, 'unsubscribe', send_id)}"
