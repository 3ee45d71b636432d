"""Generated listings: catalogue, events, issue pages, home blocks — rendered from the content model."""

from __future__ import annotations

import posixpath
from datetime import date, datetime
from zoneinfo import ZoneInfo

import club_themes
import jinja2
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from . import catalogue_pages
from .content import Site
from .i18n import translator
from .model import Page
from .privileges import fill_marker

THEMES = club_themes.ROOT


def href(here: str, target: str) -> str:
    """Relative link between two directory-style site URLs ('' is the home page)."""
    rel = posixpath.relpath(target.rstrip("/") or ".", here.rstrip("/") or ".")
    if rel == ".":
        return "./"
    return rel if posixpath.splitext(rel)[1] else rel + "/"


class Listings:
    """Renders the listing blocks that the build appends to section, issue and home pages."""

    def __init__(self, site: Site, visible: list[Page], now: datetime | None = None):
        config = site.config
        self.site = site
        self.visible = visible  # pages this build may list (all of them: gated ones get a lock badge)
        self.locale = config.language.replace("-", "_")
        self.now = now or datetime.now(ZoneInfo(config.timezone)).replace(tzinfo=None)
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(THEMES / "generated"), autoescape=True,
                                 trim_blocks=True, lstrip_blocks=True)
        env.globals.update(t=translator(config.language), href=href, day=self.day, moment=self.moment,
                           segment_labels=self.segment_labels, portal=config.portal_url, now=self.now,
                           lang=config.language)
        self.macros = env.get_template("_listings.html").module
        self.catalogue_macros = env.get_template("_catalogue.html").module

    def day(self, value: date) -> str:
        return format_date(value, format="long", locale=self.locale)

    def moment(self, value: datetime) -> str:
        return format_datetime(value, "d MMMM y, HH:mm", locale=self.locale)

    def segment_labels(self, page: Page) -> str:
        return ", ".join(self.site.config.segments.get(s, s) for s in page.segments)

    def _of(self, kind: str, section: str | None = None) -> list[Page]:
        return [p for p in self.visible if p.kind == kind and (section is None or p.section == section)]

    def upcoming_and_past(self) -> tuple[list[Page], list[Page]]:
        events = self._of("event")
        def end(p: Page) -> datetime:
            return p.extra["ends"] or p.extra["starts"]
        upcoming = sorted((p for p in events if end(p) >= self.now), key=lambda p: p.extra["starts"])
        past = sorted((p for p in events if end(p) < self.now), key=lambda p: p.extra["starts"], reverse=True)
        return upcoming, past

    def header_for(self, page: Page) -> str:
        """HTML shown above the editor's text: an event's facts, an article's issue."""
        if page.kind == "event":
            return str(self.macros.event_facts(page))
        if page.kind == "home":
            return str(self.macros.hero(page))
        if page.kind == "article":
            issue = next((p for p in self.site.of_kind("issue") if posixpath.dirname(p.rel) == page.issue_dir), None)
            return str(self.macros.issue_ref(issue, page.url)) if issue else ""
        return ""

    def fill(self, page: Page, body: str) -> str:
        """The editor's text with generated blocks at their markers (the privilege table)."""
        entries = page.extra.get("privileges")
        if not entries:
            return body
        table = str(self.macros.privileges([e for e in entries if e.available], self.number))
        return fill_marker(body, table)

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.locale)

    def for_page(self, page: Page) -> str:
        """HTML to append below the editor's text of an index page ('' for ordinary pages)."""
        t = translator(self.site.config.language)
        if page.kind == "home":
            news = sorted(self._of("newsletter"), key=lambda p: p.date, reverse=True)[:3]
            return str(self.macros.home(page, news, self.upcoming_and_past()[0][:3], page.url))
        if page.kind == "issue":
            folder = posixpath.dirname(page.rel)
            articles = sorted((p for p in self._of("article") if p.issue_dir == folder),
                              key=lambda p: (p.date, p.title))
            return str(self.macros.catalogue(articles, page.url, t("issue.articles")))
        if page.kind == "catalogue":
            return catalogue_pages.line_table(self, page)
        if page.kind != "section":
            return ""
        return self._for_section(page, t)

    def _for_section(self, page: Page, t) -> str:
        if page.section == "events":
            upcoming, past = self.upcoming_and_past()
            return str(self.macros.events(upcoming, past, page.url, "events.ics"))
        if page.section == "magazine":
            issues = sorted(self._of("issue"), key=lambda p: p.date, reverse=True)
            return str(self.macros.catalogue(issues, page.url, t("magazine.issues")))
        if page.section == "catalogue":
            lines = sorted(self._of("catalogue", "catalogue"), key=lambda p: p.rel)
            return str(self.macros.catalogue(lines, page.url, t("catalogue.lines")))
        if page.section in ("technical", "analytics", "club"):
            kind = page.section
            items = sorted(self._of(kind, page.section), key=lambda p: (p.date or date.min, p.title),
                           reverse=page.section == "analytics")
            heading = {"analytics": "catalogue.reports", "club": "club.pages"}.get(kind, "catalogue.materials")
            return str(self.macros.catalogue(items, page.url, t(heading)))
        return ""
