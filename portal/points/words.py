"""Words of the points capability (ru, en)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "points.title": ("Баллы", "Points"),
}
