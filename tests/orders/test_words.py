"""Every word the orders pages and modules use exists in both languages with the same placeholders."""

import re
import string
from pathlib import Path

from portal.orders import store
from portal.orders.words import WORDS

REPO = Path(__file__).resolve().parents[2]
SOURCES = [*(REPO / "portal" / "orders").glob("*.py"),
           *(REPO / "themes" / "portal" / "templates" / "orders").glob("*.html")]
DYNAMIC = {"orders.state.", "orders.notice.", "orders.problem.", "orders.timeline.", "orders.csv.", "orders.th.",
           "orders.error.note_"}


def names(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_used_words_exist():
    used = set()
    for path in SOURCES:
        used |= set(re.findall(r"""["'](orders\.[a-z_.]+[a-z_])["']""", path.read_text(encoding="utf-8")))
    used.discard("orders.csv")  # the staff export's file name
    missing = {key for key in used if key not in WORDS and not any(key.startswith(p) for p in DYNAMIC)}
    assert not missing


def test_dynamic_families_are_complete():
    for state in store.STATES:
        assert f"orders.state.{state}" in WORDS and f"orders.timeline.{state}" in WORDS
    for kind in ("quantity", "sku", "unknown", "total", "file"):
        assert f"orders.problem.{kind}" in WORDS
    for state in ("declined", "question", "answered"):
        assert f"orders.error.note_{state}" in WORDS


def test_both_languages_with_the_same_placeholders():
    for key, (ru, en) in WORDS.items():
        assert ru.strip() and en.strip(), key
        assert names(ru) == names(en), key
