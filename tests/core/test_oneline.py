"""The one rule for one-line fields (names, titles): no line breaks, controls or invisible reordering."""

import pytest

from portal.core.oneline import one_line


@pytest.mark.parametrize(("typed", "kept"), [
    ("Анна Светлова", "Анна Светлова"),
    ("Анна\nСветлова", "Анна Светлова"),
    ("Анна\r\nСветлова", "Анна Светлова"),
    ("Анна\x00Светлова", "Анна Светлова"),
    ("  Анна\t\x0b\x0c Светлова \x85", "Анна Светлова"),  # TAB, VT, FF and NEL are controls too
    ("Анна\u2028Светлова\u2029", "Анна Светлова"),  # Unicode line and paragraph separators
    ("Анна\u00a0Светлова", "Анна Светлова"),  # a no-break space is just a space here
    ("admin\u202egnp.exe", "admingnp.exe"),  # a bidi override would show "exe.png"
    ("\u2066Анна\u2069 \u200fСветлова\u200e", "Анна Светлова"),  # isolates and direction marks
    ("Ан\u200bна\ufeff", "Анна"),  # zero-width space, BOM
    ("Анна\udcff", "Анна"),  # a lone surrogate from a badly encoded command line
    ("Ёлка № 5 «Свет» — 100 %", "Ёлка № 5 «Свет» — 100 %"),
    ("\n\r\x00", ""),
])
def test_one_line(typed: str, kept: str) -> None:
    assert one_line(typed) == kept
