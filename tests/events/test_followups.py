"""Follow-up letters through the real SMTP server: updates of time or place, the whole event called off,
reminders; every .ics parsed back (UID stable, SEQUENCE grows, METHOD right, the club's zone)."""

import time
from dataclasses import replace

from icalendar import Calendar

from portal.events import followups, store
from portal.events.model import timestamp
from tests.events.helpers import event, person, publish

NOW = time.time()
LINK = "https://webinar.example/room-42"


def calendars(message) -> list[Calendar]:
    """The message's calendar object, once (iMIP puts it inline as text/calendar and as an .ics file)."""
    found = [part.get_payload(decode=True) for part in message.walk()
             if part.get_content_type() in ("text/calendar", "application/ics")]
    # The text part travels with LF line ends (MIME text), the file keeps CRLF: the same object either way.
    assert len({data.replace(b"\r\n", b"\n") for data in found}) <= 1, "the inline calendar and the file differ"
    return [Calendar.from_ical(data) for data in found[:1]]


def text_of(received) -> str:
    message = received.message
    return message.get_body(("plain",)).get_content() + message.get_body(("html",)).get_content()


def by_address(smtp, start: int = 0) -> dict[str, list]:
    found: dict[str, list] = {}
    for received in smtp.received[start:]:
        found.setdefault(received.recipients[0], []).append(received)
    return found


def crowd(db, entry, count: int) -> list:
    people = [person(db, f"p{i}@example.ru", company=f"ООО «{i}»") for i in range(count)]
    for p in people:
        store.register(db, entry, p, p, {}, NOW)
    return people


def test_a_new_time_sends_one_update_with_a_higher_sequence(settings, db, mini_site, smtp):
    entry = event(capacity=1)
    publish(mini_site, entry)
    anna, boris = crowd(db, entry, 2)
    first = store.active_of(db, "akademiya", anna.id)
    moved = replace(entry, starts="2099-03-01T10:00:00+05:00", ends="2099-03-01T17:00:00+05:00", revision="r2")
    publish(mini_site, moved)
    counts = followups.send_followups(settings, db, NOW)
    assert (counts["updated"], counts["sent"]) == (2, 2)
    mail = by_address(smtp)
    [seat], [waiting] = mail["p0@example.ru"], mail["p1@example.ru"]
    assert "01.03.2099 10:00" in text_of(seat) and "01.03.2099 10:00" in text_of(waiting)
    [ics] = calendars(seat.message)
    [vevent] = ics.walk("VEVENT")
    assert str(ics["METHOD"]) == "REQUEST" and int(vevent["SEQUENCE"]) == first.sequence + 1 == 1
    assert str(vevent["DTSTART"].params["TZID"]) == "Asia/Yekaterinburg" and ics.walk("VTIMEZONE")
    assert vevent.decoded("dtstart").hour == 10
    assert calendars(waiting.message) == []  # no seat, no calendar entry
    row = store.active_of(db, "akademiya", anna.id)
    assert (row.revision, row.sequence) == ("r2", 1)
    assert followups.send_followups(settings, db, NOW)["sent"] == 0  # a second run sends nothing
    assert len(smtp.received) == 2


def test_registered_updated_cancelled_keep_the_uid_and_raise_the_sequence(settings, db, mini_site, smtp):
    from portal.events import mails
    from portal.web.context import build_portal

    entry = event()
    publish(mini_site, entry)
    [anna] = crowd(db, entry, 1)
    portal = build_portal(settings, db, ())
    [registered] = mails.build(portal, entry, [("registered", store.active_of(db, "akademiya", anna.id))])
    publish(mini_site, replace(entry, venue="ул. Новая, 1", revision="r2"))
    followups.send_followups(settings, db, NOW)
    outcome = store.cancel(db, replace(entry, revision="r2"), anna.id, anna.id, NOW)
    [cancelled] = mails.build(portal, entry, [("cancelled", outcome.registration)])
    [updated] = smtp.received
    found = [calendars(updated.message)[0]] + [Calendar.from_ical(m.attachments[0].data) for m in (registered,
                                                                                                   cancelled)]
    (request, cancel), update = found[1:], found[0]
    events = [c.walk("VEVENT")[0] for c in (request, update, cancel)]
    assert len({str(e["UID"]) for e in events}) == 1
    assert [int(e["SEQUENCE"]) for e in events] == [0, 1, 2]
    assert [str(c["METHOD"]) for c in (request, update, cancel)] == ["REQUEST", "REQUEST", "CANCEL"]
    assert "ул. Новая, 1" in str(events[1]["LOCATION"])


def test_a_cancelled_event_cancels_everyone_once(settings, db, mini_site, smtp):
    entry = event(capacity=1, online=True, online_link=LINK, city="", venue="")
    publish(mini_site, entry)
    anna, boris = crowd(db, entry, 2)
    publish(mini_site, replace(entry, cancelled=True))
    counts = followups.send_followups(settings, db, NOW)
    assert (counts["called_off"], counts["sent"]) == (2, 2)
    mail = by_address(smtp)
    [seat], [waiting] = mail["p0@example.ru"], mail["p1@example.ru"]
    [ics] = calendars(seat.message)
    assert str(ics["METHOD"]) == "CANCEL" and int(ics.walk("VEVENT")[0]["SEQUENCE"]) == 1
    assert calendars(waiting.message) == []
    assert "отменено" in seat.message["Subject"]
    for received in (seat, waiting):
        assert LINK not in received.message.as_string()  # a cancelled event's link goes to nobody
    assert [row.status for row in store.of_event(db, "akademiya")] == ["cancelled", "cancelled"]
    log = db.execute("SELECT action, by_id FROM event_registration_log WHERE action = 'event_cancelled'").fetchall()
    assert log == [("event_cancelled", None)] * 2
    assert followups.send_followups(settings, db, NOW)["sent"] == 0


def test_reminders_the_day_and_the_hour_before_with_the_link_only_for_seats(settings, db, mini_site, smtp):
    entry = event("brief", online=True, online_link=LINK, capacity=1, city="", venue="", questions=())
    publish(mini_site, entry)
    anna, boris = crowd(db, entry, 2)
    start = timestamp(entry.starts)
    assert followups.send_followups(settings, db, start - 2 * 24 * 3600)["sent"] == 0  # too early
    day = followups.send_followups(settings, db, start - 20 * 3600)
    assert (day["reminder_day"], day["sent"]) == (1, 1)
    hour = followups.send_followups(settings, db, start - 30 * 60)
    assert (hour["reminder_hour"], hour["sent"]) == (1, 1)
    assert followups.send_followups(settings, db, start - 20 * 60)["sent"] == 0
    assert [r.recipients for r in smtp.received] == [["p0@example.ru"]] * 2  # the waiting person gets none
    for received in smtp.received:
        assert LINK in text_of(received) and calendars(received.message) == []
    assert "Через час" in smtp.received[1].message["Subject"]


def test_inside_the_last_hour_only_the_hour_reminder(settings, db, mini_site, smtp):
    entry = event("brief", online=True, online_link=LINK, city="", venue="", questions=())
    publish(mini_site, entry)
    crowd(db, entry, 1)
    start = timestamp(entry.starts)
    counts = followups.send_followups(settings, db, start - 10 * 60)
    assert (counts["reminder_day"], counts["reminder_hour"]) == (0, 1)
    assert followups.send_followups(settings, db, start + 60)["sent"] == 0  # started: nothing more


def test_an_event_in_a_hall_has_only_the_day_reminder(settings, db, mini_site, smtp):
    entry = event()
    publish(mini_site, entry)
    crowd(db, entry, 1)
    start = timestamp(entry.starts)
    assert followups.send_followups(settings, db, start - 30 * 60)["reminder_day"] == 1
    assert smtp.received[0].message["Subject"] == "Напоминание: Академия монтажника"
    assert followups.send_followups(settings, db, start - 10 * 60)["sent"] == 0


def test_the_job_runs_and_stops(settings, db):
    said = []
    with followups.letters_job(settings, said.append, every=0.05):
        time.sleep(0.2)
    assert said and "event letters" in said[0]
