"""The letter after the event: the certificate to checked-in people, the question to the others, once."""

import time

import pytest

from portal.cli import main
from portal.core.db import connect
from portal.events import after, store
from tests.events.after_helpers import attend, on_site, past_event, person
from tests.events.pdftext import text_of


@pytest.fixture
def club_db(settings, mini_site, monkeypatch):
    for key, value in {"CLUB_DATABASE": str(settings.database), "CLUB_BASE_URL": settings.base_url,
                       "CLUB_SMTP_URL": settings.smtp_url, "CLUB_SITE_DIR": str(settings.site_dir),
                       "CLUB_CONFIG": str(settings.club_config)}.items():
        monkeypatch.setenv(key, value)
    db = connect(settings.database)
    yield db
    db.conn.close()


def test_certificates_and_questions_go_once(club_db, mini_site, smtp, capsys):
    entry = past_event()
    on_site(mini_site, entry, past_event("long-ago", hours_ago=24 * 20), past_event("just-now", hours_ago=1.5))
    anna = attend(club_db, entry, person(club_db, "anna@example.ru"))
    boris = attend(club_db, entry, person(club_db, "boris@example.ru", company="ООО «Б»"), present=False)
    assert main(["events", "send-certificates"]) == 0
    assert "1 certificate letter, 1 question letter sent" in capsys.readouterr().out
    received = {item.recipients[0]: item.message for item in smtp.wait_for(2)}
    letter = received["anna@example.ru"]
    assert "Спасибо за участие" in letter["Subject"]
    assert "/account/events/akademiya/rate" in letter.get_body(("plain",)).get_content()
    [attachment] = [part for part in letter.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert attachment.get_filename() == "certificate-akademiya.pdf"
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF-") and "Анна Светлова" in text_of(pdf)
    question = received["boris@example.ru"]
    assert not [part for part in question.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert "/account/events/akademiya/rate" in question.get_body(("plain",)).get_content()
    assert store.letters_claimed(club_db, anna.id) == ["after"]
    assert store.letters_claimed(club_db, boris.id) == ["after_question"]
    assert main(["events", "send-certificates"]) == 0
    assert "0 certificate letters, 0 question letters sent" in capsys.readouterr().out


def test_due_window():
    now = time.time()
    assert after.due(past_event(hours_ago=3), now)
    assert not after.due(past_event(hours_ago=1.5), now)  # the hour's grace for the check-in to finish
    assert not after.due(past_event(hours_ago=24 * 15), now)
    assert not after.due(past_event(hours_ago=3, cancelled=True), now)


def test_the_job_runs_and_stops(settings):
    said = []
    with after.after_job(settings, said.append, every=0.05):
        time.sleep(0.2)
    assert said and "event certificates" in said[0]
    with after.after_job(settings, said.append, enabled=False):
        pass
    assert len(said) == 1


def test_the_english_letter(club_db, mini_site, smtp):
    entry = past_event()
    on_site(mini_site, entry)
    anna = person(club_db, "anna@example.ru")
    club_db.conn.execute("UPDATE users SET language = 'en' WHERE id = ?", [anna.id])
    attend(club_db, entry, anna)
    assert main(["events", "send-certificates"]) == 0
    message = smtp.wait_for(1)[0].message
    assert "Thank you for coming" in message["Subject"]
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert "Certificate of attendance" in text_of(part.get_content())
