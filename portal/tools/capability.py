"""Tools: the lumen-method and voltage-drop calculators (pure formulas in formulas.py), their pages and
JSON endpoints for members, and calculations saved under a project name."""

from __future__ import annotations

from portal.core.capability import Capability

CAPABILITY = Capability(
    name="tools",
)
