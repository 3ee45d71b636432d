"""Words of the cabinet's newsletter settings, the profile role and members import (ru, en)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
}
