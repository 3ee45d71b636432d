"""Club mail: templates, MIME headers, CLUB_SMTP_URL parsing, the outbox, and real SMTP delivery."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import logging
import socket
import ssl
import time
from email.headerregistry import Address
from email.policy import default as default_policy
from pathlib import Path

import icalendar
import pytest

from portal.core.mail import (
    Attachment,
    Mail,
    MailConfigError,
    Mailer,
    MailError,
    SMTPTarget,
    build_message,
    calendar_attachment,
    parse_smtp_url,
    recipient,
    render_mail,
    ru_plural,
)
from portal.core.settings import Settings
from tests.smtp_server import SMTPServer, make_tls_contexts

LINK = "https://club.example.ru/account/confirm?token=abc&x=1"
CONTEXTS = {
    "confirm": {"link": LINK, "expires_hours": 48},
    "reset": {"link": LINK, "expires_hours": 2},
    "already_registered": {"login_link": "https://club.example.ru/login", "reset_link": LINK},
    "password_changed": {"reset_link": LINK},
}


def make_settings(tmp_path: Path, smtp_url: str | None = None) -> Settings:
    return Settings(database=tmp_path / "club.db", site_dir=tmp_path / "site", base_url="https://club.example.ru",
                    secret_key="x" * 40, smtp_url=smtp_url, mail_from="Партнёрский клуб <club@example.ru>",
                    outbox_dir=tmp_path / "outbox")


def mail(name: str = "confirm", language: str = "ru", person: str = "Анна") -> Mail:
    context = {"to": recipient(person, "anna@example.ru"), "site_name": "Клуб партнёров «Лиор»", "name": person,
               **CONTEXTS[name]}
    return render_mail(name, language, context, make_settings(Path("unused")))


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    return make_tls_contexts(tmp_path_factory.mktemp("tls"))


# --- templates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("name", list(CONTEXTS))
def test_every_template_renders_with_its_links_in_both_parts(name: str, language: str) -> None:
    rendered = mail(name, language)
    assert rendered.subject and "\n" not in rendered.subject
    assert not rendered.text.startswith(("Subject:", "\n"))
    assert "Анна" in rendered.text and "Анна" in rendered.html
    for link in [value for key, value in CONTEXTS[name].items() if key.endswith("link")]:
        assert link in rendered.text
        assert link.replace("&", "&amp;") in rendered.html
    assert f'<html lang="{language}">' in rendered.html
    assert "<script" not in rendered.html and "<img" not in rendered.html


def test_languages_differ_and_unknown_language_falls_back_to_russian() -> None:
    assert mail("reset", "ru").subject == "Восстановление пароля"
    assert mail("reset", "en").subject == "Reset your password"
    assert mail("reset", "de") == mail("reset", "ru")


def test_html_escapes_the_name_and_text_keeps_it() -> None:
    rendered = mail("confirm", "en", person="<b>Ann & Co</b>")
    assert "&lt;b&gt;Ann &amp; Co&lt;/b&gt;" in rendered.html
    assert "<b>Ann" not in rendered.html
    assert "<b>Ann & Co</b>" in rendered.text


def test_a_template_without_its_subject_line_and_blank_line_is_refused(tmp_path: Path, monkeypatch) -> None:
    import portal.core.mail

    (tmp_path / "bad.ru.txt").write_text("Subject: Тема\nТекст сразу после темы\n", encoding="utf-8")
    monkeypatch.setattr(portal.core.mail, "TEMPLATES", tmp_path)
    with pytest.raises(ValueError, match="bad.ru.txt: must start with 'Subject: ...' and a blank line"):
        portal.core.mail._check_layout("bad.ru.txt")


def test_russian_plural_of_hours() -> None:
    forms = ("час", "часа", "часов")
    assert [ru_plural(n, *forms) for n in (1, 2, 5, 11, 12, 21, 24, 48, 111)] == [
        "час", "часа", "часов", "часов", "часов", "час", "часа", "часов", "часов"]
    assert "48 часов" in mail("confirm", "ru").text


def test_recipient_quotes_awkward_names() -> None:
    assert str(recipient("Ann, Co", "a@example.ru")) == '"Ann, Co" <a@example.ru>'
    assert str(recipient("", "a@example.ru")) == "a@example.ru"


def test_recipient_is_one_address_whatever_the_stored_name_and_address_hold() -> None:
    # ASVS 5.0 1.2.x: a name is data, never header syntax; an address the sign-up check let through
    # (a comma or '<' in the local part) stays one mailbox instead of becoming two recipients.
    assert recipient("Вера\nСтарые\r\nДанные\x00Т", "v@example.ru") == Address("Вера Старые Данные Т",
                                                                              addr_spec="v@example.ru")
    assert recipient("Ann", "a,b@example.ru") == Address("Ann", "a,b", "example.ru")
    assert str(recipient("Ann", "a<b@example.ru")) == 'Ann <"a<b"@example.ru>'


def test_a_title_with_line_breaks_in_a_subject_template_still_renders_on_one_line() -> None:
    context = {"to": recipient("Анна", "anna@example.ru"), "site_name": "Клуб", "name": "Анна",
               "topic_title": "Старая\nтема\r\nс\u2028переносами", "author": "Олег", "excerpt": "Текст",
               "stop_link": LINK, "link": LINK}
    rendered = render_mail("forum_reply", "ru", context, make_settings(Path("unused")))
    assert rendered.subject == "Новый ответ: Старая тема с переносами"
    assert rendered.text.startswith("Здравствуйте, Анна!")


# --- MIME ----------------------------------------------------------------------------------------

def test_build_message_headers_and_parts(tmp_path: Path) -> None:
    message = build_message(mail("confirm", "ru"), make_settings(tmp_path))
    parsed = email.message_from_bytes(bytes(message), policy=default_policy)
    assert parsed["Subject"] == "Подтвердите адрес электронной почты"
    assert b"\xd0" not in bytes(message).split(b"\n\n", 1)[0]  # headers are 7-bit (RFC 2047 encoded)
    assert parsed["Message-ID"].endswith("@example.ru>")
    assert parsed["Date"].datetime.utcoffset().total_seconds() == 0
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["From"].addresses[0].display_name == "Партнёрский клуб"
    assert parsed["To"].addresses[0].addr_spec == "anna@example.ru"
    assert parsed.get_content_type() == "multipart/alternative"
    text, html = parsed.iter_parts()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    assert LINK in text.get_content()


def test_header_values_are_made_one_line_where_the_message_is_built(tmp_path: Path, smtp: SMTPServer) -> None:
    broken = dataclasses.replace(mail(), subject="Re:\r\nBcc: victim@example.ru\x00", headers=(
        ("List-Unsubscribe", "<https://club.example.ru/stop>\r\nX-Injected: 1"),))
    asyncio.run(Mailer(make_settings(tmp_path, smtp.url)).send(broken))
    [received] = smtp.wait_for(1)
    assert received.recipients == ["anna@example.ru"]  # no Bcc smuggled in through the subject
    assert received.message["Subject"] == "Re: Bcc: victim@example.ru"
    assert received.message["List-Unsubscribe"] == "<https://club.example.ru/stop> X-Injected: 1"
    assert received.message["X-Injected"] is None and received.message["Bcc"] is None
    assert received.message["From"].addresses[0] == Address("Партнёрский клуб", addr_spec="club@example.ru")


def test_message_id_falls_back_to_localhost(tmp_path: Path) -> None:
    bare = dataclasses.replace(make_settings(tmp_path), mail_from="club")
    assert build_message(mail(), bare)["Message-ID"].endswith("@localhost>")


# --- CLUB_SMTP_URL -------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://relay", SMTPTarget("relay", 25)),
    ("smtp://relay:2525", SMTPTarget("relay", 2525)),
    ("smtp+starttls://u:p@mail.example.ru", SMTPTarget("mail.example.ru", 587, "u", "p", "starttls")),
    ("smtps://u:p@mail.example.ru", SMTPTarget("mail.example.ru", 465, "u", "p", "tls")),
    ("SMTPS://u:p@mail.example.ru:4650/?timeout=2.5", SMTPTarget("mail.example.ru", 4650, "u", "p", "tls", 2.5)),
    ("smtps://club%40example.ru:p%3Aa%2Fss%20w@[::1]", SMTPTarget("::1", 465, "club@example.ru", "p:a/ss w", "tls")),
])
def test_parse_smtp_url(url: str, expected: SMTPTarget) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize("url", [
    "http://u:hunter2@mail.example.ru",
    "smtps://u:hunter2@",
    "smtps://u:hunter2@mail.example.ru:99999",
    "smtps://u:hunter2@mail.example.ru:abc",
    "smtps://u:hunter2@mail.example.ru/inbox",
    "smtps://u:hunter2@mail.example.ru?timeout=0",
    "smtps://u:hunter2@mail.example.ru?timeout=soon",
    "smtps://u:hunter2@mail.example.ru?verify=no",
    "smtp://u:hunter2@mail.example.ru",  # a password over plain SMTP
    "smtps://:hunter2@mail.example.ru",
    "u:hunter2@mail.example.ru",
    "mail.example.ru",
])
def test_bad_smtp_urls_are_refused_without_showing_the_password(url: str) -> None:
    with pytest.raises(MailConfigError, match="CLUB_SMTP_URL") as caught:
        parse_smtp_url(url)
    assert "hunter2" not in str(caught.value)


def test_target_repr_hides_the_password() -> None:
    assert "hunter2" not in repr(parse_smtp_url("smtps://u:hunter2@mail.example.ru"))


def test_mailer_checks_the_url_at_construction(tmp_path: Path) -> None:
    with pytest.raises(MailConfigError):
        Mailer(make_settings(tmp_path, "imap://mail.example.ru"))


# --- sending -------------------------------------------------------------------------------------

def test_outbox_mode_writes_a_parseable_eml(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    mailer = Mailer(make_settings(tmp_path))
    with caplog.at_level(logging.INFO, logger="portal.core.mail"):
        asyncio.run(mailer.send(mail()))
        asyncio.run(mailer.send(mail("reset")))
    files = sorted((tmp_path / "outbox").iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]  # no temp files left behind
    first = email.message_from_bytes(files[0].read_bytes(), policy=default_policy)
    assert first["Subject"] == "Подтвердите адрес электронной почты"  # sorted by time: confirm first
    assert LINK in first.get_body(("plain",)).get_content()
    assert str(files[0]) in caplog.records[0].getMessage()
    assert mailer.sent_count == 2


def test_plain_smtp_delivery(tmp_path: Path, smtp: SMTPServer) -> None:
    asyncio.run(Mailer(make_settings(tmp_path, smtp.url)).send(mail()))
    [received] = smtp.wait_for(1)
    assert received.sender == "club@example.ru" and received.recipients == ["anna@example.ru"]
    assert received.message["Subject"] == "Подтвердите адрес электронной почты"
    assert LINK in received.message.get_body(("plain",)).get_content()
    assert received.login is None


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_tls_delivery_with_auth(tmp_path: Path, tls, mode: str) -> None:
    server_context, client_context = tls
    server = SMTPServer(mode, server_context, username="club@example.ru", password="p@ss:wörd").start()
    try:
        asyncio.run(Mailer(make_settings(tmp_path, server.url), client_context).send(mail("reset", "en")))
        [received] = server.wait_for(1)
    finally:
        server.stop()
    assert received.login == "club@example.ru"
    assert received.message["Subject"] == "Reset your password"


def test_wrong_password_is_a_mail_error_without_the_password(tmp_path: Path, tls) -> None:
    server_context, client_context = tls
    server = SMTPServer("starttls", server_context, username="club", password="right").start()
    try:
        url = server.url.replace(":right@", ":hunter2@")
        with pytest.raises(MailError, match=f"127.0.0.1:{server.port}") as caught:
            asyncio.run(Mailer(make_settings(tmp_path, url), client_context).send(mail()))
    finally:
        server.stop()
    assert "hunter2" not in str(caught.value)
    assert server.received == []


def test_untrusted_certificate_is_refused(tmp_path: Path, tls) -> None:
    server = SMTPServer("tls", tls[0]).start()
    try:
        with pytest.raises(MailError, match="certificate"):
            asyncio.run(Mailer(make_settings(tmp_path, server.url)).send(mail()))  # default trust store
    finally:
        server.stop()


def test_unreachable_server_fails_fast(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on once the socket is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(MailError, match=f"127.0.0.1:{port}"):
        asyncio.run(Mailer(make_settings(tmp_path, f"smtp://127.0.0.1:{port}?timeout=1")).send(mail()))
    assert time.monotonic() - started < 3


# --- attachments and calendar invitations (RFC 6047) ---------------------------------------------

ICS = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Partner Club//Events//RU\r\nMETHOD:REQUEST\r\n"
       "BEGIN:VEVENT\r\nUID:event-reg-7@club.example.ru\r\nDTSTAMP:20261203T120000Z\r\n"
       "DTSTART:20270218T043000Z\r\nSUMMARY:Академия монтажника\r\nSEQUENCE:2\r\nEND:VEVENT\r\n"
       "END:VCALENDAR\r\n").encode()


def structure(part: email.message.EmailMessage) -> object:
    """The MIME tree as nested (content type, children) tuples, for comparing shapes."""
    if part.is_multipart():
        return (part.get_content_type(), [structure(child) for child in part.iter_parts()])
    return part.get_content_type()


def test_a_calendar_invitation_arrives_as_imip_with_the_ics_attached(tmp_path: Path, smtp: SMTPServer) -> None:
    invite = dataclasses.replace(mail(), attachments=(calendar_attachment(ICS),))
    asyncio.run(Mailer(make_settings(tmp_path, smtp.url)).send(invite))
    [received] = smtp.wait_for(1)
    message = received.message
    assert structure(message) == ("multipart/mixed", [
        ("multipart/alternative", ["text/plain", "text/html", "text/calendar"]), "application/ics"])
    alternative, attached = message.iter_parts()
    _, _, calendar_part = alternative.iter_parts()
    assert calendar_part["Content-Type"].params == {"method": "REQUEST", "charset": "utf-8"}
    assert calendar_part.get_content_disposition() is None  # shown as the invitation, not a file
    assert calendar_part["Content-Transfer-Encoding"] == "base64"  # Cyrillic, and the relay may lack 8BITMIME
    assert attached.get_content_disposition() == "attachment" and attached.get_filename() == "invite.ics"
    assert LINK in message.get_body(("plain",)).get_content()
    for part in (calendar_part, attached):
        data = part.get_content()
        parsed = icalendar.Calendar.from_ical(data if isinstance(data, str) else data.decode())
        assert parsed["METHOD"] == "REQUEST"
        [event] = parsed.events
        assert (str(event["UID"]), str(event["SUMMARY"]), event["SEQUENCE"]) == (
            "event-reg-7@club.example.ru", "Академия монтажника", 2)


def test_the_calendar_parts_method_follows_the_object(tmp_path: Path) -> None:
    cancel = ICS.replace(b"METHOD:REQUEST", b"METHOD:CANCEL")
    message = build_message(dataclasses.replace(mail(), attachments=(calendar_attachment(cancel),)),
                            make_settings(tmp_path))
    calendar_part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "CANCEL"


def test_ordinary_attachments_are_just_attachments(tmp_path: Path) -> None:
    files = (Attachment("программа.pdf", "application/pdf", b"%PDF-1.4 x"),
             Attachment("../../etc/passwd\r\nX-Injected: 1", "text/plain", b"hello"))
    message = build_message(dataclasses.replace(mail(), attachments=files), make_settings(tmp_path))
    parsed = email.message_from_bytes(bytes(message), policy=default_policy)
    assert structure(parsed) == ("multipart/mixed", [("multipart/alternative", ["text/plain", "text/html"]),
                                                     "application/pdf", "text/plain"])
    pdf, text = list(parsed.iter_attachments())
    assert (pdf.get_filename(), pdf.get_content()) == ("программа.pdf", b"%PDF-1.4 x")
    assert text.get_filename() == "_.._etc_passwd X-Injected: 1" and parsed["X-Injected"] is None


PNG = b"\x89PNG\r\n\x1a\n fake image"


def test_an_inline_image_sits_beside_the_html_it_belongs_to(tmp_path: Path, smtp: SMTPServer) -> None:
    files = (Attachment("code.png", "image/png", PNG, content_id="qr@club.example.ru"), calendar_attachment(ICS))
    asyncio.run(Mailer(make_settings(tmp_path, smtp.url)).send(dataclasses.replace(mail(), attachments=files)))
    message = smtp.wait_for(1)[0].message
    assert structure(message) == ("multipart/mixed", [
        ("multipart/alternative", ["text/plain", ("multipart/related", ["text/html", "image/png"]), "text/calendar"]),
        "application/ics"])
    image = next(p for p in message.walk() if p.get_content_type() == "image/png")
    assert image["Content-ID"] == "<qr@club.example.ru>" and image.get_content() == PNG
    assert image.get_content_disposition() == "inline"
    assert [a.get_filename() for a in message.iter_attachments()] == ["invite.ics"]  # not offered twice
    alone = build_message(dataclasses.replace(mail(), attachments=files[:1]), make_settings(tmp_path))
    assert structure(alone) == ("multipart/alternative", ["text/plain", ("multipart/related", ["text/html",
                                                                                                 "image/png"])])


@pytest.mark.parametrize("attachments", [
    (Attachment("a", "image/png", b"", content_id="qr>\r\nBcc: x@example.ru"),),
    (Attachment("a", "application/pdf\r\nBcc: x@example.ru", b""),),
    (Attachment("a", "pdf", b""),),
    (calendar_attachment(ICS.replace(b"METHOD:REQUEST\r\n", b"")),),
    (calendar_attachment(ICS), calendar_attachment(ICS)),  # RFC 6047 2.4: one iCalendar object per message
])
def test_malformed_attachments_are_refused(tmp_path: Path, attachments: tuple[Attachment, ...]) -> None:
    with pytest.raises(ValueError, match="content type|METHOD|at most one|Content-ID"):
        build_message(dataclasses.replace(mail(), attachments=attachments), make_settings(tmp_path))


def test_a_message_without_attachments_keeps_its_shape(tmp_path: Path) -> None:
    plain = build_message(mail(), make_settings(tmp_path))
    assert mail().attachments == ()
    assert structure(plain) == ("multipart/alternative", ["text/plain", "text/html"])
    assert not any(part.get_content_disposition() for part in plain.walk())
    assert "text/calendar" not in bytes(plain).decode("ascii", "replace")
