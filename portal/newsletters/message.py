"""One newsletter message per recipient: placeholders filled, headers set, MIME assembled by hand.

The worker makes 100,000 of these per newsletter, so the expensive parts happen once per newsletter
(`_compile`): the club's addresses are made absolute with CLUB_BASE_URL (newsletter_model.resolve),
each variant's HTML and text are split at their placeholders, the constant headers are
folded and RFC 2047-encoded by the `email` package. Per recipient only the placeholders are joined
in, two bodies are base64-encoded (binascii, 76-character lines, RFC 2045 6.8) and a few header
lines are formatted — about 30x cheaper than an EmailMessage per recipient. tests/
test_newsletter_message.py parses the result with the `email` package to keep it honest.

Headers: RFC 8058 one-click unsubscribe (List-Unsubscribe with the https link + List-Unsubscribe-
Post), RFC 2919 List-Id, Precedence: bulk, RFC 3834 Auto-Submitted, and a Message-ID made from the
newsletter and send ids, so a message that went out twice is recognisable as the same one.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import threading
import time
from dataclasses import dataclass
from email import policy
from email.utils import formatdate, parseaddr

from portal.core.oneline import one_line
from portal.core.settings import Settings
from portal.newsletters import links
from portal.newsletters.links import Personal
from portal.newsletters.model import Send
from site_builder.contract import PLACEHOLDER, MailArtefact, MailArtefactError, MailVariant, resolve

NAME, RECIPIENT, UNSUBSCRIBE, PIXEL = -1, -2, -3, -4  # placeholder codes; 0.. are link indexes
PERSONAL = -1000  # {{club:personal:N}} is code PERSONAL - N (links.Personal: a survey's per-recipient links)
_CODES = {"name": NAME, "recipient": RECIPIENT, "unsubscribe": UNSUBSCRIBE, "pixel": PIXEL}
_PIXEL = ('<img src="{}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px;'
          'max-width:1px;max-height:1px;overflow:hidden">')
_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+")  # RFC 5322 atext and spaces: needs no quoting
_CACHE_SIZE = 16
Parts = tuple  # literal str and int placeholder codes, alternating as they appear


@dataclass(frozen=True)
class Compiled:
    """Everything about one newsletter's messages that does not depend on the recipient."""

    variants: dict[str, tuple[Parts, Parts]]  # variant name -> (html parts, text parts with CRLF)
    head: bytes  # From, Subject, List-Id and the other constant header lines, CRLF-terminated
    domain: str
    sender: str  # envelope MAIL FROM
    base_url: str
    secret: str
    links: tuple[str, ...]


_cache: dict[tuple[int, int], tuple[MailArtefact, Settings, Compiled]] = {}
_cache_lock = threading.Lock()


def compiled(artefact: MailArtefact, settings: Settings) -> Compiled:
    """The artefact split and its headers folded, cached per (artefact, settings) object.

    The cache keeps a reference to both, so an id() is never reused for another object while cached.
    """
    key = (id(artefact), id(settings))
    found = _cache.get(key)
    if found is not None:
        return found[2]
    result = _compile(artefact, settings)
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = (artefact, settings, result)
    return result


def _compile(artefact: MailArtefact, settings: Settings) -> Compiled:
    if artefact.preview is None and artefact.access != "public":
        # Without a preview, readers who may not read the page would get the closed text (Ghost's failure).
        raise MailArtefactError(f"{artefact.page}: a {artefact.access} page's e-mail has no preview variant; "
                                "run `club build` again")
    artefact = resolve(artefact, settings.base_url)  # the club's pages and images at the portal's address
    variants = {"full": artefact.full, **({"preview": artefact.preview} if artefact.preview else {})}
    split = {name: (_split(v.html, len(artefact.links), "html"),
                    _split(v.text.replace("\r\n", "\n").replace("\n", "\r\n"), len(artefact.links), "text"))
             for name, v in variants.items()}
    domain = sender_domain(settings.mail_from)
    head = "".join([
        _fold("From", settings.mail_from),
        _fold("Subject", " ".join(artefact.subject.split())),  # no CR/LF can reach the header block
        _fold("List-Id", f"{_display_name(settings.mail_from) or 'Newsletter'} <newsletters.{domain}>"),
        "Precedence: bulk\r\n",
        "Auto-Submitted: auto-generated\r\n",  # RFC 3834: no vacation replies
        f"Content-Language: {artefact.language}\r\n" if re.fullmatch(r"[a-z]{2}", artefact.language) else "",
        "MIME-Version: 1.0\r\n",
    ])
    return Compiled(variants=split, head=head.encode("ascii"), domain=domain,
                    sender=parseaddr(settings.mail_from)[1], base_url=settings.base_url,
                    secret=settings.secret_key, links=tuple(artefact.links))


def _split(template: str, link_count: int, where: str) -> Parts:
    parts: list = []
    position = 0
    for match in PLACEHOLDER.finditer(template):
        parts.append(template[position:match.start()])
        if match.group(2) is not None:
            index = int(match.group(2))
            if index >= link_count:
                raise MailArtefactError(f"the {where} part points at link {index}, but the e-mail has "
                                        f"{link_count} links; run `club build` again")
            parts.append(index)
        elif match.group(3) is not None:
            parts.append(PERSONAL - int(match.group(3)))
        else:
            parts.append(_CODES[match.group(1)])
        position = match.end()
    parts.append(template[position:])
    return tuple(parts)


def _fold(name: str, value: str) -> str:
    # The email package's folding: RFC 2047 encoded words for Cyrillic, lines under 78 characters.
    return policy.SMTP.header_factory(name, value).fold(policy=policy.SMTP)


def _display_name(address: str) -> str:
    return " ".join(parseaddr(address)[0].split())


def sender_domain(mail_from: str) -> str:
    address = parseaddr(mail_from)[1]
    domain = address.rpartition("@")[2].strip()
    return domain if "@" in address and domain else "localhost"


def personalise(artefact: MailArtefact, send: Send, settings: Settings,
                personal: Personal | None = None) -> MailVariant:
    """The HTML and text of the recipient's variant with every placeholder filled (text with \\n lines)."""
    compiled_ = compiled(artefact, settings)
    html_parts, text_parts = _variant(compiled_, send)
    html_values, text_values = _values(compiled_, send, personal)
    return MailVariant(html=_join(html_parts, html_values),
                       text=_join(text_parts, text_values).replace("\r\n", "\n"))


def _variant(compiled_: Compiled, send: Send) -> tuple[Parts, Parts]:
    # Anything but "full" gets the preview (fail closed); a public page has only "full" (see _compile).
    if send.variant == "full":
        return compiled_.variants["full"]
    return compiled_.variants.get("preview", compiled_.variants["full"])


def _values(compiled_: Compiled, send: Send, personal: Personal | None = None) -> tuple[dict[int, str], dict[int, str]]:
    """Placeholder code -> value, for HTML (escaped) and for text (as is)."""
    name, company = clean(send.name), clean(send.company)
    recipient = f"{name}, {company}" if name and company else name or company
    unsubscribe = links.unsubscribe_url(compiled_.base_url, compiled_.secret, send.id)
    text = {NAME: name, RECIPIENT: recipient, UNSUBSCRIBE: unsubscribe, PIXEL: ""}
    if send.tracking:
        text.update((i, links.click_url(compiled_.base_url, compiled_.secret, send.id, i))
                    for i in range(len(compiled_.links)))
    else:
        text.update(enumerate(compiled_.links))
    if personal is not None:  # a sample (no person, no letter's links) gets the bare path: it verifies nothing
        text.update((PERSONAL - i, links.personal_url(compiled_.base_url, compiled_.secret, personal, send.user_id, i)
                     if send.user_id else compiled_.base_url + personal.path) for i in range(len(personal.values)))
    markup = {code: html.escape(value) for code, value in text.items()}
    if send.tracking:
        markup[PIXEL] = _PIXEL.format(html.escape(links.open_url(compiled_.base_url, compiled_.secret, send.id)))
    return markup, text


def _join(parts: Parts, values: dict[int, str]) -> str:
    # .get: a letter's personal links have no value in a preview made without them (staff pages)
    return "".join([part if isinstance(part, str) else values.get(part, "") for part in parts])


def clean(text: str | None) -> str:
    """A name or company as one line: no control characters (they could break headers or layout)."""
    return one_line(text or "")  # the portal's one rule; names stored before it existed may still hold them


def message_bytes(artefact: MailArtefact, send: Send, settings: Settings, now: float | None = None,
                  personal: Personal | None = None) -> bytes:
    """A complete RFC 5322 message (CRLF lines, 7-bit) for one recipient of one newsletter."""
    compiled_ = compiled(artefact, settings)
    html_parts, text_parts = _variant(compiled_, send)
    html_values, text_values = _values(compiled_, send, personal)
    boundary = f"=_nl.{send.newsletter_id}.{send.id}"  # "=_" never occurs in base64 or in a header
    head = "".join([
        f"To: {address_header(clean(send.name), send.email)}\r\n",
        f"Date: {_date(now)}\r\n",
        f"Message-ID: {message_id(send, compiled_.domain)}\r\n",
        f"List-Unsubscribe: <{text_values[UNSUBSCRIBE]}>\r\n",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",  # RFC 8058 section 3.1
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n',
        f"--{boundary}\r\n",
    ]).encode("ascii")
    part_head = 'Content-Type: text/{}; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    return b"".join([
        compiled_.head, head,
        part_head.format("plain").encode(), _base64(_join(text_parts, text_values)),
        f"--{boundary}\r\n".encode(), part_head.format("html").encode(), _base64(_join(html_parts, html_values)),
        f"--{boundary}--\r\n".encode(),
    ])


def message_id(send: Send, domain: str) -> str:
    return f"<nl-{send.newsletter_id}-{send.id}@{domain}>"


def _base64(text: str) -> bytes:
    # One b2a_base64 call for the whole body, then 76-character lines with CRLF (RFC 2045 6.8):
    # three times faster than base64.encodebytes, which encodes 57 bytes per call.
    encoded = binascii.b2a_base64(text.encode("utf-8"), newline=False)
    return b"\r\n".join([encoded[i:i + 76] for i in range(0, len(encoded), 76)]) + b"\r\n"


_last_date: list = [-1, ""]  # [second, its Date text]: formatdate once a second, not per message


def _date(now: float | None) -> str:
    second = int(time.time() if now is None else now)
    if _last_date[0] != second:
        _last_date[:] = [second, formatdate(second, usegmt=True)]
    return _last_date[1]


def address_header(name: str, address: str) -> str:
    """`To` value: `name <address>` with the name quoted (RFC 5322 3.2.4) or RFC 2047-encoded."""
    if not name:
        return address
    if not address.isascii():
        return _fold("To", f'"{name}" <{address}>').partition(":")[2].strip()
    if _ATEXT.fullmatch(name):
        return f"{name} <{address}>"
    if name.isascii():
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}" <{address}>'
    words = _encoded_words(name)
    last_line = len(words.rpartition("\n")[2]) + (4 if "\n" not in words else 0)  # "To: " on the first line
    return f"{words}{' ' if last_line + len(address) < 76 else chr(13) + chr(10) + ' '}<{address}>"


def _encoded_words(text: str) -> str:
    """RFC 2047 B-encoded words of at most 75 characters, split after spaces where possible.

    Readers drop the whitespace between encoded words (RFC 2047 6.2), so each space stays inside
    the word before it; splitting only after a space also keeps a reader that does not drop it
    (Python's address parser) from breaking a word in two. No UTF-8 character is ever split.
    """
    chunks: list[bytes] = [b""]
    for word in re.findall(r"\S+\s*|\s+", text):
        encoded = word.encode("utf-8")
        if len(chunks[-1]) + len(encoded) <= 45:  # 45 bytes -> 60 base64 characters + 12 of =?utf-8?b??=
            chunks[-1] += encoded
            continue
        if chunks[-1]:
            chunks.append(b"")
        for char in word:  # a word longer than one encoded word: split between characters
            piece = char.encode("utf-8")
            if len(chunks[-1]) + len(piece) > 45:
                chunks.append(b"")
            chunks[-1] += piece
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(c).decode('ascii')}?=" for c in chunks if c)
