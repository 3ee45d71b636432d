"""The letter after the event: `club events send-certificates` and the job `club serve` runs beside the portal.

For events that ended (`ends`, or `starts` without an end) between an hour and 14 days ago, every
registered person gets one letter:
  * checked in (attendance present now): "after" — the certificate PDF attached, and the 0–10 question;
  * not checked in (marked absent, or never marked, as at a webinar without check-in): "after_question" —
    only the question, so someone who could not come may say why. No certificate.
Each letter is claimed once per registration (store.claim_letter), so several processes, the job and the
command together still send it once. Someone who gets the question and is then marked present (a late
correction within the 14 days) gets the certificate letter as well. The hour's grace lets staff finish
the check-in before the letters go. A claimed letter whose sending fails is not retried (logged).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlite_utils import Database

from portal.core.identity import get_user
from portal.core.jobs import periodic
from portal.core.mail import Attachment, Mail
from portal.core.oneline import one_line
from portal.core.settings import Settings
from portal.events import attendance, ratings, store
from portal.events.catalogue import catalogue_for
from portal.events.certificate import event_date, filename, for_person
from portal.events.model import Registration, timestamp
from portal.web.context import Portal, build_portal
from portal.web.letters import deliver_all, personal_mail
from site_builder.contract import EventEntry

log = logging.getLogger("portal.events")
CHECK_SECONDS = 900  # every quarter of an hour: a thank-you letter an hour or so after the end is in time
GRACE_SECONDS = 3600
WINDOW_DAYS = 14


def due(event: EventEntry, now: float) -> bool:
    """The event ended between GRACE_SECONDS and WINDOW_DAYS ago (and was not cancelled)."""
    ended = timestamp(event.ends) or timestamp(event.starts)
    return (not event.cancelled and ended is not None
            and ended + GRACE_SECONDS <= now < ended + WINDOW_DAYS * 86400)


def letter(portal: Portal, event: EventEntry, kind: str, row: Registration) -> Mail | None:
    user = get_user(portal.db, row.user_id)
    if user is None:
        return None
    base = f"{portal.settings.base_url}/account/events/{event.slug}"
    mail = personal_mail(portal, f"event_{kind}", user, title=one_line(event.title), date=event_date(event),
                         rate=f"{base}/rate", certificate=f"{base}/certificate.pdf",
                         answered=ratings.of_registration(portal.db, row.id) is not None)
    if kind != "after":
        return mail
    pdf = for_person(portal, event, row, one_line(user.name), user.language)
    return dataclasses.replace(mail, attachments=(Attachment(filename(event.slug), "application/pdf", pdf),))


def letters_of(portal: Portal, event: EventEntry, now: float) -> list[tuple[str, Mail]]:
    """Build and claim the event's letters still to send: (kind, letter)."""
    db, found = portal.db, []
    present = attendance.of_event(db, event.slug)
    for row in store.of_event(db, event.slug):
        kind = "after" if present.get(row.id) is True else "after_question"
        if row.status != "registered" or kind in store.letters_claimed(db, row.id):
            continue
        if kind == "after_question" and ratings.of_registration(db, row.id) is not None:
            continue  # answered already on the event's page: nothing to ask
        try:
            mail = letter(portal, event, kind, row)
        except Exception:  # one letter that cannot be built costs that letter only
            log.exception("could not build the %s letter for registration %s", kind, row.id)
            continue
        # Built first, claimed second: the claim decides between processes, and a failed build claims nothing.
        if mail is not None and store.claim_letter(db, row.id, kind, now):
            found.append((kind, mail))
    return found


def send_after(settings: Settings, db: Database, now: float | None = None) -> tuple[int, int]:
    """Send the letters after the events that are due: (certificates sent, question letters sent)."""
    now = time.time() if now is None else now
    events = [event for event in catalogue_for(settings.site_dir).all().values() if due(event, now)]
    if not events:
        return 0, 0
    portal = build_portal(settings, db, ())
    letters = [pair for event in events for pair in letters_of(portal, event, now)]
    certificates = asyncio.run(deliver_all(portal, [mail for kind, mail in letters if kind == "after"]))
    questions = asyncio.run(deliver_all(portal, [mail for kind, mail in letters if kind != "after"]))
    return certificates, questions




def after_job(settings: Settings, progress: Callable[[str], None], enabled: bool = True,
              every: float = CHECK_SECONDS) -> AbstractContextManager[None]:
    return periodic(settings, progress, enabled, name="event-after", work=send_after, every=every,
                    said=f"event certificates: letters after events every {every:.0f} s")
