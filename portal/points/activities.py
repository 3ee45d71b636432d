"""Points for activities, by rule: each person of a company checked in at an event earns the company
`event_attendance` points (content/club/rules.md: "event attendance and other activities award points").

The events capability records core.happenings.Attended with each mark that changes something (check-in,
or a correction either way), in the mark's own transaction; core delivers it to `award_attendance` once,
in order (right after the check-in, and by its job after a crash). This module never reads the events'
tables. The rule is in mkdocs.yml (read again when the file changes):

    extra:
      club:
        points:
          activities:
            event_attendance: 100   # points per person checked in; 0 or absent: off

Per person and event the award is one ledger `earn` with source `event:<slug>:user:<id>`. A correction
to absent reverses it (a new `reverse` row); checking the person in again earns again, under the next
source `event:<slug>:user:<id>:2` (the ledger's unique index lets a source earn once per company, so a
repeat needs a new name), and so on. So the company's points follow the latest mark: an award not
reversed exists exactly when the person's latest mark says present.

Limit: a reversal the company cannot pay (its points were spent meanwhile) is logged and left for staff,
who take the points by hand on /staff/points/<id>/. Marks made while the rule was off earn nothing later.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from portal.core.companies import survivors
from portal.core.db import write_transaction
from portal.core.happenings import Attended
from portal.core.settings import Settings
from portal.points import ledger
from portal.points.terms import section_of
from portal.web.context import load_club_config

log = logging.getLogger("portal.points")
KEYS = ("event_attendance",)
MAX_POINTS = 1_000_000  # per activity: far above any sensible award, a typo's guard


@dataclass(frozen=True)
class Activities:
    event_attendance: int = 0  # points per person checked in at an event; 0: off


def parse_activities(points_section: Any) -> Activities:
    """The rule from `extra.club.points` (the whole section); ValueError naming the key that is wrong."""
    if points_section is None:
        return Activities()
    if not isinstance(points_section, dict):
        raise ValueError("extra.club.points must be a mapping (roubles_per_point, activities, ...)")
    raw = points_section.get("activities")
    if raw is None:
        return Activities()
    if not isinstance(raw, dict):
        raise ValueError("extra.club.points.activities: a mapping, e.g. {event_attendance: 100}")
    unknown = sorted(set(map(str, raw)) - set(KEYS))
    if unknown:
        raise ValueError(f"extra.club.points.activities: unknown key {unknown[0]!r}; use {', '.join(KEYS)}")
    value = raw.get("event_attendance", 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_POINTS:
        raise ValueError(f"extra.club.points.activities.event_attendance: a whole number of points from 0 to "
                         f"{MAX_POINTS} (0: off), not {value!r}")
    return Activities(event_attendance=value)


def club_activities(club: Any) -> Activities:
    """The club's rule; off, with a warning, when it is wrong (`club check` names the key)."""
    try:
        return parse_activities(section_of(club))
    except ValueError as exc:
        log.warning("%s; no points for activities until it is fixed", exc)
        return Activities()


def rule_of(settings: Settings) -> Activities:
    """The club's rule from mkdocs.yml, read again only when the file changes (a handler runs per check-in)."""
    path = settings.club_config
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return Activities()
    return _rule_at(str(path), stamp)


@functools.lru_cache(maxsize=4)
def _rule_at(path: str, _stamp: float) -> Activities:
    return club_activities(load_club_config(Path(path)))


def award_attendance(db: Database, settings: Settings, happening: Attended) -> None:
    """The capability's handler of core.happenings.Attended (delivered once, in order, by core)."""
    on_attended(db, happening, rule_of(settings))


def source_of(happening: Attended) -> str:
    return f"event:{happening.event_slug}:user:{happening.user_id}"


def on_attended(db: Database, happening: Attended, rule: Activities) -> None:
    """Award the points for a person checked in, or withdraw them when the mark is corrected to absent."""
    if happening.company_id is None or not rule.event_attendance:
        return
    company_id = survivors(db, [happening.company_id]).get(happening.company_id, happening.company_id)
    base = source_of(happening)
    try:
        with write_transaction(db):  # the look and the row in one step: two workers at once award once
            earned = ledger.earned_under(db, company_id, base)
            standing = [row for row in earned if not row.reversed]
            if happening.attended and not standing:
                source = base if not earned else f"{base}:{len(earned) + 1}"
                ledger.earn(db, company_id, rule.event_attendance, reason=happening.event_title or happening.event_slug,
                            source=source, by_id=happening.by_id, now=time.time(), earned_at=happening.at)
            elif not happening.attended:
                for row in standing:
                    ledger.reverse(db, row.id, reason=happening.event_title or happening.event_slug,
                                   by_id=happening.by_id, now=time.time())
    except ledger.NotEnoughPoints as refused:
        log.warning("points: attendance at %s corrected, but company %s has only %s of the %s points to withdraw; "
                    "take them by hand on /staff/points/%s/", happening.event_slug, company_id, refused.available,
                    refused.wanted, company_id)
