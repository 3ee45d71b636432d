"""The e-mail version of every newsletter page: `site/mail/<page>.json` in the shape the portal reads
(portal.newsletter_model.MailArtefact), and `site/mail/index.json` listing them.

The page's HTML is the site's own: the club plugin keeps each newsletter's rendered article from
the two MkDocs builds (site_builder/mail_inputs.py), so tables, admonitions, images and attr_list
come out exactly as on the site. The private build gives the members' text (variant `full`); the public build gives
what the public site shows of a gated page (the part above `<!-- more -->`), which becomes the
`preview` variant with the way in. The preview is made only from the public build's stub, which
never contained the closed text, and is then scanned for it like the public site (`mail_leaks`).

Addresses on the club are written relative to the portal (site paths, and CLUB_BASE before image
sources): the portal resolves them against CLUB_BASE_URL when it sends, so `site_url` in mkdocs.yml
never reaches a letter and one build serves wherever the portal runs.

site/mail sits beside site/public and site/private and is never published: the portal serves only
those two folders (portal/site/gated.py, portal/static.py), and queuing copies a letter into the database.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import css_inline
import jinja2
from babel.dates import format_date
from markupsafe import Markup

from site_builder.contract import AUDIENCE_KEYS, CLUB_BASE, MailArtefact, MailVariant, mail_dir

from .config import ClubConfig
from .content import Site
from .contract import write_json_atomic
from .i18n import translator
from .leaks import BOUNDARY, Leak, first_run, html_text
from .mail_inputs import MailCache, StreamReader, mail_theme, read_capture
from .mailtext import Links, clean_content, html_to_text, number_links
from .manifest import gated_media
from .model import MORE, Page

INDEX_VERSION = 1
SETTINGS_PATH = "/account/newsletters"  # the cabinet's newsletter settings (topics, tracking, unsubscribe)
PREHEADER_MAX = 150  # the model's limit for a written preheader; a summary used instead is shortened to it
PLACEHOLDERS = {"name": "{{club:name}}", "recipient": "{{club:recipient}}",
                "unsubscribe": "{{club:unsubscribe}}", "pixel": "{{club:pixel}}"}


# Plain text is cut at every line and at column gaps (tables), as the leak scan cuts HTML at block
# elements: words that only sit next to each other across a line break or a cell never count as a run.
_TEXT_SEGMENT = re.compile(r"\n| {2,}")
BOUNDARY_SEP = f" {BOUNDARY} "


class MailBuildError(RuntimeError):
    """A newsletter's e-mail cannot be made (its page was not rendered); nothing is published."""


# --- rendering ---------------------------------------------------------------------------------

def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:—-")
    return cut + "…"


class MailRenderer:
    """Renders MailArtefacts for one site: the templates, the inliner and the words, loaded once."""

    def __init__(self, config: ClubConfig):
        self.config = config
        self.t = translator(config.language)
        self.locale = config.language.replace("-", "_")
        loader = jinja2.FileSystemLoader(mail_theme(config))
        self.html = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)
        self.text = jinja2.Environment(loader=loader, autoescape=False, trim_blocks=True,  # noqa: S701 - plain text
                                       lstrip_blocks=True, keep_trailing_newline=True)
        self.html_template = self.html.get_template("newsletter.html")
        self.text_template = self.text.get_template("newsletter.txt")
        # keep_at_rules: the dark-mode and narrow-screen @media rules stay in <style>; everything else
        # goes into style="" attributes (mail clients drop or ignore <style> for content).
        self.inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)

    @staticmethod
    def site_path(path: str) -> str:
        """A page's site path. Not absolute yet: the portal resolves it against CLUB_BASE_URL when it
        sends (portal.newsletter_model.resolve), because only the portal knows where it runs."""
        return "/" + path.lstrip("/")

    def portal(self, path: str) -> str:
        """An address on the portal, which serves the site too: a site path like every page's."""
        return self.site_path(path)

    def artefact(self, page: Page, full_html: str, preview_html: str | None) -> MailArtefact:
        url = self.site_path(page.url)
        links = Links()
        context = self.context(page, url)
        full = self.variant(context, "full", clean_content(full_html, url), links)
        preview = None
        if page.is_gated:
            if preview_html is None:
                raise MailBuildError(f"{page.display}: the public build left no preview of this newsletter")
            preview = self.variant(context, "preview", clean_content(preview_html, url), links)
        return MailArtefact(
            page=page.url.strip("/"), source=page.display, url=url, title=page.title,
            subject=context["subject"], preheader=context["preheader"],
            date=page.date.isoformat() if page.date else "", language=self.config.language, access=page.access,
            audience=audience(page), links=links.urls, full=full, preview=preview)

    def context(self, page: Page, url: str) -> dict:
        config = self.config
        back = "?next=/" + page.url
        way_in = [(self.t("mail.complete"), self.portal("/account/profile" + back))] if page.access == "members" \
            else [(self.t("mail.register"), self.portal("/account/register" + back))]
        way_in.append((self.t("mail.signin"), self.portal("/account/login" + back)))
        return {
            "t": self.t, "lang": config.language, "site_name": config.site_name, "home_url": self.site_path(""),
            "url": url, "title": page.title, "summary": page.summary, "access": page.access,
            "subject": page.extra.get("subject") or page.title,
            "preheader": page.extra.get("preheader") or shorten(page.summary, PREHEADER_MAX),
            "date_text": format_date(page.date, format="long", locale=self.locale) if page.date else "",
            "audience": self.audience_lines(page), "way_in": way_in, "ph": PLACEHOLDERS,
            "settings_url": self.portal(SETTINGS_PATH),
        }

    def variant(self, context: dict, variant: str, content: str, links: Links) -> MailVariant:
        values = {**context, "variant": variant, "show_title": "<h1" not in content}
        document = self.html_template.render(values, content=Markup(content))  # noqa: S704 - the site's own HTML
        document = number_links(self.inliner.inline(document), links)
        text = html_to_text(content, links.placeholder, context["url"])
        plain = self.text_template.render(values, content=text, link=links.placeholder)
        return MailVariant(html=document, text=tidy(plain))

    def audience_lines(self, page: Page) -> list[str]:
        config = self.config
        labels = ([config.segments.get(k, k) for k in page.segments] + [config.regions.get(k, k) for k in page.regions]
                  + [config.roles.get(k, k) for k in page.extra.get("roles", [])])
        topics = [config.topics.get(k, k) for k in page.extra.get("topics", [])]
        lines = [self.t("mail.audience").format(labels=", ".join(labels))] if labels else []
        return lines + ([self.t("mail.topics").format(labels=", ".join(topics))] if topics else [])


def audience(page: Page) -> dict[str, list[str]]:
    values = {"segments": page.segments, "regions": page.regions, "roles": page.extra.get("roles", []),
              "topics": page.extra.get("topics", [])}
    return {key: list(values[key]) for key in AUDIENCE_KEYS}


def tidy(text: str) -> str:
    """No trailing spaces (the "-- " signature line keeps its one), at most one blank line in a row."""
    lines = [line if line == "-- " else line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"


@dataclass
class Mails:
    artefacts: list[MailArtefact]
    fresh: set[str] = field(default_factory=set)  # pages rendered this time (the others are on disk as they are)
    warnings: list[str] = field(default_factory=list)


def inputs(page: Page, public: dict[str, str], private: dict[str, str]) -> tuple[str, str | None] | None:
    """(full HTML, preview HTML) of a newsletter's letter, or None while a build has not rendered it."""
    full = (private if page.is_gated else public).get(page.url)
    stub = public.get(page.url)
    if full is None or (page.is_gated and stub is None):
        return None
    return full.replace(MORE, ""), stub.split(MORE, 1)[0] if page.is_gated else None


def render_mail(site: Site, early: Prerender | None = None) -> Mails:
    """Every newsletter's e-mail, from the HTML the two builds kept; unchanged ones are reused, and
    those `early` rendered while the public build was running are taken as they are."""
    config = site.config
    public, private = read_capture(config, "public"), read_capture(config, "private")
    cache = early.cache if early is not None else MailCache(config)
    renderer = early.renderer if early is not None else None
    mails = Mails([])
    for page in sorted(site.of_kind("newsletter"), key=lambda p: p.url):
        made_from = inputs(page, public, private)
        if made_from is None:
            raise MailBuildError(f"{page.display}: no rendered page for its e-mail; run `club build` again")
        digest = cache.digest(page, *made_from)
        artefact = early.done.get(digest) if early is not None else None
        on_disk = artefact is None and (artefact := cache.get(page, digest)) is not None  # inputs unchanged
        if artefact is None:
            renderer = renderer or MailRenderer(config)
            artefact = renderer.artefact(page, *made_from)
        if not on_disk:
            mails.fresh.add(artefact.page)
        cache.put(page, digest)
        mails.artefacts.append(artefact)
    cache.save()
    mails.warnings = closed_images(site, mails.artefacts)
    return mails


class Prerender:
    """Letters made while the public build still runs, on the core the private build has freed
    (`club build` calls `step` between its leak-scan steps); `render_mail` then takes them."""

    def __init__(self, site: Site):
        self.site = site
        self.cache = MailCache(site.config)
        self.renderer: MailRenderer | None = None
        self.stream = StreamReader(site.config)
        self.public: dict[str, str] = {}
        self.private: dict[str, str] | None = None
        self.waiting = {page.url: page for page in site.of_kind("newsletter")}
        self.done: dict[str, MailArtefact] = {}  # input digest -> letter

    def step(self, budget: float = 0.25) -> bool:
        """Make letters for up to `budget` seconds; False when no page was ready (the caller waits)."""
        deadline = time.monotonic() + budget
        if self.private is None:
            self.private = read_capture(self.site.config, "private")  # the private build has finished
        self.public.update(self.stream.new())
        ready = [url for url in self.waiting if url in self.public]
        for url in ready:
            page = self.waiting.pop(url)
            made_from = inputs(page, self.public, self.private)
            if made_from is None:
                continue  # render_mail will say what is missing
            digest = self.cache.digest(page, *made_from)
            if not self.cache.on_disk(page, digest):
                self.renderer = self.renderer or MailRenderer(self.site.config)
                self.done[digest] = self.renderer.artefact(page, *made_from)
            if time.monotonic() > deadline:
                break
        return bool(ready)


def closed_images(site: Site, artefacts: list[MailArtefact]) -> list[str]:
    """Images only the closed part shows live in site/private, served to signed-in readers; a mail
    client is never signed in, so the letter shows their alt text instead. Say so, once per image."""
    private = {CLUB_BASE + "/" + url.lstrip("/") for url in gated_media(site)}
    found: list[str] = []
    if not private:
        return found
    for mail in artefacts:
        for src in sorted(set(re.findall(r'<img\b[^>]*\ssrc="([^"]+)"', mail.full.html)) & private):
            found.append(f"{mail.source}: the image {src.removeprefix(CLUB_BASE)} is linked only below <!-- more -->, "
                         "so mail clients cannot load it (it is for signed-in readers); the letter shows its alt text")
    return found


# --- proving and writing -------------------------------------------------------------------------

def mail_leaks(mails: Mails, prints: dict) -> list[Leak]:
    """Closed text in what goes to readers who may not read it: the subject and preheader of every
    letter (every recipient sees them, and the site never shows them) and the preview of a gated
    page, HTML and text. The full letter of a public page is the public page, scanned already."""
    if not prints:
        return []
    found, memo = [], {}
    for mail in mails.artefacts:
        parts = {"subject": mail.subject, "preheader": mail.preheader}
        if mail.preview is not None:
            parts["preview HTML"] = html_text(mail.preview.html)
            parts["preview text"] = _TEXT_SEGMENT.sub(BOUNDARY_SEP, mail.preview.text)
        for part, text in parts.items():
            hit = first_run(text, prints, memo)
            if hit is not None:
                found.append(Leak(f"mail/{mail.page}.json ({part})", prints[hit], " ".join(hit)))
    return found


def write_mail(site_dir: Path, mails: Mails) -> int:
    """Write site/mail/ (letters rendered this time, if their bytes changed), remove letters of pages
    that are gone; returns how many letters were written."""
    root = mail_dir(site_dir)
    wanted: set[Path] = set()
    written = 0
    for mail in mails.artefacts:
        path = root / f"{mail.page}.json"
        wanted.add(path)
        if mail.page in mails.fresh:
            written += write_if_changed(path, mail.to_json())
    index = root / "index.json"
    wanted.add(index)
    entries = [{"page": m.page, "file": f"{m.page}.json", "source": m.source, "url": m.url, "title": m.title,
                "subject": m.subject, "date": m.date, "access": m.access, "audience": m.audience}
               for m in sorted(mails.artefacts, key=lambda m: (m.date, m.page), reverse=True)]
    write_json_atomic(index, {"version": INDEX_VERSION, "mails": entries}, indent=1)
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return written


def write_if_changed(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return 0
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # the portal may be reading: whole file or the old one
    return 1
