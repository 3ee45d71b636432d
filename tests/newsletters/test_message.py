"""One newsletter message per recipient (portal.newsletter_message), read back with the `email` package."""

from __future__ import annotations

import re
from dataclasses import replace
from email import message_from_bytes
from email.policy import default as default_policy

import pytest

from portal.newsletters import links as newsletter_links
from portal.newsletters.message import address_header, message_bytes, personalise
from portal.newsletters.model import Send, get_send
from portal.newsletters.queue import queue_newsletter
from portal.newsletters.worker import freeze_recipients
from site_builder.contract import MailArtefactError, MailVariant
from tests.newsletter_fixtures import LINKS, SECRET, artefact, subscribe
from tests.portal_fixtures import make_user, with_settings

HTTPS = "https://club.example.ru"
NASTY = 'Анна "<script>alert(1)</script>" O\'Нил & Co'


def a_send(**changes) -> Send:
    values = dict(id=41, newsletter_id=7, user_id=3, email="anna@svet-montazh.ru", name="Анна Светлова",
                  company="ООО «Свет-Монтаж»", segment="installers", region="msk", variant="full", tracking=True,
                  status="sending", attempts=0, next_attempt_at=0.0, sent_at=None, error=None)
    return Send(**{**values, **changes})


@pytest.fixture
def https_settings(settings):
    return with_settings(settings, base_url=HTTPS, mail_from="Партнёрский клуб <club@club.example.ru>")


def parse(data: bytes):
    return message_from_bytes(data, policy=default_policy)


def squeeze(text: str) -> str:
    # Python's address parser keeps the space between two encoded words, which RFC 2047 6.2 drops;
    # the encoder puts each space inside the word before it, so Python shows that space twice.
    return " ".join(text.split())


def parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_headers_rfc8058_and_both_parts(https_settings):
    data = message_bytes(artefact(), a_send(), https_settings)
    message = parse(data)
    unsubscribe = newsletter_links.unsubscribe_url(HTTPS, https_settings.secret_key, 41)
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>" and unsubscribe.startswith("https://")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert newsletter_links.verify(https_settings.secret_key, "unsubscribe", unsubscribe.rsplit("/", 1)[1], 1) == (41,)
    assert message["Message-ID"] == "<nl-7-41@club.example.ru>"
    assert message["From"].addresses[0].display_name == "Партнёрский клуб"
    assert message["To"].addresses[0].addr_spec == "anna@svet-montazh.ru"
    assert message["To"].addresses[0].display_name == "Анна Светлова"
    assert message["Subject"] == "Новинки ноября"
    assert message["Date"].datetime is not None
    assert message["List-Id"] == "Партнёрский клуб <newsletters.club.example.ru>"
    assert message["Precedence"] == "bulk"
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    text, html = parts(message)
    assert "Здравствуйте, Анна Светлова!" in text and "Здравствуйте, Анна Светлова!" in html
    assert "Для: Анна Светлова, ООО «Свет-Монтаж»" in text
    assert f'<a href="{unsubscribe}">Отписаться</a>' in html and f"Отписаться: {unsubscribe}" in text
    assert not re.search(r"\{\{club:", text + html), "a placeholder was left unfilled"


def test_wire_format_is_7bit_crlf_base64(https_settings):
    data = message_bytes(artefact(), a_send(name=NASTY), https_settings)
    assert data.isascii()
    lines = data.split(b"\r\n")
    assert b"\n" not in b"".join(lines) and b"\r" not in b"".join(lines)  # every line ends in CRLF
    assert max(len(line) for line in lines) <= 998  # RFC 5322 2.1.1 (a long List-Unsubscribe URL stays whole)
    body = data.split(b"\r\n\r\n", 1)[1]
    encoded = [line for line in body.split(b"\r\n") if re.fullmatch(rb"[A-Za-z0-9+/=]{20,}", line)]
    assert len(encoded) > 10 and max(map(len, encoded)) == 76  # RFC 2045 6.8
    folded = data.split(b"\r\n\r\n", 1)[0].decode().replace("\r\n ", " ")
    to = re.search(r"^To: (.*)$", folded, re.M).group(1)
    assert all(len(word) <= 75 for word in re.findall(r"=\?utf-8\?b\?[^?]*\?=", to))  # RFC 2047 2
    for part in parse(data).iter_parts():
        assert part["Content-Transfer-Encoding"] == "base64" and part.get_content_charset() == "utf-8"


def test_names_escaped_in_html_raw_in_text_and_header(https_settings):
    send = a_send(name=NASTY, company='ООО "Свет & Тень" <b>')
    message = parse(message_bytes(artefact(), send, https_settings))
    text, html = parts(message)
    assert f"Здравствуйте, {NASTY}!" in text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;Свет &amp; Тень&quot; &lt;b&gt;" in html
    assert squeeze(message["To"].addresses[0].display_name) == NASTY
    assert message["To"].addresses[0].addr_spec == "anna@svet-montazh.ru"
    filled = personalise(artefact(), send, https_settings)
    assert filled.html == html and filled.text == text.replace("\r\n", "\n")


@pytest.mark.parametrize("name", ["Anna Smith", "Smith, Anna", 'Anna "Lamp" Smith', "Ann\\a", "Ёлка " * 30,
                                  "Анна\r\nBcc: evil@example.com", ""])
def test_to_header_round_trips_any_name(https_settings, name):
    message = parse(message_bytes(artefact(), a_send(name=name), https_settings))
    address = message["To"].addresses
    assert len(address) == 1 and address[0].addr_spec == "anna@svet-montazh.ru"
    assert squeeze(address[0].display_name) == " ".join(name.split())  # control characters become spaces
    assert message["Bcc"] is None


def test_ascii_names_need_no_encoding():
    assert address_header("Anna Smith", "a@x.ru") == "Anna Smith <a@x.ru>"
    assert address_header("Smith, Anna", "a@x.ru") == '"Smith, Anna" <a@x.ru>'
    assert address_header("", "a@x.ru") == "a@x.ru"


def test_tracking_on_signed_links_and_pixel(https_settings):
    text, html = parts(parse(message_bytes(artefact(), a_send(tracking=True), https_settings)))
    clicks = re.findall(r"https://club\.example\.ru/_club/n/c/([\w.-]+)", text)
    assert len(clicks) == 2
    found = [newsletter_links.verify(https_settings.secret_key, "click", token, 2) for token in clicks]
    assert found == [(41, 0), (41, 1)]
    assert LINKS[1] not in text and "shop.example.ru" not in html
    pixel = newsletter_links.open_url(HTTPS, https_settings.secret_key, 41)
    assert re.search(rf'<img src="{re.escape(pixel)}" width="1" height="1" alt=""', html)


def test_tracking_off_plain_links_no_pixel(https_settings):
    text, html = parts(parse(message_bytes(artefact(), a_send(tracking=False), https_settings)))
    assert f"Каталог: {LINKS[1]}" in text  # raw & in the text part
    assert '<a href="https://shop.example.ru/track?x=1&amp;y=2">' in html  # escaped in the HTML part
    assert "/_club/n/c/" not in text + html and "/_club/n/o/" not in html and "<img" not in html
    assert "/_club/n/u/" in text  # unsubscribing still works without tracking


def test_preview_variant_never_carries_the_closed_text(https_settings):
    data = message_bytes(artefact("members"), a_send(variant="preview"), https_settings)
    text, html = parts(parse(data))
    assert SECRET not in text and SECRET not in html
    assert "Откройте отчёт на сайте" in text
    full = parts(parse(message_bytes(artefact("members"), a_send(variant="full"), https_settings)))
    assert SECRET in full[0] and SECRET in full[1]
    # An unknown variant is read as "preview" (fail closed); a public page has only "full".
    assert SECRET not in parts(parse(message_bytes(artefact("members"), a_send(variant="odd"), https_settings)))[0]
    assert SECRET in parts(parse(message_bytes(artefact("public"), a_send(variant="preview"), https_settings)))[0]


def test_gating_by_reader_level_through_freezing(https_settings, db):
    """A registered-only reader of a members page gets the preview, a member and staff the full text."""
    people = {"reader": make_user(db, "reader@example.ru"),
              "member": make_user(db, "member@example.ru", member=True),
              "editor": make_user(db, "editor@example.ru", role="editor")}
    for user in people.values():
        subscribe(db, user.id)
    built = artefact("members")
    from datetime import UTC, datetime

    newsletter = queue_newsletter(db, built, datetime(2026, 11, 24, 9, 30, tzinfo=UTC), None)
    assert freeze_recipients(db, newsletter, settings=https_settings) == 3
    sends = {s.email.split("@")[0]: s for s in (get_send(db, row[0]) for row in
                                                 db.execute("SELECT id FROM newsletter_sends").fetchall())}
    assert {k: s.variant for k, s in sends.items()} == {"reader": "preview", "member": "full", "editor": "full"}
    reader = parse(message_bytes(built, sends["reader"], https_settings))
    assert SECRET not in "".join(parts(reader)) and SECRET not in str(reader["Subject"])
    assert SECRET in parts(parse(message_bytes(built, sends["member"], https_settings)))[0]


def test_broken_artefacts_are_refused(https_settings):
    built = artefact("public")
    bad_link = replace(built, full=MailVariant(built.full.html + "{{club:link:9}}", built.full.text))
    with pytest.raises(MailArtefactError, match="link 9"):
        message_bytes(bad_link, a_send(), https_settings)
    no_preview = replace(artefact("members"), preview=None)
    with pytest.raises(MailArtefactError, match="no preview"):
        message_bytes(no_preview, a_send(variant="preview"), https_settings)


def test_message_id_is_the_same_for_the_same_send(https_settings):
    first = parse(message_bytes(artefact(), a_send(), https_settings, now=1_800_000_000))
    again = parse(message_bytes(artefact(), a_send(), https_settings, now=1_800_000_100))
    other = parse(message_bytes(artefact(), a_send(id=42), https_settings))
    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]
    assert first["Date"] != again["Date"]
