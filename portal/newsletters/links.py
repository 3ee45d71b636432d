"""Signed links inside newsletters: click redirects, the open pixel and the one-click unsubscribe.

A link carries small integers (the per-recipient send id, a link index) and an HMAC over them and its
purpose, so a token made for an open pixel never works as an unsubscribe link and an altered or
unsigned link never redirects anywhere (the target URL is looked up by index, never read from the
link). Tokens are deterministic: the same recipient and link always give the same URL, which keeps
sending cheap (one HMAC per link per message) and lets a recipient's repeated clicks count once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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


# --- per-recipient links of letters other capabilities queue (api.py) -------------------------------------

@dataclass(frozen=True)
class Personal:
    """A letter's per-recipient signed links: `{{club:personal:N}}` becomes `base_url + path + token`, the
    token signed over (*ids, the recipient's user id, values[N]) with a key of `purpose`'s own. The owner of
    `path` (e.g. surveys, purpose "survey", ids (wave,), values 0..10) verifies it with `verify_personal`."""

    path: str                 # site path ending in "/", e.g. "/surveys/a/"
    purpose: str              # names the key: a survey token never verifies as anything else
    ids: tuple[int, ...]      # what the letter is about (the wave)
    values: tuple[int, ...]   # one per placeholder index

    def to_json(self) -> str:
        return json.dumps({"path": self.path, "purpose": self.purpose, "ids": list(self.ids),
                           "values": list(self.values)})


def personal_from_json(text: str | None) -> Personal | None:
    if not text:
        return None
    data = json.loads(text)
    return Personal(str(data["path"]), str(data["purpose"]), tuple(int(v) for v in data["ids"]),
                    tuple(int(v) for v in data["values"]))


def _personal_key(secret: str, purpose: str) -> bytes:
    return signed.derive_key(secret, b"club-personal-links:" + purpose.encode())


def personal_token(secret: str, personal: Personal, user_id: int, index: int) -> str:
    return signed.sign(_personal_key(secret, personal.purpose), "personal", *personal.ids, user_id,
                       personal.values[index])


def personal_url(base_url: str, secret: str, personal: Personal, user_id: int, index: int) -> str:
    return f"{base_url}{personal.path}{personal_token(secret, personal, user_id, index)}"


def verify_personal(secret: str, purpose: str, token: str, id_count: int) -> tuple[int, ...] | None:
    """(*ids, user id, value) of a genuine token of `purpose` with `id_count` ids; None for anything else."""
    return signed.verify(_personal_key(secret, purpose), "personal", token, id_count + 2)
