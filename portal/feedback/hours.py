"""Working hours: time to first reply counts only the club's working time (the SLA calendar).

`extra.club.working_hours` in mkdocs.yml says which days and from when to when, in the club's time
zone (extra.club.timezone); without it, Monday to Friday 09:00-18:00:

    working_hours:
      days: [mon, tue, wed, thu, fri]
      start: "09:00"
      end: "18:00"
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger("portal.feedback")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkingHours:
    days: frozenset[int] = frozenset(range(5))  # Monday = 0, as datetime.weekday()
    start: time = time(9, 0)
    end: time = time(18, 0)

    @property
    def seconds_per_day(self) -> float:
        return (datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)).total_seconds()


DEFAULT_HOURS = WorkingHours()


def _clock(text: Any) -> time:
    hour, minute = str(text).strip().split(":")
    return time(int(hour), int(minute))


def parse_hours(raw: Any) -> WorkingHours:
    """WorkingHours from `extra.club.working_hours`; ValueError naming what is wrong."""
    if raw is None:
        return DEFAULT_HOURS
    if not isinstance(raw, dict):
        raise ValueError("extra.club.working_hours must be a mapping with days, start and end")
    names = raw.get("days", list(DAY_NAMES[:5]))
    if not isinstance(names, list) or not names or any(str(n).lower()[:3] not in DAY_NAMES for n in names):
        raise ValueError(f"extra.club.working_hours.days: use a list of {', '.join(DAY_NAMES)}")
    try:
        start, end = _clock(raw.get("start", "09:00")), _clock(raw.get("end", "18:00"))
    except ValueError as exc:
        raise ValueError("extra.club.working_hours.start/end: use HH:MM, e.g. \"09:00\"") from exc
    if end <= start:
        raise ValueError("extra.club.working_hours: end must be after start (overnight shifts are not supported)")
    return WorkingHours(frozenset(DAY_NAMES.index(str(n).lower()[:3]) for n in names), start, end)


def club_hours(club: Any) -> WorkingHours:
    """The club's working hours from its config (the raw mkdocs.yml); the default when absent or wrong."""
    raw = getattr(club, "raw", None) or {}
    section = ((raw.get("extra") or {}).get("club") or {}) if isinstance(raw, dict) else {}
    try:
        return parse_hours(section.get("working_hours") if isinstance(section, dict) else None)
    except ValueError as exc:
        log.warning("%s; using Monday to Friday 09:00-18:00", exc)
        return DEFAULT_HOURS


def working_seconds(start: float, end: float, hours: WorkingHours, zone: ZoneInfo) -> float:
    """Seconds of working time between two Unix times, in `zone`; 0 when end is not after start.

    The first and the last week are walked day by day (each day's opening and closing in local time, so
    a DST change moves them with the clock); the whole weeks between are counted at once, which keeps
    a request answered after a year as cheap as one answered the same day (a clock change inside
    working hours, which no zone has, would be off by its hour there).
    """
    if end <= start:
        return 0.0
    first = datetime.fromtimestamp(start, zone).date()
    last = datetime.fromtimestamp(end, zone).date()
    weeks = max(0, (last - first).days // 7 - 1)
    skip_from = first + timedelta(days=7)
    skip_to = skip_from + timedelta(days=7 * weeks)
    total, day = weeks * len(hours.days) * hours.seconds_per_day, first
    while day <= last:
        if weeks and day == skip_from:
            day = skip_to
            continue
        if day.weekday() in hours.days:
            opens = datetime.combine(day, hours.start, tzinfo=zone).astimezone(UTC).timestamp()
            closes = datetime.combine(day, hours.end, tzinfo=zone).astimezone(UTC).timestamp()
            total += max(0.0, min(end, closes) - max(start, opens))
        day += timedelta(days=1)
    return total


def median_seconds(times: Sequence[tuple[float, float] | tuple[float, float, float | None]], hours: WorkingHours,
                   zone: ZoneInfo) -> float | None:
    """The median time to first reply in working seconds; None when nothing was answered yet.

    Each item is (created, replied) or (created, replied, counted): the working seconds counted when
    the reply was written are used as they are, the others are counted now.
    """
    if not times:
        return None
    return statistics.median(item[2] if len(item) > 2 and item[2] is not None
                             else working_seconds(item[0], item[1], hours, zone) for item in times)


def reply_clock(hours: WorkingHours, zone: ZoneInfo) -> Callable[[float, float], float]:
    """working_seconds for these hours: what the store counts when the first reply is written."""
    return lambda start, end: working_seconds(start, end, hours, zone)


def describe(seconds: float | None, language: str) -> str:
    """"2 ч 15 мин" / "2 h 15 min" of working time; "—" for none."""
    if seconds is None:
        return "—"
    minutes = int(round(seconds / 60))
    hours_part, minutes_part = divmod(minutes, 60)
    h, m = ("ч", "мин") if language == "ru" else ("h", "min")
    return f"{hours_part} {h} {minutes_part} {m}" if hours_part else f"{minutes_part} {m}"
