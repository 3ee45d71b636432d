"""The certificate download (own, checked in only) and the public check page behind its QR code."""

from portal.events import attendance, codes
from tests.events.after_helpers import attend, on_site, past_event, person
from tests.events.pdftext import text_of
from tests.portal_fixtures import BASE_URL

PDF = "/account/events/akademiya/certificate.pdf"


def code_of(app, row) -> str:
    return codes.certificate_code(app.state.portal.settings.secret_key, row.id)


def test_a_checked_in_person_downloads_their_certificate(member, app, mini_site):
    entry = past_event()
    on_site(mini_site, entry)
    row = attend(app.state.portal.db, entry, member.user)
    response = member.client.get(PDF)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="certificate-akademiya.pdf"'
    assert response.headers["cache-control"] == "no-store"
    text = text_of(response.content)
    assert "Анна Светлова" in text and f"{BASE_URL}/certificates/{code_of(app, row)}" in text
    page = member.client.get("/account/events/akademiya/")
    assert PDF in page.text and "/account/events/akademiya/rate" in page.text
    assert PDF in member.client.get("/account/events/").text


def test_no_certificate_without_check_in_for_others_or_unknown_events(member, app, mini_site):
    db = app.state.portal.db
    entry, other = past_event(), past_event("other")
    on_site(mini_site, entry, other)
    attend(db, entry, member.user, present=None)
    attend(db, other, person(db, "boris@example.ru"))  # Boris was there; Anna asks for his event's
    assert member.client.get(PDF).status_code == 404
    assert PDF not in member.client.get("/account/events/akademiya/").text
    assert member.client.get("/account/events/other/certificate.pdf").status_code == 404
    assert member.client.get("/account/events/nope/certificate.pdf").status_code == 404


def test_anonymous_visitors_sign_in_first(client, app, mini_site):
    on_site(mini_site, past_event())
    response = client.get(PDF, follow_redirects=False)
    assert response.status_code == 303 and "/account/login" in response.headers["location"]


def test_the_check_page_shows_who_and_which_event_and_nothing_more(client, app, mini_site):
    db = app.state.portal.db
    entry = past_event()
    on_site(mini_site, entry)
    anna = person(db, "anna@example.ru")
    row = attend(db, entry, anna)
    page = client.get(f"/certificates/{code_of(app, row)}")
    assert page.status_code == 200
    for shown in ("Анна Светлова", "Академия монтажника", "Сертификат действителен"):
        assert shown in page.text
    assert "anna@example.ru" not in page.text and "Свет-Монтаж" not in page.text
    assert page.headers["x-robots-tag"] == "noindex, nofollow"


def test_altered_unknown_or_withdrawn_certificates_are_not_valid(client, app, mini_site):
    db = app.state.portal.db
    entry = past_event()
    on_site(mini_site, entry)
    row = attend(db, entry, person(db, "anna@example.ru"))
    code = code_of(app, row)
    for bad in (code[:-2] + ("AA" if not code.endswith("AA") else "BB"), "nothing", "x" * 300,
                codes.checkin_code(app.state.portal.settings.secret_key, row.id)):
        page = client.get(f"/certificates/{bad}")
        assert page.status_code == 404 and "не действителен" in page.text
    attendance.mark(db, row, False, None, 2e9)  # corrected: was not there after all
    assert client.get(f"/certificates/{code}").status_code == 404
