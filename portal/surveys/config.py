"""The surveys section of mkdocs.yml (`extra.club.surveys`), as `club check` and the capability read it:

    extra:
      club:
        surveys:
          min_days: 90     # nobody is asked more often than this, across waves
          open_days: 30    # a wave takes answers this long after its letter goes
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KEY = "extra.club.surveys"
LIMITS = {"min_days": (0, 3650), "open_days": (1, 365)}


@dataclass(frozen=True)
class SurveyTerms:
    min_days: int = 90
    open_days: int = 30


def section(raw_config: Mapping[str, Any] | None) -> Any:
    extra = (raw_config or {}).get("extra")
    club = extra.get("club") if isinstance(extra, dict) else None
    return club.get("surveys") if isinstance(club, dict) else None


def parse_terms(value: Any) -> SurveyTerms:
    """The section as SurveyTerms; ValueError (starting with the key path) for anything wrong."""
    if value is None:
        return SurveyTerms()
    if not isinstance(value, dict):
        raise ValueError(f"{KEY}: a mapping such as {{min_days: 90, open_days: 30}}, not {type(value).__name__}")
    unknown = sorted(set(value) - set(LIMITS), key=str)
    if unknown:
        raise ValueError(f"{KEY}.{unknown[0]}: no such setting; the settings are {', '.join(LIMITS)}")
    found = {}
    for key, (low, high) in LIMITS.items():
        number = value.get(key, getattr(SurveyTerms, key))
        if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
            raise ValueError(f"{KEY}.{key}: a whole number of days from {low} to {high}, not {number!r}")
        found[key] = number
    return SurveyTerms(**found)


def check_surveys_config(raw_config: Mapping[str, Any]) -> list[str]:
    """`club check`: every problem of extra.club.surveys (empty: fine)."""
    try:
        parse_terms(section(raw_config))
    except ValueError as exc:
        return [str(exc)]
    return []


def terms_of(club: Any) -> SurveyTerms:
    """The club's terms (ClubConfig.raw); the defaults when absent or wrong (`club check` says why)."""
    try:
        return parse_terms(section(getattr(club, "raw", None)))
    except ValueError:
        return SurveyTerms()
