"""The certificate PDF: parses, embeds its font, carries the Cyrillic name back out, in both languages."""

import pytest

from portal.events.certificate import Template, certificate_pdf, club_template, event_date
from tests.events.helpers import event
from tests.events.pdftext import text_of

URL = "http://127.0.0.1:8000/certificates/AAAAAAAAAAc.abc"


@pytest.mark.parametrize(("language", "title"), [("ru", "Сертификат участника"), ("en", "Certificate of attendance")])
def test_the_pdf_carries_the_name_the_event_and_the_url(app, language, title):
    data = certificate_pdf(site_name="Клуб партнёров", language=language, name="Анна Светлова", event=event(),
                           url=URL)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"/FontFile2" in data  # the TrueType font is embedded: no viewer substitutes a font without Cyrillic
    text = text_of(data)
    for expected in ("Клуб партнёров", title, "Анна Светлова", "Академия монтажника", "18.02.2099", "Екатеринбург",
                     URL):
        assert expected in text
    assert b"/Subtype /Image" in data  # the QR code


def test_online_events_say_online_and_a_long_event_its_days(app):
    entry = event(online=True, city="", ends="2099-02-19T18:00:00+05:00")
    text = text_of(certificate_pdf(site_name="Клуб", language="en", name="Anna", event=entry, url=URL))
    assert "18.02.2099 — 19.02.2099, Online" in text


def test_the_clubs_template_title_and_signer(app):
    template = Template(title={"ru": "Свидетельство", "en": "Certificate"}, signer="Ирина Волкова",
                        signer_role={"ru": "Директор клуба"})
    text = text_of(certificate_pdf(site_name="Клуб", language="ru", name="Анна", event=event(), url=URL,
                                   template=template))
    assert "Свидетельство" in text and "Ирина Волкова" in text and "Директор клуба" in text


def test_club_template_reads_extra_club_certificate(tmp_path):
    class Club:
        root = tmp_path
        raw = {"extra": {"club": {"certificate": {"title": "Диплом", "signer": "И. Волкова",
                                                  "signer_role": {"en": "Director"}, "logo": "missing.png"}}}}

    found = club_template(Club())
    assert found.title == {"ru": "Диплом", "en": "Диплом"} and found.signer == "И. Волкова"
    assert found.signer_role == {"en": "Director"} and found.logo is None  # a missing logo is left out
    assert club_template(None) == Template(title={})


def test_event_date():
    assert event_date(event()) == "18.02.2099"
    assert event_date(event(ends=None)) == "18.02.2099"


def test_the_clubs_logo_is_placed(app, tmp_path):
    import segno

    logo = tmp_path / "logo.png"
    segno.make("club").save(str(logo), kind="png", scale=4)
    data = certificate_pdf(site_name="Клуб", language="ru", name="Анна", event=event(), url=URL,
                           template=Template(title={}, logo=logo))
    assert data.count(b"/Subtype /Image") == 2  # the logo and the QR code


def test_file_names_are_plain_ascii():
    from portal.events.certificate import filename

    assert filename("akademiya-2099") == "certificate-akademiya-2099.pdf"
    assert filename('вебинар"; x=/../') == "certificate-x.pdf"
    assert filename("вебинар") == "certificate-event.pdf"
