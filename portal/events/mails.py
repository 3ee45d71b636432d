"""Plain registration letters: registered, on the waiting list, offered a seat (with the link to take
it), cancelled. Sent after the response through the one mail path (web/letters), so a slow relay never
slows the page. "Registered" carries the calendar invitation (.ics, METHOD:REQUEST) and "cancelled" its
cancellation (METHOD:CANCEL), both with the registration's stable UID (RFC 5545/5546, iMIP RFC 6047);
"registered" also shows the check-in QR code (events.qr) for the entrance."""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime
from email.utils import parseaddr

from starlette.background import BackgroundTask

from portal.core.identity import get_user
from portal.core.mail import Mail, calendar_attachment
from portal.core.oneline import one_line
from portal.events import qr
from portal.events.calendar import invitation, uid_for
from portal.events.model import Registration, local_time
from portal.web.context import Portal
from portal.web.letters import personal_mail, send_all_later
from portal.web.templating import format_when
from site_builder.contract import EventEntry

log = logging.getLogger("portal.events")
KINDS = ("registered", "waiting", "offered", "cancelled")
# Which letters carry the calendar object, and as what. Until update letters land (a later slice), every
# REQUEST is sequence 0 and its CANCEL sequence 1, so a calendar app takes the cancellation as newer.
CALENDAR = {"registered": ("REQUEST", 0), "cancelled": ("CANCEL", 1)}


def letter(portal: Portal, event: EventEntry, kind: str, row: Registration) -> Mail | None:
    user = get_user(portal.db, row.user_id)
    if user is None:
        return None
    place = ", ".join(part for part in (event.city, event.venue) if part)
    with_qr = kind == "registered" and not event.cancelled and has_entrance(event)
    mail = personal_mail(portal, f"event_{kind}", user, title=one_line(event.title),
                         when=local_time(event.starts),
                         place=place, online=event.online, position=row.position,
                         expires=format_when(row.offer_expires_at, portal.zone),
                         link=f"{portal.settings.base_url}/account/events/{event.slug}/",
                         event_url=f"{portal.settings.base_url}{event.url}",
                         qr_cid=qr.content_id(portal.settings) if with_qr else "")
    attachments = ()
    if kind in CALENDAR and not (event.cancelled and kind == "registered"):
        attachments += (calendar_attachment(calendar_for(portal, event, kind, row, user)),)
    if with_qr:  # the check-in code staff scan at the entrance (shown inline in the HTML)
        attachments += (qr.checkin_attachment(portal.settings, row.id),)
    return dataclasses.replace(mail, attachments=attachments) if attachments else mail


def has_entrance(event: EventEntry) -> bool:
    """A place people walk into (a webinar without a venue has no door to check in at)."""
    return not event.online or bool(event.venue)


def calendar_for(portal: Portal, event: EventEntry, kind: str, row: Registration, user) -> bytes:
    method, sequence = CALENDAR[kind]
    if kind != "registered":  # the webinar link goes only to people who hold a seat
        event = dataclasses.replace(event, online_link="")
    organizer_name, organizer_email = parseaddr(portal.settings.mail_from)
    return invitation(event, uid=uid_for(row.id, portal.settings.base_url), sequence=sequence, method=method,
                      attendee_email=user.email, attendee_name=user.name,
                      organizer_email=organizer_email or "club@localhost", organizer_name=organizer_name or
                      portal.site_name, url=f"{portal.settings.base_url}{event.url}", now=datetime.now(UTC))


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
