"""Registration letters: registered, on the waiting list, offered a seat (with the link to take it),
cancelled, and the follow-ups (updated, called off, reminder). Sent through the one mail path
(web/letters), after the response, so a slow relay never slows the page. "Registered" and "updated"
carry the calendar invitation (.ics, METHOD:REQUEST), "cancelled" and "called off" its cancellation
(METHOD:CANCEL), all with the registration's stable UID (RFC 5545/5546, iMIP RFC 6047).
"Registered", "updated" and the reminders also show the check-in QR code (events.qr) for the entrance:
people open the latest letter at the door."""

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
QR_KINDS = ("registered", "updated", "reminder")
KINDS = ("registered", "waiting", "offered", "cancelled")
# The follow-ups (portal/events/followups.py): the time or place changed, the whole event is called off,
# the reminder the day (or, online, the hour) before.
FOLLOWUPS = ("updated", "called_off", "reminder")
# Which letters carry the calendar object, and as what: only to people who hold a seat (or, for the
# person's own cancellation, just gave it back). SEQUENCE is the row's: the store raises it with every
# update and with the cancellation, so a calendar app always takes the later letter as newer.
CALENDAR = {"registered": "REQUEST", "updated": "REQUEST", "cancelled": "CANCEL", "called_off": "CANCEL"}


def letter(portal: Portal, event: EventEntry, kind: str, row: Registration, seat: bool | None = None,
           **values: object) -> Mail | None:
    """Letter `kind` to the row's person. `seat`: they hold (or, for called_off, held) a seat — only then
    the .ics and, for an online event, the webinar link; by default, whether the row is registered."""
    user = get_user(portal.db, row.user_id)
    if user is None:
        return None
    seat = row.status == "registered" if seat is None else seat
    place = ", ".join(part for part in (event.city, event.venue) if part)
    online_link = event.online_link if seat and event.online and not event.cancelled else ""
    with_qr = kind in QR_KINDS and seat and not event.cancelled and has_entrance(event)
    mail = personal_mail(portal, f"event_{kind}", user, title=one_line(event.title),
                         when=local_time(event.starts),
                         place=place, online=event.online, position=row.position,
                         expires=format_when(row.offer_expires_at, portal.zone),
                         link=f"{portal.settings.base_url}/account/events/{event.slug}/",
                         event_url=f"{portal.settings.base_url}{event.url}", seat=seat,
                         online_link=one_line(online_link), qr_cid=qr.content_id(portal.settings) if with_qr else "",
                         by_name=one_line(registered_by(portal, row)), asks=bool(event.questions), **values)
    attachments: tuple = ()
    method = CALENDAR.get(kind)
    if method is not None and not (method == "REQUEST" and event.cancelled) and (seat or kind == "cancelled"):
        ics = calendar_for(portal, event, method, row, user, with_link=seat and method == "REQUEST")
        attachments += (calendar_attachment(ics),)
    if with_qr:  # the check-in code staff scan at the entrance (shown inline in the HTML)
        attachments += (qr.checkin_attachment(portal.settings, row.id),)
    return dataclasses.replace(mail, attachments=attachments) if attachments else mail


def registered_by(portal: Portal, row: Registration) -> str:
    """The colleague (or staff) who registered the person, or "" when they did it themselves."""
    if row.registered_by in (None, row.user_id):
        return ""
    by = get_user(portal.db, row.registered_by)
    return by.name if by is not None else ""


def has_entrance(event: EventEntry) -> bool:
    """A place people walk into (a webinar without a venue has no door to check in at)."""
    return not event.online or bool(event.venue)


def calendar_for(portal: Portal, event: EventEntry, method: str, row: Registration, user,
                 with_link: bool) -> bytes:
    if not with_link:  # the webinar link goes only to people who hold a seat
        event = dataclasses.replace(event, online_link="")
    organizer_name, organizer_email = parseaddr(portal.settings.mail_from)
    return invitation(event, uid=uid_for(row.id, portal.settings.base_url), sequence=row.sequence, method=method,
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
