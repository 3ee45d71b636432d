"""Calendar invitations: the .ics for one event and one registered person (iTIP REQUEST or CANCEL),
and the personal feed of a person's events (`feed`).

Pure: takes the build's `EventEntry` and plain values, returns bytes; no database, no web. The mail
side (RFC 6047, iMIP) is `portal.core.mail.calendar_attachment`. icalendar does the RFC 5545 folding
and escaping; every value a person typed is also made one line here, so a name can only ever be text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress

from portal.core.oneline import one_line
from site_builder.contract import EventEntry

Method = Literal["REQUEST", "CANCEL"]
PRODID = "-//Partner Club//Events//RU"  # RFC 5545 3.7.3: identifies the product that made the object
# RFC 5545 3.3.3: the mailto URI's characters that need no percent-encoding (RFC 3986 unreserved, sub-delims, @).
_MAILTO_SAFE = "@!$&'()*+,;=-._~"


def uid_for(registration_id: int, domain: str) -> str:
    """The UID of one registration's invitation, the same on every update and the cancellation.

    RFC 5546 2.1.4: a client matches a later REQUEST or CANCEL to the event it already holds by UID,
    so it must be stable per registration; the domain part keeps it globally unique (RFC 5545
    3.8.4.7). `domain` is a host ("club.example.ru") or the club's base URL (its host is taken).
    """
    if registration_id < 0:
        raise ValueError(f"registration id {registration_id} is negative")
    host = urlsplit(domain).hostname if "://" in domain else domain.strip().lower()
    if not host or not all(c.isalnum() or c in ".-" for c in host):
        raise ValueError(f"uid_for: {domain!r} is not a host name")
    return f"event-reg-{registration_id}@{host}"


def invitation(event: EventEntry, *, uid: str, sequence: int, method: Method, attendee_email: str,
               attendee_name: str, organizer_email: str, organizer_name: str, url: str, now: datetime,
               description: str | None = None) -> bytes:
    """The iCalendar object (RFC 5545) for one attendee, as an iTIP REQUEST or CANCEL (RFC 5546).

    `sequence` must grow whenever the time or place changes (RFC 5546 2.1.4), and a CANCEL carries
    at least the last REQUEST's. For an online event pass `event.online_link` only when the person
    is registered: it becomes the LOCATION. `description` defaults to the page URL and the link.
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"method {method!r}: only REQUEST and CANCEL are sent")
    if method == "REQUEST" and event.cancelled:
        raise ValueError(f"event {event.slug!r} is cancelled: send a CANCEL, not a REQUEST")
    if sequence < 0:
        raise ValueError(f"sequence {sequence} is negative (RFC 5545 3.8.7.4)")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware: DTSTAMP is UTC (RFC 5545 3.8.7.2)")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")  # RFC 5545 3.7.4
    # RFC 5546 1.4: an iTIP object has METHOD; RFC 6047 2.4: the MIME part's method parameter matches it.
    calendar.add("method", method)
    vevent = _event(event, uid=uid, sequence=sequence, method=method, url=url, now=now, description=description)
    vevent.add("organizer", _address(organizer_email, organizer_name))
    vevent.add("attendee", _attendee(attendee_email, attendee_name))
    calendar.add_component(vevent)
    _add_timezone(calendar, vevent)
    return calendar.to_ical()


@dataclass(frozen=True)
class FeedItem:
    """One event of a personal feed: the event (with `online_link` only for a seat) and its invitation's
    UID and current SEQUENCE, so the feed and the letters describe the same calendar entry."""

    event: EventEntry
    uid: str
    sequence: int
    url: str


def feed(items: list[FeedItem], *, name: str, now: datetime) -> bytes:
    """A subscribed calendar (RFC 5545, no iTIP METHOD: it is published, not sent) of a person's events."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware: DTSTAMP is UTC (RFC 5545 3.8.7.2)")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", one_line(name))  # the name calendar apps show for the subscription
    for item in items:
        if item.event.cancelled:
            continue  # a called-off event leaves the feed; the CANCEL letter said so
        calendar.add_component(_event(item.event, uid=item.uid, sequence=item.sequence, method="REQUEST",
                                      url=item.url, now=now, description=None))
    vevents = calendar.walk("VEVENT")
    if vevents:
        starts = [vevent.decoded("dtstart").date() for vevent in vevents]
        calendar.add_missing_timezones(first_date=min(starts) - timedelta(days=366),
                                       last_date=max(starts) + timedelta(days=366))
    return calendar.to_ical()


def _event(event: EventEntry, *, uid: str, sequence: int, method: Method, url: str, now: datetime,
           description: str | None) -> Event:
    zone = ZoneInfo(event.timezone)
    vevent = Event()
    vevent.add("uid", one_line(uid))
    vevent.add("dtstamp", now.astimezone(UTC))  # RFC 5545 3.8.7.2: in UTC
    vevent.add("sequence", sequence)
    # RFC 5545 3.3.5 form 3: local time with TZID, so clients show the club's wall-clock time and
    # follow a later change of the zone's rules; the VTIMEZONE it names is added below.
    vevent.add("dtstart", datetime.fromisoformat(event.starts).astimezone(zone))
    if event.ends:  # RFC 5545 3.6.1: without DTEND a timed event ends when it starts
        vevent.add("dtend", datetime.fromisoformat(event.ends).astimezone(zone))
    # RFC 5546 3.2.2 / 3.2.5: STATUS is CONFIRMED in a REQUEST, CANCELLED in a CANCEL of the whole event.
    vevent.add("status", "CONFIRMED" if method == "REQUEST" else "CANCELLED")
    vevent.add("summary", one_line(event.title))
    location = _location(event)
    if location:
        vevent.add("location", location)
    vevent.add("url", one_line(url))
    vevent.add("description", _description(event, url) if description is None else _text(description))
    vevent.add("transp", "OPAQUE")  # RFC 5545 3.8.2.7: the time shows as busy
    if method == "REQUEST":  # RFC 5546 3.2.5: a CANCEL carries no VALARM
        for alarm in _alarms(event):
            vevent.add_component(alarm)
    return vevent


def _location(event: EventEntry) -> str:
    # An online event's place is its link, and only for people who may have it (the caller decides by
    # passing it or ""); the venue of an online event would send people to a hall.
    if event.online:
        return one_line(event.online_link)
    return ", ".join(part for part in (one_line(event.venue), one_line(event.city)) if part)


def _description(event: EventEntry, url: str) -> str:
    lines = [one_line(event.title), one_line(url)]
    if event.online and event.online_link:
        lines.append(one_line(event.online_link))
    return "\n".join(line for line in lines if line)


def _text(text: str) -> str:
    # A multi-line TEXT value keeps its lines (icalendar writes them as \n, RFC 5545 3.3.11), but
    # each line loses control and format characters.
    return "\n".join(one_line(line) for line in text.splitlines())


def _alarms(event: EventEntry) -> list[Alarm]:
    # RFC 5545 3.6.6: a DISPLAY alarm needs TRIGGER and DESCRIPTION; a negative duration is relative
    # to DTSTART. The day-before reminder is for travel; an online event also gets one an hour before.
    before = [timedelta(days=1)] + ([timedelta(hours=1)] if event.online else [])
    alarms = []
    for offset in before:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -offset)
        alarm.add("description", one_line(event.title))
        alarms.append(alarm)
    return alarms


def _address(email: str, name: str) -> vCalAddress:
    # RFC 5545 3.3.3: CAL-ADDRESS is a mailto URI, so the address is percent-encoded rather than trusted.
    # RFC 5545 3.2.2: CN is a parameter; icalendar quotes it and RFC 6868-encodes what is left.
    address = vCalAddress("mailto:" + quote(one_line(email), safe=_MAILTO_SAFE))
    address.params["CN"] = one_line(name)
    return address


def _attendee(email: str, name: str) -> vCalAddress:
    attendee = _address(email, name)
    # RFC 5545 3.2.16 / 3.2.12 / 3.2.17: the person registered, which is their answer; no reply is
    # expected, so clients need not ask them to accept (they answer on the club's site).
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "ACCEPTED"
    attendee.params["RSVP"] = "FALSE"
    return attendee


def _add_timezone(calendar: Calendar, vevent: Event) -> None:
    # RFC 5545 3.6.5: every TZID used needs its VTIMEZONE in the object. Generated from zoneinfo for
    # a window around the event, so the object stays small and the same inputs give the same bytes.
    start: date = vevent.decoded("dtstart").date()
    end: date = vevent.decoded("dtend").date() if "dtend" in vevent else start
    calendar.add_missing_timezones(first_date=start - timedelta(days=366), last_date=end + timedelta(days=366))
