"""Per-newsletter statistics for staff: table, chart, CSV."""

from __future__ import annotations

ROUTES: list = []
