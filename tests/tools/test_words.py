"""Every word the tools show exists in Russian and English, and every key the code and templates use is a word."""

import re
from pathlib import Path

from portal.tools import presets
from portal.tools.words import WORDS

REPO = Path(__file__).resolve().parents[2]
SOURCES = [*(REPO / "portal" / "tools").glob("*.py"),
           *(REPO / "themes" / "portal" / "templates" / "tools").glob("*.html")]


def test_every_word_has_both_languages():
    for key, (ru, en) in WORDS.items():
        assert ru.strip() and en.strip(), key
        assert re.findall(r"\{(\w+)\}", ru) == re.findall(r"\{(\w+)\}", en), key  # the same placeholders


def test_every_literal_key_used_is_a_word():
    used = {key for path in SOURCES for key in re.findall(r"""["'](tools\.[a-z_0-9.]+[a-z0-9])["']""",
                                                          path.read_text(encoding="utf-8"))}
    assert used and not used - WORDS.keys(), used - WORDS.keys()


def test_each_preset_and_maintenance_factor_has_its_words():
    for room in presets.ROOM_TYPES:
        assert f"tools.room.{room.key}" in WORDS and f"tools.room.{room.key}.norm" in WORDS
    for item in presets.MAINTENANCE:
        assert f"tools.mf.{item.key}" in WORDS
    for name in ("uf_photometry", "uf_given"):
        assert f"tools.result.{name}" in WORDS
