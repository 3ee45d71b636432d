"""The four registration letters in both languages: subject, the event, the link to the event's page."""

import pytest

from portal.events import mails
from portal.events.model import Registration
from tests.events.helpers import event, person


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("kind", mails.KINDS)
def test_every_letter_renders(app, kind, language):
    portal = app.state.portal
    anna = person(portal.db, "anna@example.ru")
    portal.db.conn.execute("UPDATE users SET language = ? WHERE id = ?", [language, anna.id])
    row = Registration(1, "akademiya", anna.id, anna.company_id, kind, {}, anna.id, 3, "r1", 0.0, 0.0,
                       1_900_000_000.0 if kind == "offered" else None)
    mail = mails.letter(portal, event(), kind, row)
    assert "Академия монтажника" in mail.subject
    for body in (mail.text, mail.html):
        assert "/account/events/akademiya/" in body and "18.02.2099 09:30" in body
    if kind == "offered":
        assert "2030" in mail.text  # the time the seat is held until
    if kind == "waiting":
        assert "3" in mail.text


def test_registered_and_cancelled_letters_carry_the_invitation_and_its_cancellation(app):
    from icalendar import Calendar

    portal = app.state.portal
    anna = person(portal.db, "anna@example.ru")
    found = {}
    for kind, sequence in (("registered", 0), ("cancelled", 1)):  # the store raises the sequence on cancelling
        row = Registration(7, "akademiya", anna.id, anna.company_id, kind, {}, anna.id, 1, "r1", 0.0, 0.0, None,
                           sequence)
        [attachment] = [a for a in mails.letter(portal, event(), kind, row).attachments if a.inline_calendar]
        found[kind] = Calendar.from_ical(attachment.data)
    request, cancel = found["registered"], found["cancelled"]
    assert str(request["METHOD"]) == "REQUEST" and str(cancel["METHOD"]) == "CANCEL"
    [first], [second] = request.walk("VEVENT"), cancel.walk("VEVENT")
    assert str(first["UID"]) == str(second["UID"]) and str(first["UID"]).startswith("event-reg-7@")
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])
    assert str(first["DTSTART"].params["TZID"]) == event().timezone
    assert "anna@example.ru" in str(first["ATTENDEE"])
    waiting = Registration(7, "akademiya", anna.id, anna.company_id, "waiting", {}, anna.id, 1, "r1", 0.0, 0.0, None)
    assert mails.letter(portal, event(), "waiting", waiting).attachments == ()  # no seat, no calendar entry


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("kind", mails.FOLLOWUPS)
@pytest.mark.parametrize("seat", [True, False])
def test_every_followup_renders_and_the_link_goes_only_to_a_seat(app, kind, language, seat):
    portal = app.state.portal
    anna = person(portal.db, "anna@example.ru")
    portal.db.conn.execute("UPDATE users SET language = ? WHERE id = ?", [language, anna.id])
    online = event("brief", online=True, online_link="https://webinar.example/room-42", cancelled=kind == "called_off")
    row = Registration(1, "brief", anna.id, anna.company_id, "registered" if seat else "waiting", {}, anna.id, 3,
                       "r1", 0.0, 0.0, None, 2)
    mail = mails.letter(portal, online, kind, row, seat=seat, hour=False)
    assert "Академия монтажника" in mail.subject and "18.02.2099 09:30" in mail.text
    shown = kind != "called_off" and seat
    assert ("https://webinar.example/room-42" in mail.text + mail.html) is shown
    assert bool([a for a in mail.attachments if a.inline_calendar]) is (seat and kind != "reminder")


@pytest.mark.parametrize("kind", ["registered", "updated", "reminder"])
def test_letters_people_open_at_the_door_carry_the_check_in_code(app, kind):
    portal = app.state.portal
    anna = person(portal.db, "anna@example.ru")
    row = Registration(5, "akademiya", anna.id, anna.company_id, "registered", {}, anna.id, 1, "r1", 0.0, 0.0, None)
    mail = mails.letter(portal, event(), kind, row, hour=False)
    [image] = [a for a in mail.attachments if a.content_id]
    assert f"cid:{image.content_id}" in mail.html


def test_a_colleague_registered_person_is_told_who_and_asked_to_answer(app):
    portal = app.state.portal
    anna, ivan = person(portal.db, "anna@example.ru"), person(portal.db, "ivan@example.ru", name="Иван Петров")
    row = Registration(5, "akademiya", ivan.id, ivan.company_id, "registered", {}, anna.id, 1, "r1", 0.0, 0.0, None)
    mail = mails.letter(portal, event(), "registered", row)
    assert "Вас записал(а) Анна Светлова" in mail.text and "ответьте на них" in mail.html
    own = Registration(6, "akademiya", anna.id, anna.company_id, "registered", {}, anna.id, 1, "r1", 0.0, 0.0, None)
    assert "Вас записал" not in mails.letter(portal, event(), "registered", own).text
