"""The demo site, built once: outputs, generated pages, manifest, feeds, privacy."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import pytest
import yaml
from icalendar import Calendar

pytestmark = pytest.mark.slow


def html(demo, url: str) -> str:
    return (demo.site / "public" / url / "index.html").read_text(encoding="utf-8")


def test_three_outputs_exist(demo):
    assert (demo.site / "public" / "index.html").is_file()
    assert (demo.site / "public" / "404.html").is_file()
    assert (demo.site / "private" / "search" / "search_index.json").is_file()
    assert (demo.site / "manifest.json").is_file()


def test_manifest_lists_every_gated_page_with_teaser_parts(demo):
    from site_builder.content import load_site

    site = load_site(demo.config())
    pages = json.loads((demo.site / "manifest.json").read_text())["pages"]
    assert set(pages) == {f"/{prefix}{p.url}" for p in site.gated for prefix in ("", "en/")}  # and in English
    assert len(pages) >= 10
    for url, entry in pages.items():
        assert entry["access"] in ("registered", "members")
        assert entry["title"] and entry["summary"]
        assert entry["preview_html"].strip().startswith("<")
        assert (demo.site / "private" / entry["file"]).is_file(), url


def test_private_holds_only_gated_pages_and_the_members_index(demo):
    files = {p.relative_to(demo.site / "private").as_posix() for p in (demo.site / "private").rglob("*") if p.is_file()}
    pages = json.loads((demo.site / "manifest.json").read_text())["pages"]
    expected = {e["file"] for e in pages.values()} | {"search/search_index.json", "en/search/search_index.json"}
    copies = {name for name in files if name.endswith((".br", ".gz"))}
    assert files - copies == expected
    assert copies == {name + suffix for name in expected for suffix in (".br", ".gz")}  # every one is over 1 KB


def test_members_search_index_covers_every_page(demo):
    def locations(mode, prefix=""):
        docs = json.loads((demo.site / mode / prefix / "search" / "search_index.json").read_text())["docs"]
        return {prefix + d["location"].split("#")[0] for d in docs}
    gated = {e["url"].lstrip("/") for e in json.loads((demo.site / "manifest.json").read_text())["pages"].values()}
    for prefix in ("", "en/"):  # each language has its own index, the members' one with the closed pages
        public, private = locations("public", prefix), locations("private", prefix)
        assert public <= private
        assert {url for url in gated if url.startswith("en/") == bool(prefix)} <= private


def test_search_snippets_keep_words_apart(demo):
    docs = json.loads((demo.site / "public" / "search" / "search_index.json").read_text())["docs"]
    facts = [d["text"] for d in docs if d["location"].startswith("events/") and "Когда" in d["text"]]
    assert facts and not any(re.search(r"Когда\d|Где[А-ЯA-Z]", text) for text in facts)  # not «Когда3 декабря»


def test_public_page_of_a_gated_report_is_a_teaser(demo):
    page = html(demo, "analytics/ofisnyy-segment-2026")
    assert "club-teaser" in page and "/account/register?next=/analytics/ofisnyy-segment-2026/" in page
    assert "Указать компанию и телефон" in page
    full = (demo.site / "private" / "analytics/ofisnyy-segment-2026/index.html").read_text()
    assert "club-teaser" not in full and len(full) > len(page)


def test_newsletter_urls_archive_and_categories(demo):
    assert html(demo, "newsletters/2026/05/trek-pro-2-novaya-trekovaya-sistema-dlya-magazinov")
    archive = html(demo, "newsletters/archive/2026")
    assert archive.count("md-post--excerpt") >= 6
    assert (demo.site / "public/newsletters/category/montazhnye-organizatsii/index.html").is_file()


def test_the_404_page_speaks_the_sites_language_and_offers_the_sections(demo):
    page = (demo.site / "public" / "404.html").read_text(encoding="utf-8")
    assert "<h1>Страница не найдена</h1>" in page and "Not found" not in page
    assert 'href="/events/"' in page and "На главную" in page


def test_a_newsletters_category_reads_as_russian(demo):
    page = html(demo, "newsletters/2026/05/trek-pro-2-novaya-trekovaya-sistema-dlya-magazinov")
    meta = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("md-post__meta", 1)[1][:3000]))
    assert "Рубрика:" in meta and not re.search(r"\bВ (Всем|Дистрибьюторы|Монтажные)", meta)  # not «В Всем партнёрам»


def test_magazine_issue_pages_list_their_articles(demo):
    issue = html(demo, "magazine/2026-vesna")
    assert issue.count('<article class="club-card') == 3
    assert 'href="shkola-no-41' in issue or "shkola" in issue
    magazine = html(demo, "magazine")
    assert "magazine/2026-osen/" in magazine or 'href="2026-osen/"' in magazine


def test_analytics_catalogue_marks_gated_reports(demo):
    catalogue = html(demo, "analytics")
    cards = re.findall(r'<article class="club-card(.*?)</article>', catalogue, re.S)
    assert len(cards) == 5
    locked = [c for c in cards if "club-lock--members" in c]
    assert len(locked) == 3
    assert sum("club-lock--registered" in c for c in cards) == 1


def demo_events(demo) -> list[tuple[str, str, datetime]]:
    """(start day, city, end) of each demo event, from its front matter."""
    found = []
    for source in sorted((demo.content / "events").glob("*.md")):
        meta = yaml.safe_load(source.read_text(encoding="utf-8").split("---")[1])
        if "starts" in meta:
            end = datetime.strptime(meta["ends"], "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo("Europe/Moscow"))
            found.append((meta["starts"][:10], meta.get("city") or "", end))
    return found


def test_events_upcoming_first_then_past(demo):
    """Whatever today is: events not over yet come first, soonest first, and the others after them."""
    page = html(demo, "events")
    upcoming, past = page.split("Прошедшие мероприятия")
    now, events = datetime.now(ZoneInfo("Europe/Moscow")), demo_events(demo)
    assert len(events) >= 4
    coming = sorted(day for day, _city, end in events if end >= now)
    assert [upcoming.index(day) for day in coming] == sorted(upcoming.index(day) for day in coming)
    for day, _city, end in events:
        assert day in (upcoming if end >= now else past)
    assert "Новосибирск" in past


def test_icalendar_feed(demo):
    calendar = Calendar.from_ical((demo.site / "public/events/events.ics").read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == len(demo_events(demo)) >= 5
    uids = {str(e["UID"]) for e in events}
    assert len(uids) == len(events)
    webinar = next(e for e in events if "DALI" in str(e["SUMMARY"]))
    assert "online" in str(webinar["LOCATION"])


def test_rss_and_json_feeds(demo):
    rss = ET.fromstring((demo.site / "public/newsletters/feed.xml").read_bytes())
    items = rss.findall("./channel/item")
    assert len(items) >= 6
    assert all(i.findtext("link").startswith("http://127.0.0.1:8000/newsletters/") for i in items)
    feed = json.loads((demo.site / "public/magazine/feed.json").read_text())
    assert feed["version"].endswith("1.1") and len(feed["items"]) >= 6


def test_home_page_has_the_benefits_banner(demo):
    home = html(demo, "")
    assert "club-benefits" in home and home.count('class="club-benefit"') >= 5
    assert "/account/register" in home


def test_the_home_pages_first_heading_is_the_club_with_the_join_button_before_the_editors_text(demo):
    home = html(demo, "")
    h1 = re.findall(r"<h1[^>]*>(.*?)</h1>", home, re.S)
    assert h1 == ["Клуб партнёров Лиор"]  # the hero's; no «Главная» heading above it
    assert home.index("club-hero__actions") < re.search(r"<h2[^>]*>Добро пожаловать", home).start()
    assert "club-benefits--threes" in home  # six cards: three columns of two rows, no empty cells


def test_header_offers_sign_in_and_join(demo):
    page = html(demo, "technical")
    assert 'data-club-account' in page and "Войти" in page and "Вступить в клуб" in page


def test_every_page_leads_to_the_feedback_form_about_itself(demo):
    page = html(demo, "technical")
    assert page.count('href="/feedback/new?page=/technical/"') == 2  # header and the line above the footer
    assert "Спросить об этой странице" in page
    assert 'href="/feedback/new"' in html(demo, "")  # the home page is about nothing in particular
    assert "assets/club/club.js" in page


def test_public_site_requests_nothing_from_third_party_hosts(demo):
    external = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*(?:src|href)="(https?:)?//(?!127\.0\.0\.1)', re.I)
    for path in (demo.site / "public").rglob("*.html"):
        assert not external.search(path.read_text(encoding="utf-8")), path


def test_sitemap_lists_teasers_not_private_files(demo):
    sitemap = (demo.site / "public/sitemap.xml").read_text()
    assert "/analytics/ofisnyy-segment-2026/" in sitemap
    assert "private" not in sitemap


def referenced_sitemaps(page_url: str, page_html: str) -> set[str]:
    """The sitemaps a page makes Material's bundle fetch: the root one, and `sitemap.xml` resolved against
    every <link rel="alternate"> (Material reads them as language versions of the site, each with its own)."""
    alternates = re.findall(r'<link\b[^>]*\brel="alternate"[^>]*\bhref="([^"]*)"', page_html)
    return {"sitemap.xml"} | {urljoin(urljoin(page_url, href), "sitemap.xml").lstrip("/") for href in alternates}


def test_every_sitemap_a_page_makes_the_browser_fetch_is_there(demo):
    public = demo.site / "public"
    wanted: set[str] = set()
    for path in public.rglob("*.html"):
        url = "/" + path.relative_to(public).as_posix().removesuffix("index.html")
        wanted |= referenced_sitemaps(url, path.read_text(encoding="utf-8"))
    assert {"newsletters/sitemap.xml", "magazine/sitemap.xml"} <= wanted  # the feeds' links
    for rel in sorted(wanted):
        sitemap = ET.fromstring((public / rel).read_bytes())  # there, and a sitemap
        locs = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
        folder = "http://127.0.0.1:8000/" + rel.removesuffix("sitemap.xml")
        assert locs and all(loc.startswith(folder) for loc in locs), rel  # only pages under its folder
    section = (public / "newsletters/sitemap.xml").read_text(encoding="utf-8")
    root = (public / "sitemap.xml").read_text(encoding="utf-8")
    newsletters = set(re.findall(r"<loc>(http://127\.0\.0\.1:8000/newsletters/[^<]*)</loc>", root))
    assert set(re.findall(r"<loc>([^<]*)</loc>", section)) == newsletters  # the root one's entries


def test_rebuild_is_stable(demo, tmp_path):
    before = demo.public_text()
    demo.build()
    after = demo.public_text()
    assert before.keys() == after.keys()
    assert before["analytics/index.html"] == after["analytics/index.html"]


def test_event_pages_show_when_and_where(demo):
    page = html(demo, "events/vebinar-dali")
    facts = re.search(r'<dl class="club-facts".*?</dl>', page, re.S).group(0)
    assert "Когда" in facts and "10 декабря 2026" in facts and "онлайн" in facts


def test_articles_link_back_to_their_issue(demo):
    from site_builder.content import load_site

    article = next(p for p in load_site(demo.config()).of_kind("article") if not p.is_gated)
    assert 'class="club-issue-ref"' in html(demo, article.url.rstrip("/"))


def test_posts_without_a_marker_are_listed_by_their_first_paragraph(project):
    project.write("newsletters/2026/n.md", "---\ntitle: Новость\ndate: 2026-11-02\n---\n## Заголовок\n\n"
                                           "Первый абзац новости.\n\nВторой абзац, только на странице.\n")
    project.build(jobs=1)
    listing = (project.site / "public/newsletters/index.html").read_text()
    assert "Первый абзац новости." in listing and "Второй абзац" not in listing
    page = (project.site / "public/newsletters/2026/11/novost/index.html").read_text()
    assert "Второй абзац, только на странице." in page


def test_blog_index_pages_have_their_title(demo):
    assert re.search(r"<h1[^>]*>Рассылки", html(demo, "newsletters"))
    assert re.search(r"<h1[^>]*>Корпоративный журнал", html(demo, "magazine"))


def test_publishing_replaces_site_public_and_clears_the_old_one(project):
    import time as _time

    project.build(jobs=1)
    marker = project.site / "public" / "stale.txt"
    marker.write_text("from an older build")
    project.build(jobs=1)
    assert not marker.exists()
    deadline = _time.monotonic() + 10
    while list(project.site.glob(".public.replaced-*")) and _time.monotonic() < deadline:
        _time.sleep(0.1)
    assert list(project.site.glob(".public.replaced-*")) == []


def test_search_indexes_are_utf8_without_escapes(demo):
    for mode in ("public", "private"):
        raw = (demo.site / mode / "search" / "search_index.json").read_bytes()
        assert b"\\u04" not in raw, mode  # Cyrillic as UTF-8 (2 bytes a letter), not \u043a (6)
        assert "Клуб".encode() in raw and json.loads(raw)["docs"]


def test_the_rewritten_search_index_is_the_same_json(tmp_path):
    from site_builder.plugin import rewrite_index

    value = {"config": {"lang": ["ru"], "separator": "[\\s\\-]+"},
             "docs": [{"location": "a/", "title": "Светильник «Трек» \U0001F4A1",
                       "text": "tab\tquote\" \\ \u2028 end"}]}
    material = json.dumps(value, separators=(",", ":"), default=str)  # what Material's search plugin writes
    path = tmp_path / "search" / "search_index.json"
    path.parent.mkdir()
    path.write_text(material, encoding="utf-8")
    rewrite_index(str(tmp_path))
    text = path.read_text(encoding="utf-8")
    assert json.loads(text) == json.loads(material) and "Светильник «Трек» \U0001F4A1" in text
    assert len(text.encode()) < len(material)


def test_text_files_have_fresh_compressed_copies(demo):
    import gzip

    import brotli

    from site_builder.compress import SUFFIXES

    checked = 0
    for mode in ("public", "private"):
        for path in (demo.site / mode).rglob("*"):
            if path.suffix not in SUFFIXES or path.name == "sitemap.xml" or not path.is_file():
                continue
            data, copies = path.read_bytes(), [path.with_name(path.name + ".br"), path.with_name(path.name + ".gz")]
            if len(data) < 1024:
                assert not any(c.exists() for c in copies), path
                continue
            br, gz = copies
            assert brotli.decompress(br.read_bytes()) == data and gzip.decompress(gz.read_bytes()) == data, path
            assert len(br.read_bytes()) < len(gz.read_bytes()) < len(data)
            assert br.stat().st_mtime_ns == gz.stat().st_mtime_ns == path.stat().st_mtime_ns  # the mark of fresh
            checked += 1
    assert checked > 50
    assert (demo.site / "private" / "search" / "search_index.json.br").is_file()
    assert not list((demo.site / "public").rglob("*.br.br")) and not list((demo.site / "public").rglob("*.gz.br"))


def test_upcoming_event_pages_lead_to_registration_and_past_ones_do_not(demo):
    now = datetime.now(ZoneInfo("Europe/Moscow"))
    for day, city, end in demo_events(demo):
        slug = next(p.stem for p in (demo.content / "events").glob("*.md")
                    if f'starts: "{day}' in p.read_text(encoding="utf-8"))
        page = html(demo, f"events/{slug}")
        link = f'href="/account/events/{slug}/"'
        assert (link in page) == (end >= now), (slug, city)
        if end >= now:
            assert f'data-club-register="/account/events/{slug}/status.json"' in page and "Записаться" in page
