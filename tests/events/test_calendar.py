"""The .ics invitation for one event and one person: parsed back with icalendar, as a client would."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from portal.core.oneline import one_line
from portal.events.calendar import PRODID, FeedItem, feed, invitation, uid_for
from site_builder.contract import EventEntry

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=ZoneInfo("Europe/Moscow"))
URL = "https://club.example.ru/events/akademiya-montazhnika-ekaterinburg/"
EVENT = EventEntry(
    url="/events/akademiya-montazhnika-ekaterinburg/", slug="akademiya-montazhnika-ekaterinburg",
    source="content/events/akademiya-montazhnika-ekaterinburg.md", title="Академия монтажника", access="public",
    starts="2027-02-18T09:30:00+05:00", ends="2027-02-18T17:00:00+05:00", register_until="2027-02-17T18:00:00+05:00",
    timezone="Asia/Yekaterinburg", city="Екатеринбург", venue="Отель «Хаятт», зал 2", online=False, online_link="",
    capacity=40, per_company=2, questions=(), cancelled=False, registration=True, revision="a1b2")
WEBINAR = dataclasses.replace(EVENT, slug="webinar", title="Вебинар: новые модели", starts="2027-03-01T11:00:00+03:00",
                              ends="2027-03-01T12:30:00+03:00", timezone="Europe/Moscow", city="", venue="",
                              online=True, online_link="https://meet.example.ru/j/123?pwd=abc")


def ics(event: EventEntry = EVENT, **overrides) -> bytes:
    values = {"uid": uid_for(7, "https://club.example.ru"), "sequence": 2, "method": "REQUEST",
              "attendee_email": "anna@example.ru", "attendee_name": "Анна Петрова",
              "organizer_email": "club@example.ru", "organizer_name": "Клуб партнёров", "url": URL, "now": NOW,
              **overrides}
    return invitation(event, **values)


def parse(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    [event] = calendar.events
    return calendar, event


def test_a_request_has_the_itip_header_and_the_event() -> None:
    calendar, event = parse(ics())
    assert (calendar["VERSION"], calendar["PRODID"], calendar["METHOD"]) == ("2.0", PRODID, "REQUEST")
    assert str(event["UID"]) == "event-reg-7@club.example.ru"
    assert event["SEQUENCE"] == 2
    assert event["STATUS"] == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Академия монтажника"
    assert str(event["LOCATION"]) == "Отель «Хаятт», зал 2, Екатеринбург"
    assert str(event["URL"]) == URL and URL in str(event["DESCRIPTION"])
    assert event.decoded("dtstamp") == datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert b"DTSTAMP:20261203T120000Z\r\n" in ics()  # RFC 5545 3.8.7.2: UTC form


def test_times_are_in_the_club_zone_with_a_matching_vtimezone() -> None:
    data = ics()
    calendar, event = parse(data)
    assert b"DTSTART;TZID=Asia/Yekaterinburg:20270218T093000\r\n" in data
    assert b"DTEND;TZID=Asia/Yekaterinburg:20270218T170000\r\n" in data
    assert event["DTSTART"].params["TZID"] == event["DTEND"].params["TZID"] == "Asia/Yekaterinburg"
    assert event.decoded("dtstart") == datetime(2027, 2, 18, 4, 30, tzinfo=UTC)
    assert [str(tz["TZID"]) for tz in calendar.timezones] == ["Asia/Yekaterinburg"]
    [standard] = calendar.timezones[0].standard
    assert standard["TZOFFSETTO"].td == timedelta(hours=5)


def test_an_event_without_an_end_has_no_dtend() -> None:
    _, event = parse(ics(dataclasses.replace(EVENT, ends=None)))
    assert "DTEND" not in event and event["DTSTART"].params["TZID"] == "Asia/Yekaterinburg"


def test_the_uid_is_stable_and_the_sequence_as_given() -> None:
    assert uid_for(7, "https://club.example.ru") == uid_for(7, "club.example.ru") == "event-reg-7@club.example.ru"
    assert uid_for(8, "club.example.ru") != uid_for(7, "club.example.ru")
    first, later = parse(ics(sequence=0))[1], parse(ics(sequence=5, now=NOW + timedelta(days=3)))[1]
    assert first["UID"] == later["UID"]
    assert (first["SEQUENCE"], later["SEQUENCE"]) == (0, 5)
    assert ics() == ics()  # the same inputs give the same bytes


@pytest.mark.parametrize("domain", ["", "club example.ru", "club.example.ru\r\nX: 1", "https://"])
def test_uid_for_refuses_what_is_not_a_host(domain: str) -> None:
    with pytest.raises(ValueError, match="host"):
        uid_for(1, domain)


def test_organizer_and_attendee() -> None:
    _, event = parse(ics())
    organizer, attendee = event["ORGANIZER"], event["ATTENDEE"]
    assert (str(organizer), organizer.params["CN"]) == ("mailto:club@example.ru", "Клуб партнёров")
    assert str(attendee) == "mailto:anna@example.ru"
    assert dict(attendee.params) == {"CN": "Анна Петрова", "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "ACCEPTED",
                                     "RSVP": "FALSE"}


def test_a_venue_event_is_reminded_a_day_before() -> None:
    _, event = parse(ics())
    assert [(a["ACTION"], a.decoded("trigger")) for a in event.walk("VALARM")] == [("DISPLAY", timedelta(days=-1))]
    assert all(str(a["DESCRIPTION"]) for a in event.walk("VALARM"))  # RFC 5545 3.6.6: DISPLAY needs one


def test_an_online_event_is_reminded_a_day_and_an_hour_before_and_its_place_is_the_link() -> None:
    _, event = parse(ics(WEBINAR))
    assert [a.decoded("trigger") for a in event.walk("VALARM")] == [timedelta(days=-1), timedelta(hours=-1)]
    assert str(event["LOCATION"]) == "https://meet.example.ru/j/123?pwd=abc"
    assert "https://meet.example.ru/j/123?pwd=abc" in str(event["DESCRIPTION"])


def test_an_online_event_without_the_link_has_no_location_and_no_link() -> None:
    data = ics(dataclasses.replace(WEBINAR, venue="Офис", city="Москва", online_link=""))
    _, event = parse(data)
    assert "LOCATION" not in event
    assert b"meet.example.ru" not in data and "Офис" not in data.decode()


def test_a_cancel_has_the_same_uid_status_cancelled_and_no_alarm() -> None:
    calendar, event = parse(ics(dataclasses.replace(EVENT, cancelled=True), method="CANCEL", sequence=3))
    assert calendar["METHOD"] == "CANCEL"
    assert (str(event["UID"]), event["SEQUENCE"], event["STATUS"]) == ("event-reg-7@club.example.ru", 3, "CANCELLED")
    assert not event.walk("VALARM")  # RFC 5546 3.2.5
    assert "ATTENDEE" in event and "ORGANIZER" in event


def test_a_person_leaving_a_running_event_gets_a_cancel_too() -> None:
    assert parse(ics(method="CANCEL"))[1]["STATUS"] == "CANCELLED"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"method": "PUBLISH"}, "only REQUEST and CANCEL"),
    ({"sequence": -1}, "negative"),
    ({"now": datetime(2026, 12, 3, 12, 0)}, "timezone-aware"),  # naive: the mistake being tested
])
def test_bad_arguments_are_refused(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ics(**overrides)


def test_a_request_for_a_cancelled_event_is_refused() -> None:
    with pytest.raises(ValueError, match="send a CANCEL"):
        ics(dataclasses.replace(EVENT, cancelled=True))


HOSTILE = [
    'Ann\r\nATTENDEE;CN=Eve:mailto:eve@example.ru',
    'Ann"; ROLE=CHAIR; X-INJ=1',
    "Ann;ROLE=CHAIR:mailto:eve@example.ru",
    "Ann,\nEND:VEVENT\nBEGIN:VEVENT\nUID:x",
    "Ann\x00\x0b\x1b[31m\u2028\u202eRTL\u0085NEL",
    "^n^'\\n\\;\\,",  # RFC 6868 and RFC 5545 escape sequences, typed literally
]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_name_or_title_stays_one_value(name: str) -> None:
    event_entry = dataclasses.replace(EVENT, title=name, venue=name, city=name)
    data = ics(event_entry, attendee_name=name, organizer_name=name, attendee_email=f"{name}@example.ru")
    calendar, event = parse(data)
    unfolded = data.replace(b"\r\n ", b"")
    assert len(calendar.events) == 1 and not calendar.errors and not event.errors
    assert unfolded.count(b"\r\nATTENDEE") == 1 and unfolded.count(b"\r\nORGANIZER") == 1
    for line in unfolded.split(b"\r\n")[:-1]:  # every content line is NAME[;params]:value, nothing else
        assert line.split(b":", 1)[0].split(b";", 1)[0].isupper() or line.startswith((b"BEGIN", b"END"))
    attendee = event["ATTENDEE"]
    assert set(attendee.params) == {"CN", "ROLE", "PARTSTAT", "RSVP"} and attendee.params["ROLE"] == "REQ-PARTICIPANT"
    cleaned = one_line(name)
    assert str(event["SUMMARY"]) == cleaned and cleaned.isprintable()  # the same text, once, in every field
    assert str(event["LOCATION"]) == f"{cleaned}, {cleaned}"
    # icalendar's reader drops a backslash before ; or , inside a quoted parameter (it writes them as given)
    assert attendee.params["CN"] == cleaned.replace("\\;", ";").replace("\\,", ",")
    assert str(attendee).startswith("mailto:") and " " not in str(attendee)


def test_the_feed_holds_each_event_with_its_zone_and_leaves_out_cancelled_ones() -> None:
    items = [FeedItem(EVENT, uid_for(7, URL), 3, URL), FeedItem(WEBINAR, uid_for(8, URL), 0, URL),
             FeedItem(dataclasses.replace(EVENT, cancelled=True), uid_for(9, URL), 1, URL)]
    calendar = icalendar.Calendar.from_ical(feed(items, name="Partner Club", now=NOW))
    assert "METHOD" not in calendar and str(calendar["X-WR-CALNAME"]) == "Partner Club"
    found = {str(v["UID"]): int(v["SEQUENCE"]) for v in calendar.walk("VEVENT")}
    assert found == {"event-reg-7@club.example.ru": 3, "event-reg-8@club.example.ru": 0}
    assert {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")} == {"Asia/Yekaterinburg", "Europe/Moscow"}
    empty = icalendar.Calendar.from_ical(feed([], name="Partner Club", now=NOW))
    assert empty.walk("VEVENT") == [] and empty.walk("VTIMEZONE") == []
