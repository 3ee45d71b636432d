"""The ledger's terms from `extra.club.points` in mkdocs.yml (every key optional):

    points:
      expiry_months: 24   # points expire this many months after they were earned
      warning_days: 90    # the cabinet shows what expires within this many days
      letter_days: 30     # the representative gets one letter this many days before points expire

Other keys of the section (the accrual rule) belong to other parts of the capability and are ignored here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("portal.points")
DAY = 24 * 3600.0


@dataclass(frozen=True)
class Terms:
    expiry_months: int = 24
    warning_days: int = 90
    letter_days: int = 30


DEFAULT_TERMS = Terms()
LIMITS = {"expiry_months": (1, 240), "warning_days": (1, 3650), "letter_days": (1, 3650)}


def parse_terms(raw: Any) -> Terms:
    """Terms from `extra.club.points`; ValueError naming the key that is wrong."""
    if raw is None:
        return DEFAULT_TERMS
    if not isinstance(raw, dict):
        raise ValueError("extra.club.points must be a mapping (expiry_months, warning_days, letter_days, ...)")
    values = {}
    for key, (low, high) in LIMITS.items():
        value = raw.get(key, getattr(DEFAULT_TERMS, key))
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"extra.club.points.{key}: a whole number from {low} to {high}, not {value!r}")
        values[key] = value
    return Terms(**values)


def section_of(club: Any) -> Any:
    raw = getattr(club, "raw", None) or {}
    extra = raw.get("extra") if isinstance(raw, dict) else None
    section = extra.get("club") if isinstance(extra, dict) else None
    return section.get("points") if isinstance(section, dict) else None


def club_terms(club: Any) -> Terms:
    """The club's terms (the raw mkdocs.yml); the defaults, with a warning, when absent or wrong."""
    try:
        return parse_terms(section_of(club))
    except ValueError as exc:
        log.warning("%s; using 24 months, 90 and 30 days", exc)
        return DEFAULT_TERMS


def add_months(timestamp: float, months: int) -> float:
    """The same moment `months` calendar months later (in UTC; the 31st becomes the month's last day)."""
    from calendar import monthrange
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp(timestamp, UTC)
    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    day = min(moment.day, monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day).timestamp()
