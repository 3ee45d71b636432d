"""Club mail: render a message from templates, build a MIME message, send it by SMTP or to an outbox.

Templates live in themes/portal/mail/ as `{name}.{lang}.txt` (first line `Subject: ...`, a blank line,
then the plain-text body) and `{name}.{lang}.html` (extends `_layout.html`). With CLUB_SMTP_URL unset,
messages are written as .eml files to CLUB_OUTBOX, so a developer can open the links without a server.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import os
import re
import secrets
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
import club_themes
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from portal.core.oneline import one_line
from portal.core.settings import Settings, SettingsError

log = logging.getLogger(__name__)

TEMPLATES = club_themes.ROOT / "portal" / "mail"
LANGUAGES = ("ru", "en")
DEFAULT_TIMEOUT = 10.0  # seconds per SMTP step; a dead relay must not hold a request for aiosmtplib's 60 s

Mode = Literal["plain", "starttls", "tls"]
SCHEMES: dict[str, tuple[Mode, int]] = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587),
                                         "smtps": ("tls", 465)}
ACCEPTED = ("smtp://host[:port] (no TLS, local relay only), smtp+starttls://user:password@host[:port] "
            "or smtps://user:password@host[:port], optionally with ?timeout=seconds")


class MailConfigError(SettingsError):
    """CLUB_SMTP_URL is malformed. The message never contains the password."""


class MailError(Exception):
    """Sending failed (connection, TLS, authentication or the server refused); says host:port and why."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "application/pdf"
    data: bytes
    # An iCalendar object to show as an invitation (RFC 6047 iMIP): sent as a text/calendar part of the
    # alternative as well as attached; see calendar_attachment().
    inline_calendar: bool = False
    # An image the HTML part shows as <img src="cid:{content_id}"> (RFC 2392): sent inside a
    # multipart/related beside the HTML (RFC 2387), not as a separate attachment.
    content_id: str = ""


@dataclass(frozen=True)
class Mail:
    to: Address  # from recipient(): the name is data, never header syntax
    subject: str
    text: str
    html: str
    headers: tuple[tuple[str, str], ...] = ()  # extra headers, e.g. List-Unsubscribe (RFC 8058)
    attachments: tuple[Attachment, ...] = ()


def calendar_attachment(ics: bytes) -> Attachment:
    """An invitation (.ics with METHOD:REQUEST or CANCEL) in the shape Gmail, Outlook and Apple Mail all accept."""
    return Attachment(filename="invite.ics", content_type="application/ics", data=ics, inline_calendar=True)


@dataclass(frozen=True)
class SMTPTarget:
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # repr=False: never ends up in logs or tracebacks
    mode: Mode = "plain"
    timeout: float = DEFAULT_TIMEOUT


def recipient(name: str, address: str) -> Address:
    """The one way to address club mail (To, and From from CLUB_MAIL_FROM): a name and an address as an
    `email` Address object, so commas and quotes in a name stay inside it ("Ann, Co" <a@x>).

    ASVS 5.0 1.2.x (header injection): the name is made one line here as well, because rows written
    before one-line fields were cleaned on input may still hold line breaks or NUL. An address that
    passed the sign-up check but is not one RFC 5322 addr-spec (a comma or '<' in the local part)
    gets its local part quoted: still one mailbox, never a second recipient.
    """
    display_name = one_line(name)
    local, at, domain = address.rpartition("@")
    if not at:  # a bare local name (CLUB_MAIL_FROM=club for a local relay): nothing to parse
        return Address(display_name=display_name, username=address)
    try:
        return Address(display_name=display_name, addr_spec=address)
    except (ValueError, HeaderParseError):  # the email package's parse defects are ValueErrors
        return Address(display_name=display_name, username=local, domain=domain)


def ru_plural(number: int, one: str, few: str, many: str) -> str:
    """Russian noun form for a count: 1 час, 2 часа, 5 часов, 21 час, 11 часов."""
    n = abs(int(number))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


@functools.cache
def _environment() -> Environment:
    # One environment, autoescape chosen by extension: HTML parts escape names, text parts must not
    # (an "&amp;" in a plain-text letter is a visible bug). StrictUndefined turns a missing context
    # value into an error in tests instead of a silently empty link in production.
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=select_autoescape(("html",), default_for_string=False, default=False),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["ru_plural"] = ru_plural
    return env


def render_mail(name: str, language: str, context: dict, settings: Settings) -> Mail:
    """Render message `name` in `language` (unknown → "ru"); context must hold `to` plus the template's values."""
    if not re.fullmatch(r"[a-z][a-z_]*", name):
        raise ValueError(f"mail template name {name!r} is not a plain identifier")
    if "to" not in context:
        raise ValueError(f"render_mail({name!r}): context needs 'to', the recipient address")
    lang = language if language in LANGUAGES else "ru"
    env = _environment()
    values = {**context, "lang": lang, "base_url": settings.base_url}
    text_name = f"{name}.{lang}.txt"
    _check_layout(text_name)
    subject, text = _split_subject(env.get_template(text_name).render(values), text_name)
    html = env.get_template(f"{name}.{lang}.html").render({**values, "subject": subject})
    return Mail(to=context["to"], subject=subject, text=text, html=html)


@functools.cache
def _check_layout(template: str) -> None:
    """A translator's slip, caught on the template's source once per file: line 1 'Subject: ...', line 2 blank."""
    lines = (TEMPLATES / template).read_text(encoding="utf-8").split("\n", 2)
    if len(lines) < 3 or not lines[0].startswith("Subject:") or lines[1].strip():
        raise ValueError(f"{template}: must start with 'Subject: ...' and a blank line")


def _split_subject(rendered: str, template: str) -> tuple[str, str]:
    # The subject sits in the text template so translators see it next to the body it summarises. The
    # layout is checked on the source, so everything before the first blank line is the subject line;
    # a value in it (a topic title stored before titles were cleaned) may have added line breaks, which
    # one_line folds instead of refusing the whole message. Callers pass titles and names through
    # one_line too, so no value can hold the blank line that would end the subject early.
    head, _, body = rendered.partition("\n\n")
    subject = one_line(head.removeprefix("Subject:"))
    if not subject:
        raise ValueError(f"{template}: the subject is empty")
    return subject, body.lstrip("\n")


def build_message(mail: Mail, settings: Settings) -> EmailMessage:
    """multipart/alternative (text, then HTML, UTF-8) with the headers a well-behaved robot sends; with
    attachments, multipart/mixed holding that alternative and then the attachments; inline images (a
    content_id) make the HTML a multipart/related of the HTML and its images."""
    message = EmailMessage()
    message["From"] = recipient(*parseaddr(settings.mail_from))
    message["To"] = mail.to
    # ASVS 5.0 1.2.x (header injection): the one place header text meets the message, so every value is
    # made one line here. The email package would refuse CR/LF (and so the whole message) but let NUL
    # and other controls through; RFC 2047 encoding of Cyrillic is its job.
    message["Subject"] = one_line(mail.subject)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=_sender_domain(settings.mail_from))
    # RFC 3834: tells vacation responders and ticket systems not to answer automatically.
    message["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers:
        message[name] = one_line(value)
    # The email package picks the transfer encoding (base64 or quoted-printable for long Cyrillic
    # lines), so the message is valid even through a relay without 8BITMIME.
    message.set_content(mail.text, charset="utf-8")
    message.add_alternative(mail.html, subtype="html", charset="utf-8")
    inline = tuple(a for a in mail.attachments if a.content_id)
    if inline:
        _add_inline_images(message, inline)
    attached = tuple(a for a in mail.attachments if not a.content_id)
    if attached:
        _add_attachments(message, attached)
    return message


def _add_inline_images(message: EmailMessage, images: tuple[Attachment, ...]) -> None:
    # RFC 2387: the HTML and its images form one multipart/related inside the alternative, so clients
    # that show the HTML find the images by Content-ID and the text part stays as it is.
    html = message.get_body(("html",))
    for image in images:
        maintype, subtype = _content_type(image.content_type)
        html.add_related(image.data, maintype=maintype, subtype=subtype, disposition="inline",
                         filename=_filename(image.filename), cid=f"<{_content_id(image.content_id)}>")


def _content_id(content_id: str) -> str:
    # RFC 2392 / RFC 5322 msg-id: dot-atom "@" dot-atom; anything else could become header syntax.
    if not re.fullmatch(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+", content_id):
        raise ValueError(f"inline image Content-ID {content_id!r} is not local@domain")
    return content_id


def _add_attachments(message: EmailMessage, attachments: tuple[Attachment, ...]) -> None:
    calendars = [a for a in attachments if a.inline_calendar]
    if len(calendars) > 1:  # RFC 6047 2.4: one iCalendar object, so one method, per message
        raise ValueError("a message carries at most one calendar invitation")
    for invite in calendars:
        # RFC 6047 2.4: the invitation is a text/calendar part whose `method` parameter equals the
        # object's METHOD; as the last alternative it is what calendar-aware clients act on.
        # base64 for non-ASCII: the email package would pick 8bit for short Cyrillic lines, which a relay
        # without 8BITMIME (RFC 6152) may refuse or mangle.
        message.add_alternative(invite.data.decode("utf-8"), subtype="calendar", charset="utf-8",
                                cte=None if invite.data.isascii() else "base64",
                                params={"method": _calendar_method(invite.data)})
    message.make_mixed()
    for attachment in attachments:
        # The invitation is attached again (application/ics, not a second text/calendar, which
        # Outlook would take for another invitation) for clients that only offer attachments.
        maintype, subtype = _content_type(attachment.content_type)
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype,
                               filename=_filename(attachment.filename))


def _calendar_method(ics: bytes) -> str:
    # METHOD is a VCALENDAR property, so its line comes before any component (RFC 5545 3.6, 3.7.2).
    found = re.search(rb"^METHOD:([A-Za-z-]+)\r?$", ics, re.MULTILINE)
    if not found:
        raise ValueError("a calendar invitation needs a METHOD property (RFC 5546 1.4)")
    return found.group(1).decode("ascii").upper()


def _content_type(content_type: str) -> tuple[str, str]:
    # RFC 2045 5.1: type "/" subtype, each a token; anything else would end up as header syntax.
    found = re.fullmatch(r"([a-z0-9!#$&^_.+-]+)/([a-z0-9!#$&^_.+-]+)", content_type.strip().lower())
    if not found:
        raise ValueError(f"attachment content type {content_type!r} is not type/subtype")
    return found.group(1), found.group(2)


def _filename(filename: str) -> str:
    # One line for the header, and no directory part: a client saving it must not be sent elsewhere.
    name = one_line(filename).replace("/", "_").replace("\\", "_").lstrip(".")
    return name or "attachment"


def _sender_domain(mail_from: str) -> str:
    # Message-IDs should carry our own domain so they are unique and don't look forged.
    _, address = parseaddr(mail_from)
    domain = address.rpartition("@")[2].strip()
    return domain if "@" in address and domain else "localhost"


def parse_smtp_url(url: str) -> SMTPTarget:
    """Parse CLUB_SMTP_URL; raise MailConfigError (without echoing the URL, it may hold a password)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not parts.netloc:
        raise MailConfigError(f"CLUB_SMTP_URL is not a supported SMTP URL; use {ACCEPTED}")
    mode, default_port = SCHEMES[scheme]
    if not parts.hostname:
        raise MailConfigError(f"CLUB_SMTP_URL has no host; use {ACCEPTED}")
    try:
        port = parts.port or default_port
    except ValueError:
        raise MailConfigError(f"CLUB_SMTP_URL has an invalid port; use {ACCEPTED}") from None
    if parts.path not in ("", "/") or parts.fragment:
        raise MailConfigError(f"CLUB_SMTP_URL must not have a path or #fragment; use {ACCEPTED}")
    username, password = _credentials(parts.username, parts.password, mode)
    return SMTPTarget(host=parts.hostname, port=port, username=username, password=password, mode=mode,
                      timeout=_timeout(parts.query))


def _credentials(raw_user: str | None, raw_password: str | None, mode: Mode) -> tuple[str | None, str | None]:
    username = unquote(raw_user) if raw_user else None
    password = unquote(raw_password) if raw_password is not None else None
    if (username is None) != (password is None):
        raise MailConfigError("CLUB_SMTP_URL must give both user and password (user:password@host) or neither")
    if username is not None and mode == "plain":
        # Refuse rather than send a password in clear text over smtp://.
        raise MailConfigError("CLUB_SMTP_URL: a password needs TLS; use smtp+starttls://user:password@host "
                              "or smtps://user:password@host")
    return username, password


def _timeout(query: str) -> float:
    try:
        params = parse_qs(query, strict_parsing=bool(query))
    except ValueError:
        raise MailConfigError("CLUB_SMTP_URL has a malformed query; the only option is ?timeout=seconds") from None
    if set(params) - {"timeout"}:
        raise MailConfigError("CLUB_SMTP_URL has an unknown option; the only option is ?timeout=seconds")
    try:
        timeout = float(params["timeout"][-1]) if "timeout" in params else DEFAULT_TIMEOUT
    except ValueError:
        timeout = math.nan
    if not (math.isfinite(timeout) and timeout > 0):
        raise MailConfigError("CLUB_SMTP_URL: timeout must be a positive number of seconds, e.g. ?timeout=10")
    return timeout


class Mailer:
    """Sends club mail by SMTP when CLUB_SMTP_URL is set, otherwise writes .eml files to the outbox."""

    def __init__(self, settings: Settings, tls_context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        # Parsed now, so a bad URL stops the portal at startup instead of on the first registration.
        self.target = parse_smtp_url(settings.smtp_url) if settings.smtp_url else None
        self.tls_context = tls_context or ssl.create_default_context()
        self.sent_count = 0  # diagnostics only (health page, tests)

    async def send(self, mail: Mail) -> None:
        """Deliver one message; raise MailError when the SMTP server cannot take it."""
        message = build_message(mail, self.settings)
        if self.target is None:
            path = await asyncio.to_thread(write_outbox, message, self.settings.outbox_dir)
            log.info("CLUB_SMTP_URL is not set; mail written to %s", path)
        else:
            await self._deliver(message, self.target)
        self.sent_count += 1

    async def _deliver(self, message: EmailMessage, target: SMTPTarget) -> None:
        # start_tls=False, not None, for smtp://: aiosmtplib would otherwise upgrade opportunistically
        # and then fail on a local relay's self-signed certificate.
        client = aiosmtplib.SMTP(hostname=target.host, port=target.port, use_tls=target.mode == "tls",
                                 start_tls=target.mode == "starttls", tls_context=self.tls_context,
                                 timeout=target.timeout)
        transport = None
        try:
            await client.connect()  # TCP, then implicit TLS or STARTTLS, then EHLO
            transport = client.transport
            # Logged in here rather than by connect(), so a refused login still leaves us the transport.
            if target.username is not None:
                await client.login(target.username, target.password or "")
            await client.send_message(message)
            await client.quit()
        except (aiosmtplib.SMTPException, OSError) as exc:  # OSError covers ssl.SSLError and refused sockets
            raise MailError(f"SMTP {target.host}:{target.port} ({target.mode}): {_reason(exc)}") from exc
        finally:
            client.close()
            # aiosmtplib's close() starts the TLS close_notify exchange without waiting for it; when the
            # event loop ends first (asyncio.run in a script or test) the socket is left to the garbage
            # collector. The session is over by now, so dropping the connection loses nothing.
            if transport is not None:
                transport.abort()


def _reason(exc: Exception) -> str:
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"the server answered {exc.code} {exc.message}"
    return str(exc).strip() or type(exc).__name__


def write_outbox(message: EmailMessage, outbox: Path) -> Path:
    """Write one .eml atomically (temp file + rename) so a watcher never reads half a message."""
    outbox.mkdir(parents=True, exist_ok=True)
    # Names sort by time; the random part keeps two messages in the same microsecond apart.
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(4)}.eml"
    temp = outbox / f".{name}.tmp"  # a dot-file: ignored by anything globbing *.eml
    try:
        temp.write_bytes(bytes(message))
        os.replace(temp, outbox / name)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return outbox / name
