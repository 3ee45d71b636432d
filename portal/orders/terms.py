"""The orders section of mkdocs.yml (`extra.club.orders`) and the answer deadline it sets.

`answer_hours` (default 24): how long a distributor has to answer an order before the club's staff are told,
counted in weekday hours in the club's time zone: Saturdays and Sundays do not count, so the default is
one working day (an order sent on Friday at 15:00 is overdue on Monday at 15:00).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_ANSWER_HOURS = 24
KEYS = frozenset({"answer_hours"})


def orders_section(raw_config: Mapping[str, Any] | None) -> Any:
    extra = raw_config.get("extra") if isinstance(raw_config, Mapping) else None
    club = extra.get("club") if isinstance(extra, dict) else None
    return club.get("orders") if isinstance(club, dict) else None


def parse_answer_hours(section: Any) -> int:
    """The configured hours; ValueError starting with the key path."""
    if section is None:
        return DEFAULT_ANSWER_HOURS
    if not isinstance(section, dict):
        raise ValueError(f"extra.club.orders: a mapping (answer_hours: 24), not {type(section).__name__}")
    value = section.get("answer_hours", DEFAULT_ANSWER_HOURS)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 720:
        raise ValueError("extra.club.orders.answer_hours: a whole number of weekday hours from 1 to 720, "
                         f"not {value!r}")
    return value


def check_orders_config(raw_config: Mapping[str, Any]) -> list[str]:
    """Every problem of `extra.club.orders` (empty: fine), each starting with its key path."""
    section = orders_section(raw_config)
    problems = [f"extra.club.orders.{key}: no such setting; the settings are {', '.join(sorted(KEYS))}"
                for key in sorted(set(section) - KEYS, key=str)] if isinstance(section, dict) else []
    try:
        parse_answer_hours(section)
    except ValueError as exc:
        problems.append(str(exc))
    return problems


def answer_hours(club: Any) -> int:
    """The club's setting (club: site_builder ClubConfig or None); the default when absent or wrong
    (`club check` names the problem)."""
    try:
        return parse_answer_hours(orders_section(getattr(club, "raw", None)))
    except ValueError:
        return DEFAULT_ANSWER_HOURS


def due_at(start: float, hours: int, zone: ZoneInfo) -> float:
    """`start` plus `hours` hours of weekdays (Monday to Friday, local time in `zone`)."""
    moment, left = datetime.fromtimestamp(start, zone), timedelta(hours=hours)
    while left > timedelta(0):
        midnight = datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        if moment.weekday() >= 5:
            moment = midnight
            continue
        step = min(left, midnight - moment)
        moment, left = moment + step, left - step
    return moment.timestamp()


def is_overdue(waiting_since: float, now: float, hours: int, zone: ZoneInfo) -> bool:
    return now >= due_at(waiting_since, hours, zone)
