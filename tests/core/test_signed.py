"""Signed integer tokens: deterministic, bound to their purpose and key, nothing from an altered one."""

import pytest

from portal.core import signed

KEY = signed.derive_key("s3cret", b"tests")


def test_round_trip_and_determinism():
    token = signed.sign(KEY, "checkin", 42, 7)
    assert token == signed.sign(KEY, "checkin", 42, 7)
    assert signed.verify(KEY, "checkin", token, 2) == (42, 7)


@pytest.mark.parametrize("token", ["", ".", "abc", "a.b", "x" * 300, "AAAAAAAAACo.!!!"])
def test_malformed_tokens_read_as_nothing(token):
    assert signed.verify(KEY, "checkin", token, 1) is None


def test_another_purpose_key_or_count_reads_as_nothing():
    token = signed.sign(KEY, "checkin", 42)
    assert signed.verify(KEY, "certificate", token, 1) is None
    assert signed.verify(signed.derive_key("s3cret", b"other"), "checkin", token, 1) is None
    assert signed.verify(signed.derive_key("other", b"tests"), "checkin", token, 1) is None
    assert signed.verify(KEY, "checkin", token, 2) is None


def test_an_altered_payload_fails():
    token = signed.sign(KEY, "checkin", 42)
    forged = signed.sign(KEY, "checkin", 43).split(".")[0] + "." + token.split(".")[1]
    assert signed.verify(KEY, "checkin", forged, 1) is None


def test_only_the_exact_spelling_verifies():
    token = signed.sign(KEY, "checkin", 42)
    last = token[-1]
    # The final base64 character of a 16-byte MAC has 4 spare bits: its neighbours decode to the same bytes.
    twin = token[:-1] + ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".index(last) ^ 1])
    assert signed.verify(KEY, "checkin", twin, 1) is None
