"""`extra.club.points`: the ledger's terms, defaults when missing, a clear error when wrong."""

from types import SimpleNamespace

import pytest

from portal.points import ledger
from portal.points.terms import DEFAULT_TERMS, Terms, add_months, club_terms, parse_terms


def club(points) -> SimpleNamespace:
    return SimpleNamespace(raw={"extra": {"club": {"points": points}}})


def test_defaults():
    assert parse_terms(None) == DEFAULT_TERMS == Terms(24, 90, 30)
    assert club_terms(None) == DEFAULT_TERMS


def test_own_values_and_other_keys_ignored():
    assert parse_terms({"expiry_months": 12, "letter_days": 14, "roubles_per_point": 500}) == Terms(12, 90, 14)


@pytest.mark.parametrize("raw", [[], {"expiry_months": 0}, {"warning_days": "90"}, {"letter_days": True}])
def test_wrong_values_are_named(raw):
    with pytest.raises(ValueError, match="extra.club.points"):
        parse_terms(raw)


def test_a_wrong_config_falls_back_with_a_warning(caplog):
    assert club_terms(club({"expiry_months": -1})) == DEFAULT_TERMS
    assert "expiry_months" in caplog.text


def test_configure_sets_what_calls_without_their_own_use():
    try:
        ledger.configure(SimpleNamespace(club=club({"expiry_months": 6, "warning_days": 45})))
        assert (ledger.CONFIGURED.expiry_months, ledger.CONFIGURED.warning_days) == (6, 45)
    finally:
        ledger.configure(SimpleNamespace(club=None))


def test_add_months_keeps_the_day_or_takes_the_last():
    jan31 = 1_769_817_600.0  # 2026-01-31 00:00 UTC
    assert add_months(jan31, 1) == 1_772_236_800.0  # 2026-02-28
    assert add_months(jan31, 24) == 1_832_889_600.0  # 2028-01-31
