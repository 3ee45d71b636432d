"""Newsletter records shared by the queue, the worker, tracking and statistics.

The build writes one e-mail per newsletter page to `site/mail/<page>.json` (site_builder's
newsletter_mail module); queuing copies it into `newsletters.mail`, so a later rebuild never changes
a letter that is already going out. Placeholders in the e-mail's HTML and text are filled per
recipient when the message is made (PLACEHOLDER): `{{club:name}}`, `{{club:recipient}}` (name and
company), `{{club:link:N}}` (link N of `links`: a signed click redirect, or the plain URL when
tracking is off), `{{club:unsubscribe}}` and, in HTML only, `{{club:pixel}}` (the open pixel or "").

The build does not know where the portal runs, so addresses on the club are relative to it: `url` and
the club's entries in `links` are site paths ("/newsletters/2026/11/x/"), and image sources in the HTML
start with CLUB_BASE ("{{club:base}}/newsletters/img/x.png"). `on_club` and `resolve` make them
absolute with CLUB_BASE_URL when a letter's messages are made; links to other sites stay as they are.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlite_utils import Database

MAIL_VERSION = 2  # 2: the club's own addresses relative to CLUB_BASE_URL (1: absolute, from site_url)
CLUB_BASE = "{{club:base}}"  # the portal's address (CLUB_BASE_URL) in a letter's HTML, without "/" at the end
PLACEHOLDER = re.compile(r"\{\{club:(name|recipient|unsubscribe|pixel|link:(\d+))\}\}")
AUDIENCE_KEYS = ("segments", "regions", "roles", "topics")
STATUSES = ("scheduled", "sending", "done", "cancelled")
SEND_STATUSES = ("queued", "sending", "sent", "failed", "bounced", "skipped")


class MailArtefactError(ValueError):
    """site/mail/… is missing or not what this version of the portal reads; says how to fix it."""


@dataclass(frozen=True)
class MailVariant:
    html: str
    text: str


@dataclass(frozen=True)
class MailArtefact:
    """The built e-mail of one newsletter page (site/mail/<page>.json)."""

    page: str  # "newsletters/2026/11/novye-svetilniki": the web URL's path without slashes at the ends
    source: str  # "content/newsletters/2026/novye-svetilniki.md"
    url: str  # the web version's site path ("/newsletters/2026/11/x/"); `on_club` makes it absolute
    title: str
    subject: str
    preheader: str
    date: str  # ISO date of the page
    language: str
    access: str  # public | registered | members
    audience: dict[str, list[str]]  # AUDIENCE_KEYS; an empty list = everyone subscribed
    links: list[str]  # site paths on the club, absolute URLs elsewhere; {{club:link:N}} points at links[N]
    full: MailVariant
    preview: MailVariant | None  # for readers who may not read a gated page; None when access is public

    def variant_for(self, may_read: bool) -> MailVariant:
        return self.full if may_read or self.preview is None else self.preview

    def to_json(self) -> str:
        data = {"version": MAIL_VERSION, **{k: getattr(self, k) for k in (
            "page", "source", "url", "title", "subject", "preheader", "date", "language", "access", "audience",
            "links")}, "variants": {"full": vars(self.full)}}
        if self.preview is not None:
            data["variants"]["preview"] = vars(self.preview)
        return json.dumps(data, ensure_ascii=False, indent=1)


def on_club(url: str, base_url: str) -> str:
    """A site path ("/x/") as an address on the portal; absolute URLs, mailto: and the like as they are."""
    return base_url + url if url.startswith("/") and not url.startswith("//") else url


def resolve(artefact: MailArtefact, base_url: str) -> MailArtefact:
    """The letter with every address on the club made absolute with `base_url` (CLUB_BASE_URL)."""
    base = html.escape(base_url, quote=True)
    variants = {name: MailVariant(v.html.replace(CLUB_BASE, base), v.text.replace(CLUB_BASE, base_url))
                for name, v in (("full", artefact.full), ("preview", artefact.preview)) if v is not None}
    return replace(artefact, url=on_club(artefact.url, base_url),
                   links=[on_club(link, base_url) for link in artefact.links],
                   full=variants["full"], preview=variants.get("preview"))


def artefact_from_json(text: str, where: str = "newsletter mail") -> MailArtefact:
    try:
        data = json.loads(text)
        version = data.get("version")
        if version != MAIL_VERSION:
            raise MailArtefactError(
                f"{where}: e-mail format version {version!r}, but this portal reads version {MAIL_VERSION}; "
                "run `club build` again (a newsletter queued before an upgrade: cancel it and queue it again)")
        variants = data["variants"]
        return MailArtefact(
            page=data["page"], source=data["source"], url=data["url"], title=data["title"],
            subject=data["subject"], preheader=data["preheader"], date=data["date"], language=data["language"],
            access=data["access"], audience={k: list(data["audience"].get(k, [])) for k in AUDIENCE_KEYS},
            links=list(data["links"]), full=MailVariant(**variants["full"]),
            preview=MailVariant(**variants["preview"]) if "preview" in variants else None)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        if isinstance(exc, MailArtefactError):
            raise
        raise MailArtefactError(f"{where}: not a newsletter e-mail ({exc}); run `club build` again") from None


def mail_dir(site_dir: Path) -> Path:
    return site_dir / "mail"


def load_artefact(site_dir: Path, page: str) -> MailArtefact:
    """The built e-mail for `page` (a key, a site path such as /newsletters/2026/11/x/, or a full URL)."""
    key = page_key(page)
    path = mail_dir(site_dir) / f"{key}.json"
    if not key or ".." in key.split("/") or not path.is_file():
        raise MailArtefactError(f"{page}: no built newsletter e-mail at {path}; is it a page under "
                                "content/newsletters/, and has `club build` run since it was written?")
    return artefact_from_json(path.read_text(encoding="utf-8"), str(path))


def page_key(page: str) -> str:
    path = re.sub(r"^[a-z]+://[^/]+", "", page.strip())
    return path.strip("/").removesuffix("/index.html").removesuffix(".json")


def list_artefacts(site_dir: Path) -> tuple[list[MailArtefact], list[str]]:
    """Every built e-mail, newest page first, and a line per file that could not be read (never a 500)."""
    root, found, problems = mail_dir(site_dir), [], []
    for path in sorted(root.rglob("*.json")) if root.is_dir() else []:
        if path.name == "index.json":
            continue
        try:
            found.append(artefact_from_json(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix()))
        except (MailArtefactError, OSError, UnicodeDecodeError) as exc:
            problems.append(str(exc))
    return sorted(found, key=lambda a: (a.date, a.page), reverse=True), problems


@dataclass(frozen=True)
class Newsletter:
    """A row of `newsletters`: one queued send of one page."""

    id: int
    page: str
    url: str
    subject: str
    access: str
    audience: dict[str, list[str]]
    scheduled_at: float
    status: str
    created_by: int | None
    created_at: str
    started_at: float | None
    finished_at: float | None
    mail_json: str = field(repr=False, default="")

    @property
    def mail(self) -> MailArtefact:
        return artefact_from_json(self.mail_json, f"newsletter {self.id}")


NEWSLETTER_COLUMNS = ("id, page, url, subject, access, audience, scheduled_at, status, created_by, created_at, "
                      "started_at, finished_at, mail")


def newsletter_from_row(row: tuple) -> Newsletter:
    values = list(row)
    values[5] = json.loads(values[5])
    return Newsletter(*values)


def get_newsletter(db: Database, newsletter_id: int) -> Newsletter | None:
    row = db.execute(f"SELECT {NEWSLETTER_COLUMNS} FROM newsletters WHERE id = ?",  # noqa: S608
                     [newsletter_id]).fetchone()
    return newsletter_from_row(row) if row else None


@dataclass(frozen=True)
class Send:
    """A row of `newsletter_sends`: one recipient of one newsletter, frozen when sending starts."""

    id: int
    newsletter_id: int
    user_id: int | None
    email: str
    name: str
    company: str
    segment: str | None
    region: str | None
    variant: str  # full | preview
    tracking: bool
    status: str
    attempts: int
    next_attempt_at: float
    sent_at: float | None
    error: str | None


SEND_COLUMNS = ("id, newsletter_id, user_id, email, name, company, segment, region, variant, tracking, status, "
                "attempts, next_attempt_at, sent_at, error")


def send_from_row(row: tuple) -> Send:
    values = list(row)
    values[9] = bool(values[9])
    return Send(*values)


def get_send(db: Database, send_id: int) -> Send | None:
    row = db.execute(f"SELECT {SEND_COLUMNS} FROM newsletter_sends WHERE id = ?", [send_id]).fetchone()  # noqa: S608
    return send_from_row(row) if row else None
