"""Signed codes of one registration: the check-in QR code in the confirmation letter (opens that
person's check-in for staff) and the certificate's verification code (anyone may open it).

Deterministic HMAC tokens (core.signed) with a key of their own, so the same registration always has
the same code (a reprinted certificate keeps its URL) and a check-in code never verifies a certificate.
"""

from __future__ import annotations

from portal.core import signed

_LABEL = b"club-event-codes"


def _key(secret: str) -> bytes:
    return signed.derive_key(secret, _LABEL)


def checkin_code(secret: str, registration_id: int) -> str:
    return signed.sign(_key(secret), "checkin", registration_id)


def certificate_code(secret: str, registration_id: int) -> str:
    return signed.sign(_key(secret), "certificate", registration_id)


def read_checkin(secret: str, code: str) -> int | None:
    """The registration id of a check-in code, or None for anything altered or made for something else."""
    found = signed.verify(_key(secret), "checkin", code, 1)
    return found[0] if found else None


def read_certificate(secret: str, code: str) -> int | None:
    found = signed.verify(_key(secret), "certificate", code, 1)
    return found[0] if found else None
