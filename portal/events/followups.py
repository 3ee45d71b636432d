"""Letters after registration, sent by a job every few minutes and by `club events send-letters`:

- updated: the build published a new `revision` of an event (its time or place changed). Every active
  row takes the new revision and a sequence one higher (store.apply_revision, one transaction); people
  with a seat get the new time and place with a METHOD:REQUEST .ics at that SEQUENCE, people waiting
  or holding an offer a plain letter (they have no calendar entry yet; taking the seat sends one).
- called off: the event is `cancelled: true`. Every active row becomes cancelled (store.cancel_event);
  people with a seat get METHOD:CANCEL at the raised sequence, the others a plain letter.
- reminders: registered people once the start is under 24 hours away ("reminder_day") and, for an
  online event, under one hour ("reminder_hour", with the webinar link). Someone who registers inside
  the last hour gets only the hour one; inside the last day, the day one at once.

Each letter is claimed first (store.claim_letter: one row per registration and kind), so two processes
never send the same letter twice. The price of claiming first: a process that dies between the claim
and the relay loses that letter (logged nowhere); the change of the row itself is never lost.
Nothing happens for an event that has started: a late build cannot mail people about the past.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlite_utils import Database

from portal.core.jobs import periodic
from portal.core.mail import Mail
from portal.core.settings import Settings
from portal.events import mails, store
from portal.events.catalogue import catalogue_for
from portal.events.model import Registration, timestamp
from portal.web.context import Portal, build_portal
from portal.web.letters import deliver_all
from site_builder.contract import EventEntry

log = logging.getLogger("portal.events")
CHECK_SECONDS = 300  # five minutes: the hour reminder leaves at most this late
DAY, HOUR = 24 * 3600, 3600


def send_followups(settings: Settings, db: Database, now: float | None = None) -> Counter:
    """Apply every change of the catalogue to the rows and send what is due: counts of letters by kind
    ("updated", "called_off", "reminder_day", "reminder_hour") and "sent"."""
    now = time.time() if now is None else now
    portal = build_portal(settings, db, ())
    counts: Counter = Counter()
    letters: list[Mail] = []
    for event in catalogue_for(settings.site_dir).all().values():
        start = timestamp(event.starts)
        if start is None or now >= start:
            continue
        if event.cancelled:
            letters += _called_off(portal, event, now, counts)
        else:
            letters += _updates(portal, event, now, counts)
            letters += _reminders(portal, event, start, now, counts)
    counts["sent"] = asyncio.run(deliver_all(portal, letters)) if letters else 0
    return counts


def _updates(portal: Portal, event: EventEntry, now: float, counts: Counter) -> list[Mail]:
    found = []
    for row in store.apply_revision(portal.db, event, now):
        if store.claim_letter(portal.db, row.id, f"update:{event.revision}", now):
            found += _build(portal, event, "updated", row, seat=row.status == "registered")
            counts["updated"] += 1
    return found


def _called_off(portal: Portal, event: EventEntry, now: float, counts: Counter) -> list[Mail]:
    found = []
    for before, row in store.cancel_event(portal.db, event, now):
        if store.claim_letter(portal.db, row.id, "event_cancelled", now):
            found += _build(portal, event, "called_off", row, seat=before == "registered")
            counts["called_off"] += 1
    return found


def reminder_due(event: EventEntry, start: float, now: float) -> str | None:
    """Which reminder is due now (its claim kind), or None: the hour one wins inside the last hour."""
    if now >= start:
        return None
    if event.online and start - now <= HOUR:
        return "reminder_hour"
    return "reminder_day" if start - now <= DAY else None


def _reminders(portal: Portal, event: EventEntry, start: float, now: float, counts: Counter) -> list[Mail]:
    kind = reminder_due(event, start, now)
    if kind is None:
        return []
    found = []
    for row in store.of_event(portal.db, event.slug):
        if row.status == "registered" and store.claim_letter(portal.db, row.id, kind, now):
            found += _build(portal, event, "reminder", row, seat=True, hour=kind == "reminder_hour")
            counts[kind] += 1
    return found


def _build(portal: Portal, event: EventEntry, kind: str, row: Registration, **values: object) -> list[Mail]:
    try:
        mail = mails.letter(portal, event, kind, row, **values)
    except Exception:  # the claim is taken; one letter that cannot be built must not stop the others
        log.exception("could not build the %s letter for registration %s", kind, row.id)
        return []
    return [mail] if mail is not None else []






def letters_job(settings: Settings, progress: Callable[[str], None], enabled: bool = True,
                every: float = CHECK_SECONDS) -> AbstractContextManager[None]:
    """The job `club serve` runs: updates, cancellations and reminders every `every` seconds."""
    return periodic(settings, progress, enabled, name="event-letters", work=send_followups, every=every,
                    said=f"event letters: updates, cancellations and reminders every {every:.0f} s")
