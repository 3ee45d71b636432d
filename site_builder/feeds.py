"""RSS 2.0, JSON Feed 1.1 and iCalendar files, built from the content model, and a sitemap beside each feed.

Feeds carry title, summary and link only — never body text — so a gated page can appear in a
feed without any of its closed part (its summary is public by definition).

Every page links the feeds with <link rel="alternate"> (themes/site/main.html), as feed readers expect.
Material's bundle takes every such link for a language version of the site and fetches `sitemap.xml`
next to it, on every page: /newsletters/sitemap.xml, /magazine/sitemap.xml. So each feed's section
gets one (`section_sitemap`): the root sitemap's entries under that folder, which is what a sitemap in
a folder may list (sitemaps.org protocol), and Material finds nothing to redirect in it.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, time
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urljoin
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from .config import ClubConfig
from .model import Page

FEED_SECTIONS = {"newsletters": "newsletter", "magazine": "article"}  # section -> kind of page in its feeds
_SITEMAP_URL = re.compile(r"[ \t]*<url>.*?</url>\n?", re.DOTALL)
_LOC = re.compile(r"<loc>([^<]*)</loc>")


def section_sitemap(root_sitemap: str, folder_url: str) -> str:
    """The entries of MkDocs' sitemap.xml whose address is under `folder_url`, in a sitemap of their own."""
    entries = [m.group(0) for m in _SITEMAP_URL.finditer(root_sitemap)
               if (loc := _LOC.search(m.group(0))) and loc.group(1).startswith(folder_url)]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(entries) + "</urlset>\n")


def write_section_sitemaps(site_dir: Path, site_url: str) -> None:
    """<section>/sitemap.xml for every section with feeds, from the sitemap.xml MkDocs just wrote."""
    root = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    for section in FEED_SECTIONS:
        target = site_dir / section / "sitemap.xml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(section_sitemap(root, urljoin(site_url, section + "/")), encoding="utf-8")


def absolute(config: ClubConfig, url: str) -> str:
    return config.site_url.rstrip("/") + "/" + url


def _published(page: Page, tz: ZoneInfo) -> datetime:
    return datetime.combine(page.date, time(9, 0), tz) if page.date else datetime.now(tz)


def rss(config: ClubConfig, title: str, url: str, pages: list[Page]) -> str:
    tz = ZoneInfo(config.timezone)
    items = []
    for page in pages:
        link = absolute(config, page.url)
        items.append(
            "<item>"
            f"<title>{escape(page.title)}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="true">{escape(link)}</guid>'
            f"<pubDate>{format_datetime(_published(page, tz))}</pubDate>"
            f"<description>{escape(page.summary)}</description>"
            + "".join(f"<category>{escape(tag)}</category>" for tag in page.tags)
            + "</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(config.site_name)} — {escape(title)}</title>"
        f"<link>{escape(absolute(config, url))}</link><description>{escape(title)}</description>"
        f"<language>{escape(config.language)}</language>" + "".join(items) + "</channel></rss>\n"
    )


def json_feed(config: ClubConfig, title: str, url: str, pages: list[Page]) -> str:
    tz = ZoneInfo(config.timezone)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{config.site_name} — {title}",
        "home_page_url": absolute(config, url),
        "language": config.language,
        "items": [
            {"id": absolute(config, p.url), "url": absolute(config, p.url), "title": p.title,
             "summary": p.summary, "content_text": p.summary, "tags": p.tags,
             "date_published": _published(p, tz).isoformat()}
            for p in pages
        ],
    }
    return json.dumps(feed, ensure_ascii=False, indent=1) + "\n"


def icalendar(config: ClubConfig, events: list[Page]) -> bytes:
    tz = ZoneInfo(config.timezone)
    host = config.site_url.split("//", 1)[-1].split("/", 1)[0] or "club"
    calendar = Calendar()
    calendar.add("prodid", f"-//{config.site_name}//Partner Club//RU")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", config.site_name)
    for page in sorted(events, key=lambda p: p.extra["starts"]):
        extra = page.extra
        starts = extra["starts"].replace(tzinfo=tz)
        event = Event()
        event.add("uid", f"{page.url.strip('/').replace('/', '-')}@{host}")
        event.add("summary", page.title)
        event.add("dtstart", starts.astimezone(UTC))
        if extra["ends"]:
            event.add("dtend", extra["ends"].replace(tzinfo=tz).astimezone(UTC))
        event.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))  # stable output across rebuilds
        where = ", ".join(filter(None, [extra["city"], extra["venue"], "online" if extra["online"] else ""]))
        if where:
            event.add("location", where)
        event.add("description", page.summary)
        event.add("url", absolute(config, page.url))
        calendar.add_component(event)
    return calendar.to_ical()
