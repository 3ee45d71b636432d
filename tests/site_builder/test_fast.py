"""The speed-ups' version gate: proven versions run them; anything else builds with the stock code and says so."""

import logging

import pytest

from site_builder import fast


@pytest.fixture(autouse=True)
def fresh_answer():
    fast.enabled.cache_clear()
    yield
    fast.enabled.cache_clear()


def test_the_pinned_versions_are_the_proven_ones():
    assert fast.installed_versions() == fast.PROVEN
    assert fast.enabled()


def test_another_version_builds_with_the_stock_code_and_warns_once(monkeypatch, caplog):
    monkeypatch.setattr(fast, "installed_versions", lambda: {**fast.PROVEN, "mkdocs-material": "9.9.0"})
    with caplog.at_level(logging.WARNING, logger="site_builder"):
        assert not fast.enabled() and not fast.enabled()
    warnings = [r.getMessage() for r in caplog.records if "stock MkDocs code" in r.getMessage()]
    assert len(warnings) == 1 and "mkdocs-material 9.8.1" in warnings[0] and "9.9.0" in warnings[0]


def test_club_no_speedups_switches_them_off(monkeypatch):
    monkeypatch.setenv("CLUB_NO_SPEEDUPS", "1")
    assert not fast.enabled()
