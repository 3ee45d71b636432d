"""The check-in QR code of a registration: what the confirmation letter shows and staff scan at the
entrance. It holds only a signed link (events.codes), so a photographed code tells nothing about the
person and opens nothing without a staff session."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno

from portal.core.mail import Attachment
from portal.core.settings import Settings
from portal.events.codes import checkin_code

CODE_PATH = "/staff/events/checkin/"
SCALE = 6  # pixels per module: about 250 px for a typical link, sharp enough for a phone across a desk


def checkin_url(settings: Settings, registration_id: int) -> str:
    return f"{settings.base_url}{CODE_PATH}{checkin_code(settings.secret_key, registration_id)}"


def png(text: str) -> bytes:
    """The QR code of `text` as PNG bytes (segno's own writer; error correction M survives a crease)."""
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=SCALE, border=4)
    return out.getvalue()


def content_id(settings: Settings) -> str:
    """The Content-ID the letter's HTML points at: a fixed name at the club's own host."""
    return "checkin-qr@" + (urlsplit(settings.base_url).hostname or "localhost")


def checkin_attachment(settings: Settings, registration_id: int) -> Attachment:
    """The code as an inline image of the letter (shown where the HTML says `cid:`)."""
    return Attachment("checkin.png", "image/png", png(checkin_url(settings, registration_id)),
                      content_id=content_id(settings))
