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
