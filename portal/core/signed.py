"""Signed links that carry small integers: a payload of ids and an HMAC over it and its purpose.

Deterministic (the same values give the same token), so a link in a letter, a QR code or a printed
certificate can be made again without storing it, and an altered or unsigned token reads as nothing.
Each user of it derives a key of its own from the club's secret, so a token made for one thing (a
newsletter click, an event check-in) never works as another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct

SIGNATURE_BYTES = 16  # 128 bits: forging one needs 2**128 tries (ASVS 5.0 11.2.1, approved MAC)
MAX_TOKEN = 200


def derive_key(secret: str, label: bytes) -> bytes:
    """A key of its own for one family of tokens (`label`), derived from the club's secret."""
    return hashlib.sha256(label + b"\0" + secret.encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, purpose: str, *values: int) -> str:
    """A URL-safe token for `values` (non-negative integers below 2**63) bound to `purpose`."""
    payload = struct.pack(f">{len(values)}Q", *values)
    mac = hmac.new(key, purpose.encode() + b"\0" + payload, hashlib.sha256).digest()
    return _b64(payload) + "." + _b64(mac[:SIGNATURE_BYTES])


def verify(key: bytes, purpose: str, token: str, count: int) -> tuple[int, ...] | None:
    """The `count` values of a token signed for `purpose`, or None for anything altered or malformed."""
    payload_text, _, mac_text = token.partition(".")
    if not mac_text or len(token) > MAX_TOKEN:
        return None
    try:
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except (ValueError, TypeError):
        return None
    if len(payload) != 8 * count:
        return None
    # One spelling per token: base64's last character carries spare bits the decoder ignores, so an
    # altered character there would otherwise still verify (a printed code must be exactly the one made).
    if _b64(payload) != payload_text or _b64(mac) != mac_text:
        return None
    expected = hmac.new(key, purpose.encode() + b"\0" + payload, hashlib.sha256).digest()
    if not hmac.compare_digest(expected[:SIGNATURE_BYTES], mac):  # constant time: no timing oracle
        return None
    return struct.unpack(f">{count}Q", payload)
