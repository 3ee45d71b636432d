"""The certificate of attendance: one A4 landscape PDF page in the person's language, with the club's
name, the person, the event, its date and city, and a verification URL (also as a QR code) that anyone
can open (`/certificates/<code>`, portal/events/certificate_pages.py).

fpdf2 with the bundled DejaVu Sans (Latin and Cyrillic), embedded as a subset, so "Анна Светлова" prints
and copies back as itself in every viewer. The fonts are found through importlib.resources on the
`club_themes` package, so an installed wheel finds them as well as a checkout.

The club's template is `extra.club.certificate` in mkdocs.yml (every key optional):

    certificate:
      title: {ru: "Сертификат участника", en: "Certificate of attendance"}   # or one string for both
      signer: "Ирина Волкова"
      signer_role: {ru: "Директор клуба", en: "Club director"}
      logo: themes/certificate-logo.png   # PNG or JPEG, relative to mkdocs.yml
"""

from __future__ import annotations

import io
import logging
import re
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import segno
from fpdf import FPDF
from sqlite_utils import Database

from portal.core.i18n import translate
from portal.events import attendance, codes
from portal.events.model import Registration
from portal.web.context import Portal
from site_builder.contract import EventEntry

log = logging.getLogger("portal.events")
FONT = "DejaVu"
PAGE_WIDTH, PAGE_HEIGHT = 297, 210  # A4 landscape, mm
MARGIN = 20


@dataclass(frozen=True)
class Template:
    """The club's own lines of the certificate; empty ones fall back to the words table."""

    title: dict[str, str]  # language -> the title line
    signer: str = ""
    signer_role: dict[str, str] | None = None
    logo: Path | None = None


def _by_language(value: Any) -> dict[str, str]:
    """`{ru: .., en: ..}` or one string for both languages; {} for anything else."""
    if isinstance(value, str) and value.strip():
        return {"ru": value.strip(), "en": value.strip()}
    if isinstance(value, dict):
        return {str(k): str(v).strip() for k, v in value.items() if k in ("ru", "en") and str(v).strip()}
    return {}


def club_template(club: Any) -> Template:
    """`extra.club.certificate` of the club's config (the raw mkdocs.yml); defaults when absent or odd."""
    raw = getattr(club, "raw", None) or {}
    section = ((raw.get("extra") or {}).get("club") or {}) if isinstance(raw, dict) else {}
    found = section.get("certificate") if isinstance(section, dict) else None
    if not isinstance(found, dict):
        return Template(title={})
    logo = None
    if isinstance(found.get("logo"), str) and found["logo"].strip():
        root = Path(getattr(club, "root", ".") or ".")
        logo = (root / found["logo"].strip()).resolve()
        if not logo.is_file():
            log.warning("extra.club.certificate.logo: %s is not a file; certificates go without a logo", logo)
            logo = None
    return Template(title=_by_language(found.get("title")), signer=str(found.get("signer") or "").strip()[:100],
                    signer_role=_by_language(found.get("signer_role")), logo=logo)


def holds_certificate(db: Database, registration: Registration | None) -> bool:
    """A certificate is for a registered person whose latest attendance mark says they were there: a
    later correction to absent (or a cancelled registration) takes it back, here and on the check page."""
    return (registration is not None and registration.status == "registered"
            and attendance.present_now(db, registration.id) is True)


def filename(slug: str) -> str:
    """An ASCII file name for Content-Disposition, whatever the slug holds (no quotes, no path)."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", slug).strip("-")[:80]
    return f"certificate-{safe or 'event'}.pdf"


def for_person(portal: Portal, event: EventEntry, registration: Registration, name: str, language: str) -> bytes:
    """The certificate as the running portal makes it (its site name, base URL, secret and template)."""
    settings = portal.settings
    return certificate_pdf(site_name=portal.site_name, language=language, name=name, event=event,
                           url=verification_url(settings.base_url, settings.secret_key, registration.id),
                           template=club_template(portal.club))


def verification_url(base_url: str, secret: str, registration_id: int) -> str:
    return f"{base_url}/certificates/{codes.certificate_code(secret, registration_id)}"


def event_date(event: EventEntry) -> str:
    """"18.02.2099", or "18.02.2099 — 19.02.2099" for an event over several days, in the event's own zone."""
    try:
        first = datetime.fromisoformat(event.starts).date()
        last = datetime.fromisoformat(event.ends).date() if event.ends else first
    except ValueError:
        return event.starts[:10]
    if last <= first:
        return first.strftime("%d.%m.%Y")
    return f"{first.strftime('%d.%m.%Y')} — {last.strftime('%d.%m.%Y')}"


def _qr_png(url: str) -> io.BytesIO:
    image = io.BytesIO()
    segno.make(url, error="m").save(image, kind="png", scale=8, border=2)
    image.seek(0)
    return image


def _centred(pdf: FPDF, y: float, size: float, text: str, bold: bool = False) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_xy(MARGIN, y)
    # multi_cell: a long event title wraps inside the margins instead of running off the page
    pdf.multi_cell(PAGE_WIDTH - 2 * MARGIN, size * 0.5, text, align="C")


def _frame(pdf: FPDF, template: Template) -> None:
    pdf.set_draw_color(60, 90, 140)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, PAGE_WIDTH - 16, PAGE_HEIGHT - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, PAGE_WIDTH - 22, PAGE_HEIGHT - 22)
    if template.logo is not None:
        try:
            pdf.image(str(template.logo), x=MARGIN, y=16, h=18)
        except Exception:  # an unreadable logo costs the logo only, never the certificate
            log.exception("extra.club.certificate.logo %s could not be placed", template.logo)


def certificate_pdf(*, site_name: str, language: str, name: str, event: EventEntry, url: str,
                    template: Template | None = None) -> bytes:
    """The certificate of `name` for `event`, in `language` ("ru" or "en"), pointing at `url`."""
    template = template or Template(title={})
    lang = language if language in ("ru", "en") else "ru"
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(template.title.get(lang) or translate(lang, "events.certificate.title"))
    pdf.set_creator(site_name)
    with ExitStack() as stack:
        fonts = resources.files("club_themes").joinpath("portal", "fonts")
        for style, file in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
            pdf.add_font(FONT, style, str(stack.enter_context(resources.as_file(fonts.joinpath(file)))))
        pdf.add_page()
        _frame(pdf, template)
        _body(pdf, lang, site_name, name, event, template)
        _footer(pdf, lang, url, template)
        return bytes(pdf.output())


def _body(pdf: FPDF, lang: str, site_name: str, name: str, event: EventEntry, template: Template) -> None:
    pdf.set_text_color(60, 90, 140)
    _centred(pdf, 22, 14, site_name)
    _centred(pdf, 40, 30, template.title.get(lang) or translate(lang, "events.certificate.title"), bold=True)
    pdf.set_text_color(30, 30, 30)
    _centred(pdf, 62, 13, translate(lang, "events.certificate.confirms"))
    _centred(pdf, 76, 26, name, bold=True)
    _centred(pdf, 98, 13, translate(lang, "events.certificate.attended"))
    _centred(pdf, 110, 18, f"«{event.title}»" if lang == "ru" else f"“{event.title}”", bold=True)
    place = translate(lang, "events.online") if event.online else event.city
    _centred(pdf, pdf.get_y() + 6, 13, ", ".join(part for part in (event_date(event), place) if part))


def _footer(pdf: FPDF, lang: str, url: str, template: Template) -> None:
    pdf.image(_qr_png(url), x=MARGIN + 2, y=PAGE_HEIGHT - 62, w=38, h=38)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(80, 80, 80)
    pdf.set_xy(MARGIN + 44, PAGE_HEIGHT - 40)
    pdf.multi_cell(120, 4, f"{translate(lang, 'events.certificate.verify')}\n{url}")
    if template.signer:
        pdf.set_text_color(30, 30, 30)
        pdf.set_draw_color(30, 30, 30)
        pdf.line(PAGE_WIDTH - MARGIN - 80, PAGE_HEIGHT - 44, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 44)
        pdf.set_font(FONT, "B", 11)
        pdf.set_xy(PAGE_WIDTH - MARGIN - 80, PAGE_HEIGHT - 42)
        pdf.multi_cell(80, 5, template.signer, align="C")
        role = (template.signer_role or {}).get(lang, "")
        if role:
            pdf.set_font(FONT, "", 9)
            pdf.set_x(PAGE_WIDTH - MARGIN - 80)
            pdf.multi_cell(80, 4.5, role, align="C")
