"""Stage the docs a MkDocs build reads: one folder per mode, written from the content model.

`public`: public pages as written; every gated page replaced by a stub holding only its title,
summary and preview — the closed text is never in the folder MkDocs reads, so no plugin, index,
feed or listing can leak it. `private`: every page in full (the members' view). Files are
rewritten only when their bytes change, so unchanged pages keep their mtimes (fast rebuilds).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from .catalogue_pages import product_pages
from .content import Site, per_site
from .feeds import FEED_SECTIONS, icalendar, json_feed, rss
from .generate import Listings
from .i18n import translator
from .links import find_links, resolve, rewrite
from .model import MORE, Page

MODES = ("public", "private")
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: ~10x faster on big sites
BLOG_SECTIONS = ("newsletters", "magazine")
SECTION_KEYS = ("newsletters", "magazine", "technical", "catalogue", "analytics", "events", "club")


@dataclass
class Staged:
    folder: Path
    changed: list[str] = field(default_factory=list)  # staged paths written this time
    removed: list[str] = field(default_factory=list)


@per_site
def private_media(site: Site) -> set[str]:
    """Media linked only from closed text: kept out of the public build (fail closed)."""
    closed = {resolve(p.rel, link.target) for p in site.gated for link in find_links(p.gated_body)}
    open_ = {resolve(p.rel, link.target) for p in site.pages for link in find_links(p.preview)}
    return closed - open_


def staged_files(site: Site, mode: str, listings: Listings | None = None,
                 only: set[str] | None = None) -> dict[str, bytes]:
    """Every file of the staged docs folder for `mode`, by path; with `only`, just those pages (a
    dirty rebuild, after which only their bodies changed: nothing they list or feed changed)."""
    listings = listings or Listings(site, site.pages)
    stage_of = stage_map(site)
    files: dict[str, bytes] = {}
    for page in site.pages:
        if only is not None and page.rel not in only:
            continue
        stub = mode == "public" and page.is_gated
        body = rewrite(page.preview if stub else page.body, page.rel, page.stage_path, stage_of.get)
        if page.is_post and not stub and not page.has_more:
            body = with_auto_excerpt(body)
        body = _join(listings.header_for(page), listings.fill(page, body))
        if page.kind == "section" and page.section in BLOG_SECTIONS:
            body = f"# {page.title}\n\n{body}"  # Material's blog index shows no title of its own
        files[page.stage_path] = render_page(site, page, body, stub, listings.for_page(page)).encode()
    if only is not None:
        return files
    hidden = private_media(site) if mode == "public" else set()
    for rel in site.media:
        if rel not in hidden:
            files[stage_of[rel]] = (site.config.docs_dir / rel).read_bytes()
    files.update(default_pages(site, files, listings))
    for page, body in product_pages(site, listings):  # generated from the line pages' `products:`
        files[page.stage_path] = render_page(site, page, body, False, "").encode()
    if mode == "public":
        files.update(feed_files(site))
    return files


def with_auto_excerpt(body: str) -> str:
    """A post without `<!-- more -->` is listed with its first paragraph (as Ghost does), not in
    full: Material would otherwise put whole posts into every archive and category page."""
    blocks = body.strip().split("\n\n")
    for index, block in enumerate(blocks[:-1]):
        if block.strip() and not block.lstrip().startswith(("#", "!!!", "???", "|", "<", "```", "~~~")):
            return "\n\n".join([*blocks[: index + 1], MORE, *blocks[index + 1 :]]) + "\n"
    return body


def _join(header: str, body: str) -> str:
    return f"{header}\n\n{body}" if header else body


def stage_map(site: Site) -> dict[str, str]:
    mapping = {page.rel: page.stage_path for page in site.pages}
    mapping.update({rel: rel for rel in site.media})
    return mapping


def render_page(site: Site, page: Page, body: str, stub: bool, listing: str) -> str:
    meta = staged_meta(site, page, stub)
    text = body.rstrip() + "\n"
    if stub:
        # The marker keeps blog listings to the preview; the teaser box comes from the theme.
        text += "\n<!-- more -->\n"
    if listing:
        text += "\n" + listing + "\n"
    return f"---\n{front_matter(meta)}---\n\n{text}"


def front_matter(meta: dict) -> str:
    """YAML for the staged page's metadata. JSON is YAML, and writing it is several times cheaper
    than PyYAML's representer over thousands of pages; dates stay YAML dates. PyYAML still writes
    what JSON cannot say (dates inside lists, …) or YAML would read differently (line breaks)."""
    try:
        text = "".join(f"{json.dumps(key, ensure_ascii=False)}: {_yaml_value(value)}\n" for key, value in meta.items())
    except (TypeError, ValueError):
        text = None
    if text is None or any(mark in text for mark in ("\u2028", "\u2029", "\x85")):
        return yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=None)
    return text


def _yaml_value(value: object) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def staged_meta(site: Site, page: Page, stub: bool) -> dict:
    labels = [site.config.segments.get(s, s) for s in page.segments]
    meta: dict = {"title": page.title}
    if page.summary:
        meta["description"] = page.summary
    if page.tags:
        meta["tags"] = page.tags
    meta.update(page.theme)
    if page.kind == "newsletter":
        meta.update(date=page.date, slug=page.slug,
                    categories=labels or [translator(site.config.language)("all_partners")])
    elif page.kind == "article":
        meta.update(date=page.date, slug=page.url.removeprefix("magazine/").strip("/"))
    if page.kind == "home":
        meta.setdefault("hide", ["navigation", "toc"])
    meta["club"] = {"access": page.access, "kind": page.kind, "teaser": stub, "url": page.url,
                    "segments": labels, "summary": page.summary}
    return meta


def default_pages(site: Site, files: dict[str, bytes], listings: Listings) -> dict[str, bytes]:
    """Section pages the editors did not write, and the tags index."""
    t = translator(site.config.language)
    extra: dict[str, bytes] = {}
    for section in SECTION_KEYS:
        path = f"{section}/index.md"
        if path not in files:
            page = Page(rel=path, display=path, kind="section", section=section, title=t(f"section.{section}"),
                        body="", body_line=1, url=f"{section}/", stage_path=path)
            extra[path] = render_page(site, page, "", False, listings.for_page(page)).encode()
    extra["tags.md"] = f"---\ntitle: {t('tags')}\n---\n\n<!-- material/tags -->\n".encode()
    return extra


def feed_files(site: Site) -> dict[str, bytes]:
    config = site.config
    t = translator(config.language)
    out: dict[str, bytes] = {}
    for section, kind in FEED_SECTIONS.items():
        pages = sorted(site.of_kind(kind), key=lambda p: p.date, reverse=True)[:50]
        title = t(f"section.{section}")
        out[f"{section}/feed.xml"] = rss(config, title, f"{section}/", pages).encode()
        out[f"{section}/feed.json"] = json_feed(config, title, f"{section}/", pages).encode()
    out["events/events.ics"] = icalendar(config, site.of_kind("event"))
    return out


def write_stage(files: dict[str, bytes], folder: Path, complete: bool = True) -> Staged:
    """Make `folder` hold exactly `files` (or, not `complete`, at least them), touching only what changed."""
    result = Staged(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        target = folder / rel
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        result.changed.append(rel)
    if not complete:
        return result
    for dirpath, _, names in os.walk(folder):
        for name in names:
            rel = Path(dirpath, name).relative_to(folder).as_posix()
            if rel not in files:
                os.unlink(os.path.join(dirpath, name))
                result.removed.append(rel)
    return result


def clean(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
