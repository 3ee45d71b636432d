"""The points section of mkdocs.yml (`extra.club.points`) as `club check` and `club build` see it: every
part's parser over the same section, and the keys no part knows (a typo such as `expiry_month` would
otherwise be ignored and the default used without a word).

Each part owns its keys and parses them where it is used (terms.py: expiry and warnings, accrual.py: the
accrual rule, ...); PARTS lists them with the keys they read, so a new part adds one line here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from portal.points import accrual, activities, scorecard, terms, tiers

# (the keys a part reads, its parser: raises ValueError starting with the key path)
PARTS: tuple[tuple[frozenset[str], Callable[[Any], object]], ...] = (
    (frozenset(terms.LIMITS), terms.parse_terms),
    (frozenset({"roubles_per_point", "rounding", "groups", "bonuses", "accrue_day"}), accrual.parse_rule),
    (frozenset({"activities"}), activities.parse_activities),
    (frozenset({"scorecard"}), scorecard.parse_scorecard),
    (frozenset({"tiers"}), tiers.parse_tiers),
)


def points_section(raw_config: Mapping[str, Any]) -> Any:
    extra = raw_config.get("extra")
    club = extra.get("club") if isinstance(extra, dict) else None
    return club.get("points") if isinstance(club, dict) else None


def check_points_config(raw_config: Mapping[str, Any]) -> list[str]:
    """Every problem of `extra.club.points` (empty: fine), each starting with its key path."""
    section = points_section(raw_config)
    if section is None:
        return []
    if not isinstance(section, dict):
        return ["extra.club.points: a mapping of settings (roubles_per_point, expiry_months, ...), "
                f"not {type(section).__name__}"]
    known = frozenset().union(*(keys for keys, _ in PARTS))
    problems = [f"extra.club.points.{key}: no such setting; the settings are {', '.join(sorted(known))}"
                for key in sorted(set(section) - known, key=str)]
    for _, parse in PARTS:
        try:
            parse(section)
        except ValueError as exc:
            problems.append(str(exc))
    return problems
