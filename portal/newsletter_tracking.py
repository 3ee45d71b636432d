"""Click redirects, the open pixel and unsubscribing from newsletters."""

from __future__ import annotations

ROUTES: list = []
