"""Words of the newsletter staff pages (ru, en)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
}
