"""One-line text: the single rule for names, titles and other fields a person types on one line.

Such text ends up in mail headers (To, Subject), page titles, listings and logs, where a line break
or an invisible character does damage: a newline in a header is header injection or a message the
`email` package refuses to build, and a bidi override makes a title display as something else.
Multi-line text (forum posts) does not come here; it keeps its lines.
"""

from __future__ import annotations

import unicodedata

# ASVS 5.0 1.2.x (output encoding / header injection), 1.3.x (sanitise input that reaches other systems).
# Replaced by a space, so the words on either side stay apart:
#   Cc  C0 and C1 controls: TAB, LF, CR, NUL, DEL, NEL (U+0085) and the rest; each ends a line or a
#       string somewhere (mail headers, CSV, terminals, C libraries).
#   Zl, Zp  U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR: line breaks to Unicode-aware readers.
_AS_SPACE = frozenset({"Cc", "Zl", "Zp"})
# Removed, because they are invisible and can only hide or disguise text on one line:
#   Cf  format characters: the bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069,
#       LRM/RLM/ALM) that reorder what follows ("Trojan Source", CVE-2021-42574), zero-width space,
#       BOM, soft hyphen, invisible tag characters (U+E0000 block). ZWJ/ZWNJ are Cf too and go with
#       them: an emoji sequence falls apart into its parts, which is the price of a rule without
#       exceptions that makes two names look the same only when they are the same.
#   Cs  lone surrogates (a command-line argument in a wrong encoding): SQLite cannot store them.
_REMOVED = frozenset({"Cf", "Cs"})


def one_line(text: str) -> str:
    """`text` without control, line-separator and format characters, its whitespace collapsed to single spaces."""
    if not text.isprintable():  # almost every name is printable: the per-character pass is for the rest
        text = "".join(_replacement(char) for char in text)
    return " ".join(text.split())  # also folds no-break and other Unicode spaces into one plain space


def _replacement(char: str) -> str:
    category = unicodedata.category(char)
    if category in _AS_SPACE:
        return " "
    return "" if category in _REMOVED else char
