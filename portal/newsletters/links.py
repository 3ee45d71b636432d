"""Signed links inside newsletters: click redirects, the open pixel and the one-click unsubscribe.

A link carries small integers (the per-recipient send id, a link index) and an HMAC over them and its
purpose, so a token made for an open pixel never works as an unsubscribe link and an altered or
unsigned link never redirects anywhere (the target URL is looked up by index, never read from the
link). Tokens are deterministic: the same recipient and link always give the same URL, which keeps
sending cheap (one HMAC per link per message) and lets a recipient's repeated clicks count once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from typing import Literal

Purpose = Literal["click", "open", "unsubscribe"]
PREFIX = "/_club/n"
_PATHS: dict[str, str] = {"click": "c", "open": "o", "unsubscribe": "u"}
_SIGNATURE_BYTES = 16  # 128 bits: forging one needs 2**128 tries (ASVS 5.0 11.2.1, approved MAC)


def _key(secret: str) -> bytes:
    # A key of its own, so a newsletter token can never be confused with a session or JWT signature.
    return hashlib.sha256(b"club-newsletter-links\0" + secret.encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: str, purpose: Purpose, *values: int) -> str:
    """A URL-safe token for `values` (non-negative integers below 2**63) bound to `purpose`."""
    payload = struct.pack(f">{len(values)}Q", *values)
    mac = hmac.new(_key(secret), purpose.encode() + b"\0" + payload, hashlib.sha256).digest()
    return _b64(payload) + "." + _b64(mac[:_SIGNATURE_BYTES])


def verify(secret: str, purpose: Purpose, token: str, count: int) -> tuple[int, ...] | None:
    """The `count` values of a token signed for `purpose`, or None for anything altered or malformed."""
    payload_text, _, mac_text = token.partition(".")
    if not mac_text or len(token) > 200:
        return None
    try:
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except (ValueError, TypeError):
        return None
    if len(payload) != 8 * count:
        return None
    expected = hmac.new(_key(secret), purpose.encode() + b"\0" + payload, hashlib.sha256).digest()
    if not hmac.compare_digest(expected[:_SIGNATURE_BYTES], mac):  # constant time: no timing oracle
        return None
    return struct.unpack(f">{count}Q", payload)


def click_url(base_url: str, secret: str, send_id: int, link: int) -> str:
    return f"{base_url}{PREFIX}/{_PATHS['click']}/{sign(secret, 'click', send_id, link)}"


def open_url(base_url: str, secret: str, send_id: int) -> str:
    return f"{base_url}{PREFIX}/{_PATHS['open']}/{sign(secret, 'open', send_id)}.gif"


def unsubscribe_url(base_url: str, secret: str, send_id: int) -> str:
    return f"{base_url}{PREFIX}/{_PATHS['unsubscribe']}/{sign(secret, 'unsubscribe', send_id)}"
