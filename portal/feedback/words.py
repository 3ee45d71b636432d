"""Words of the feedback capability (ru, en)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "feedback.title": ("Обратная связь", "Feedback"),
}
