"""Staff pages for newsletters: list, preview, send, cancel, status."""

from __future__ import annotations

ROUTES: list = []
