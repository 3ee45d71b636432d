"""Words of the unsubscribe page and newsletter statistics (ru, en)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
}
