"""ASCII URL slugs for Russian (and any other) titles: "Новая трековая система" -> "novaya-trekovaya-sistema"."""

from __future__ import annotations

import re
from functools import lru_cache

from slugify import slugify as _slugify

MAX_SLUG = 60
_VALID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Russian letters the generic transliteration spells unusually ("ia", "iu", "i"); the rest it gets right.
_RUSSIAN = {"я": "ya", "ю": "yu", "й": "y", "ё": "e", "ъ": "", "ь": ""}
_REPLACEMENTS = [[k, v] for k, v in _RUSSIAN.items()] + [[k.upper(), v.capitalize()] for k, v in _RUSSIAN.items()]


@lru_cache(maxsize=4096)  # the blog plugin slugifies every post's categories in every build
def slugify(text: str, separator: str = "-") -> str:
    """Transliterate and slugify; deterministic, so URLs stay stable across rebuilds."""
    slug = _slugify(str(text), max_length=MAX_SLUG, word_boundary=True, separator=separator,
                    replacements=_REPLACEMENTS)
    if len(slug) < MAX_SLUG - 1 and slug == _slugify(str(text), separator=separator, replacements=_REPLACEMENTS):
        return slug  # not cut: a last one-character word is the name's own ("Трек-Про 2", "Цех-М")
    # A cut at the length limit can leave a dangling one-letter word ("...-dlya-magazinov-i").
    return re.sub(rf"{re.escape(separator)}[a-z0-9]$", "", slug) if len(slug) > 2 else slug


def is_valid_slug(slug: str) -> bool:
    return bool(_VALID.match(slug))
