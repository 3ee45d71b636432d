"""The one contract between the build and the portal: what `club build` publishes, and how to read it.

The build (site_builder) writes, the portal reads, and both import the names from here, so nothing
is spelled on two sides: the output folders and files, the access levels and their order, the
manifest of gated URLs (versioned: the portal refuses a version it does not know, loudly), the
teaser marker in gated pages, the events and privileges files, and the newsletter e-mail artefact;
the products (catalogue.py) and the shell of the portal's pages (shell.py) in modules of their own.
Only the standard library here: the portal imports this module without MkDocs.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

# --- output layout ----------------------------------------------------------------------------------

PUBLIC = "public"          # site/public: anyone may read it; deployable anywhere
PRIVATE = "private"        # site/private: gated pages in full and members' media; only the portal serves it
MAIL = "mail"              # site/mail: newsletter e-mails (never served)
MANIFEST = "manifest.json"  # site/manifest.json: which URL is whose
EVENTS = "events.json"      # site/events.json: what registration for each event page needs (never served)
PRIVILEGES = "privileges.json"  # site/privileges.json: the privilege catalogue the cabinet offers (never served)
CATALOGUE = "catalogue.json"  # site/catalogue.json: the products (contract/catalogue.py; never served)
SEARCH_INDEX = "search/search_index.json"  # inside public (everyone's) and private (members')


@dataclass(frozen=True)
class SiteLayout:
    """Where a built site's parts are, below its folder (CLUB_SITE_DIR / `output_dir` in mkdocs.yml)."""

    root: Path

    @property
    def public(self) -> Path:
        return self.root / PUBLIC

    @property
    def private(self) -> Path:
        return self.root / PRIVATE

    @property
    def mail(self) -> Path:
        return self.root / MAIL

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST

    @property
    def events(self) -> Path:
        return self.root / EVENTS

    @property
    def privileges(self) -> Path:
        return self.root / PRIVILEGES

    @property
    def catalogue(self) -> Path:
        return self.root / CATALOGUE


# --- access levels ----------------------------------------------------------------------------------

ACCESS_LEVELS = ("public", "registered", "members")  # front matter `access:`, least closed first
ACCESS_RANK = {level: rank for rank, level in enumerate(ACCESS_LEVELS)}

# --- the teaser marker ------------------------------------------------------------------------------
# A gated page's public version ends in this aside (themes/site/partials/_club_teaser.html); the portal
# swaps it for the reader's next step (register / complete the profile).
TEASER_CLASS = "club-teaser"
TEASER_PATTERN = re.compile(rb'<aside class="' + TEASER_CLASS.encode() + rb'".*?</aside>', re.S)

# --- the manifest -----------------------------------------------------------------------------------

MANIFEST_VERSION = 1


class ManifestError(ValueError):
    """site/manifest.json is unreadable or of a version this code does not know (fail closed)."""


@dataclass(frozen=True)
class GatedEntry:
    url: str  # "/analytics/rynok-2026/"
    access: str
    title: str
    summary: str
    kind: str
    section: str | None
    preview_html: str
    file: str  # path of the full page inside site/private/


@dataclass(frozen=True)
class Manifest:
    pages: dict[str, dict]  # URL -> GatedEntry as a dict
    media: dict[str, str]   # URL of a file linked only from closed text -> its access level


def write_manifest(path: Path, entries: list[GatedEntry], media: dict[str, str] | None = None) -> None:
    data = {"version": MANIFEST_VERSION, "pages": {entry.url: asdict(entry) for entry in entries},
            "media": media or {}}
    write_json_atomic(path, data, indent=1)


def read_manifest(path: Path) -> Manifest:
    """The manifest; ManifestError for an unreadable file or an unknown version, never 'nothing is gated'."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path}: unreadable ({exc}); run `club build` again") from exc
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        found = data.get("version") if isinstance(data, dict) else None
        raise ManifestError(f"{path}: manifest version {found!r}, but this portal reads version "
                            f"{MANIFEST_VERSION}; build the site with the same version of the club as the portal")
    pages, media = data.get("pages"), data.get("media", {})
    if not isinstance(pages, dict) or not isinstance(media, dict):
        raise ManifestError(f"{path}: no 'pages' map; run `club build` again")
    return Manifest(pages, media)


# --- the events artefact --------------------------------------------------------------------------
# One entry per event page: what registration needs (seats, quota, deadline, questions, the webinar
# link). It lives beside the manifest, outside public/ and private/: `online_link` is for registered
# people only, so this file is never served. Times are ISO 8601 with the club's UTC offset.

EVENTS_VERSION = 1
QUESTION_KINDS = ("text", "long", "choice")


class EventsError(ValueError):
    """site/events.json is unreadable or of a version this code does not know; says how to fix it."""


@dataclass(frozen=True)
class Question:
    """One question asked when registering (front matter `questions:`)."""

    name: str  # the answer's key: "diet"
    label: str
    kind: str  # QUESTION_KINDS
    options: tuple[str, ...] = ()  # choice only
    required: bool = False
    max: int = 0  # longest answer in characters (text, long); 0 for choice


@dataclass(frozen=True)
class EventEntry:
    url: str  # "/events/akademiya-montazhnika-ekaterinburg/"
    slug: str  # "akademiya-montazhnika-ekaterinburg": the portal's /account/events/<slug>/
    source: str  # "content/events/akademiya-montazhnika-ekaterinburg.md"
    title: str
    access: str
    starts: str  # "2027-02-18T09:30:00+05:00"
    ends: str | None
    register_until: str  # the deadline; `starts` unless the page says otherwise
    timezone: str  # "Europe/Moscow"
    city: str
    venue: str
    online: bool
    online_link: str  # "" unless online; shown only to registered people
    capacity: int | None  # None: no limit on seats
    per_company: int | None  # None: no quota per company
    questions: tuple[Question, ...]
    cancelled: bool
    registration: bool  # False: the page takes no registrations
    revision: str  # changes when the time or the place changes (.ics SEQUENCE, update mails)
    offer_hours: int = 24  # how long a freed seat is held for the first person waiting (older files: 24)


def write_events(path: Path, entries: list[EventEntry]) -> None:
    data = {"version": EVENTS_VERSION, "events": [asdict(entry) for entry in entries]}
    write_json_atomic(path, data, indent=1, keep_same=True)


def read_events(path: Path) -> dict[str, EventEntry]:
    """Event entries by slug; EventsError for a missing or malformed file or an unknown version."""
    entries = _read_list(path, "events", EVENTS_VERSION, EventsError, _event_entry)
    return {entry.slug: entry for entry in entries}


def _read_list(path: Path, key: str, version: int, error: type[Exception], make: Callable[[dict], Any]) -> list:
    """The items under `key` of a versioned JSON artefact, each made by `make`; `error` says what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise error(f"{path}: unreadable ({exc}); run `club build` again") from exc
    found = data.get("version") if isinstance(data, dict) else None
    if found != version:
        raise error(f"{path}: {key} file version {found!r}, but this portal reads version {version}; "
                    "build the site with the same version of the club as the portal")
    try:
        if not isinstance(data[key], list):
            raise TypeError(f"'{key}' is not a list")
        return [make(item) for item in data[key]]
    except (KeyError, TypeError, AttributeError) as exc:
        raise error(f"{path}: not {'an' if key[0] in 'aeiou' else 'a'} {key} file ({exc!r}); "
                    "run `club build` again") from None


def _event_entry(item: dict) -> EventEntry:
    questions = tuple(Question(**{**q, "options": tuple(q.get("options", ()))}) for q in item["questions"])
    return EventEntry(**{**item, "questions": questions})


# --- the privileges artefact ----------------------------------------------------------------------
# The catalogue of privileges partners buy with points (front matter `privileges:` of one club page),
# in the page's order, hidden ones (`available: false`) included so that old requests keep their names.

PRIVILEGES_VERSION = 1


class PrivilegesError(ValueError):
    """site/privileges.json is unreadable or of a version this code does not know; says how to fix it."""


@dataclass(frozen=True)
class PrivilegeEntry:
    id: str  # "kopirayting": the cabinet's /account/points/privileges/<id>/ and a request's key
    name: str
    description: str
    cost: int  # whole points, > 0
    fulfilled_by: str  # who does the work: "Отдел маркетинга"
    partner_provides: str  # what the partner must give: "адрес сайта и доступ к CMS"
    available: bool  # False: kept for old requests, offered nowhere
    page: str  # the catalogue page's site path: "/club/privileges/"


def write_privileges(path: Path, entries: list[PrivilegeEntry]) -> None:
    data = {"version": PRIVILEGES_VERSION, "privileges": [asdict(entry) for entry in entries]}
    write_json_atomic(path, data, indent=1, keep_same=True)


def read_privileges(path: Path) -> dict[str, PrivilegeEntry]:
    """Privileges by id, in catalogue order; PrivilegesError for a missing or malformed file or another version."""
    entries = _read_list(path, "privileges", PRIVILEGES_VERSION, PrivilegesError, _privilege_entry)
    return {entry.id: entry for entry in entries}


def _privilege_entry(item: dict) -> PrivilegeEntry:
    entry = PrivilegeEntry(**item)
    if isinstance(entry.cost, bool) or not isinstance(entry.cost, int) or entry.cost < 1 or not entry.id:
        raise TypeError(f"privilege {entry.id!r}: cost {entry.cost!r} is not a whole number of points")
    return entry


# --- the newsletter e-mail artefact ------------------------------------------------------------------
# The build writes one e-mail per newsletter page to site/mail/<page>.json; the portal queues a copy
# (a later rebuild never changes a letter that is going out) and fills the placeholders per recipient:
# `{{club:name}}`, `{{club:recipient}}` (name and company), `{{club:link:N}}` (link N of `links`),
# `{{club:unsubscribe}}` and, in HTML only, `{{club:pixel}}`.
# The build does not know where the portal runs, so addresses on the club are relative to it: `url` and
# the club's entries in `links` are site paths ("/newsletters/2026/11/x/"), and image sources in the HTML
# start with CLUB_BASE ("{{club:base}}/newsletters/img/x.png"). `on_club` and `resolve` make them
# absolute with CLUB_BASE_URL when a letter's messages are made; links to other sites stay as they are.

MAIL_VERSION = 2  # 2: the club's own addresses relative to CLUB_BASE_URL (1: absolute, from site_url)
CLUB_BASE = "{{club:base}}"  # the portal's address (CLUB_BASE_URL) in a letter's HTML, without "/" at the end
# `{{club:personal:N}}`: the Nth per-recipient signed link of a letter another capability queued (a survey's
# scores, newsletters/api.py); built newsletter pages never contain it.
PLACEHOLDER = re.compile(r"\{\{club:(name|recipient|unsubscribe|pixel|link:(\d+)|personal:(\d+))\}\}")
AUDIENCE_KEYS = ("segments", "regions", "roles", "topics")


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
    return SiteLayout(site_dir).mail


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



def write_json_atomic(path: Path, data: Any, indent: int | None = None, keep_same: bool = False) -> None:
    """Write to a temporary file beside `path`, then rename over it (readers never see half).

    `keep_same`: leave a file that already holds exactly this alone, mtime included."""
    path.parent.mkdir(parents=True, exist_ok=True)
    separators = None if indent else (",", ":")
    text = json.dumps(data, ensure_ascii=False, indent=indent, separators=separators)
    if keep_same:
        try:
            if path.read_text(encoding="utf-8") == text:
                return
        except (OSError, UnicodeDecodeError):
            pass
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
