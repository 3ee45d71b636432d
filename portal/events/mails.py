"""Plain registration letters: registered, on the waiting list, offered a seat (with the link to take
it), cancelled. Sent after the response through the one mail path (web/letters), so a slow relay never
slows the page; the calendar invitation (.ics) comes in a later slice."""

from __future__ import annotations

import logging

from starlette.background import BackgroundTask

from portal.core.identity import get_user
from portal.core.mail import Mail
from portal.core.oneline import one_line
from portal.events.model import Registration, local_time
from portal.web.context import Portal
from portal.web.letters import personal_mail, send_all_later
from portal.web.templating import format_when
from site_builder.contract import EventEntry

log = logging.getLogger("portal.events")
KINDS = ("registered", "waiting", "offered", "cancelled")


def letter(portal: Portal, event: EventEntry, kind: str, row: Registration) -> Mail | None:
    user = get_user(portal.db, row.user_id)
    if user is None:
        return None
    place = ", ".join(part for part in (event.city, event.venue) if part)
    return personal_mail(portal, f"event_{kind}", user, title=one_line(event.title),
                         when=local_time(event.starts),
                         place=place, online=event.online, position=row.position,
                         expires=format_when(row.offer_expires_at, portal.zone),
                         link=f"{portal.settings.base_url}/account/events/{event.slug}/",
                         event_url=f"{portal.settings.base_url}{event.url}")


def build(portal: Portal, event: EventEntry, letters: list[tuple[str, Registration]]) -> list[Mail]:
    mails = []
    for kind, row in letters:
        try:
            mail = letter(portal, event, kind, row)
        except Exception:  # the change is saved; a letter that cannot be built costs that letter only
            log.exception("could not build the %s letter for registration %s", kind, row.id)
            continue
        if mail is not None:
            mails.append(mail)
    return mails


def send(portal: Portal, event: EventEntry, letters: list[tuple[str, Registration]]) -> BackgroundTask | None:
    """The letters, sent after the response; None when there are none."""
    mails = build(portal, event, letters)
    return send_all_later(portal, mails) if mails else None
