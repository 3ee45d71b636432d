"""The `club` MkDocs plugin: turns content/ into a staged docs folder for one build mode.

Listed first in mkdocs.yml so that plain `mkdocs serve` / `mkdocs build` also work for editors
who know MkDocs (mode `preview`: the members' view, every page in full). `club build` runs the
`public` and `private` modes itself.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import InclusionLevel

from . import fast
from .config import load_config
from .content import Site, english_site, load_site
from .contract import write_json_atomic
from .errors import ContentErrors
from .fast import patches
from .feeds import write_section_sitemaps
from .i18n import LANGUAGE_PREFIX, alternates, translator
from .mail_inputs import save_capture, stream_capture
from .shell import absolute_links, drop_from_sitemap, is_shell, shell_file
from .stage import SECTION_KEYS, stage_map, staged_files, write_stage

log = logging.getLogger("mkdocs.plugins.club")

patches.apply()


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled theme templates, kept in memory and in .cache/club/jinja: MkDocs makes a new Jinja
    environment for every build and every worker process, and Material's templates are many."""

    store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])
        else:
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()
        super().dump_bytecode(bucket)


# `club build` loads the content once, then forks one process per mode; the children find it here.
PRELOADED: dict[str, Site] = {}
# `club serve`'s dirty rebuilds: the pages whose body alone changed (nothing else may have).
BODY_EDITS: dict[str, set[str]] = {}


class ClubPluginConfig(Config):
    mode = opt.Choice(("preview", "public", "private"), default="preview")
    # The English build (`club build` runs one per mode into /en/): theme, words, vocabularies,
    # translated pages (x.en.md); see translations.py.
    language = opt.Choice(("ru", "en"), default="ru")


class ClubPlugin(BasePlugin[ClubPluginConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.site: Site | None = None
        self.dirty = False
        self.rendered: set[str] = set()
        self.nav: Any = None
        self.previous_index: list[dict[str, Any]] | None = None
        self.previews: dict[str, str] = {}
        self.mail_html: dict[str, str] = {}  # newsletter URL -> rendered article, for its e-mail

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.dirty = dirty

    def on_config(self, config):
        self.rendered, self.previews, self.mail_html = set(), {}, {}  # MkDocs reuses plugin instances
        club = load_config(config.config_file_path)
        site = PRELOADED.get(str(club.config_file))
        if site is None:
            try:
                site = load_site(club)
            except ContentErrors as exc:
                raise PluginError("the content has errors:\n" + str(exc)) from None
        english = self.config.language == "en"
        if english:
            site = english_site(site)
            use_english(config, club.site_url, (club.raw.get("extra") or {}).get("club", {}).get("english") or {})
        self.site = site
        folder = club.stage_root / f"stage-{self.config.mode}{'-en' if english else ''}"
        edits = BODY_EDITS.get(str(club.config_file)) if self.dirty else None
        mode = "private" if self.config.mode == "preview" else self.config.mode
        staged = write_stage(staged_files(site, mode, only=edits), folder, complete=edits is None)
        log.debug("club: staged %d changed files for %s", len(staged.changed), self.config.mode)
        if self.config.mode == "public" and not english:
            stream_capture(club, "", "", start=True)
        config.docs_dir = str(folder)
        config.nav = (remap_nav(config.nav, stage_map(site)) if config.nav
                      else default_nav(site, translator(config.theme["language"])))
        config.extra.setdefault("club", {})["mode"] = self.config.mode
        config.extra["club"]["prefix"] = LANGUAGE_PREFIX[self.config.language]  # where this site's pages live
        # The languages' home pages: Material fetches the sitemap.xml beside each of these links on every
        # page (and maps the reader's page through it); the switch itself links to this page (on_page_context).
        config.extra["alternate"] = alternates(club.site_url, "", self.config.language)
        return config

    @event_priority(-100)  # after the blog plugin generated its views
    def on_files(self, files, *, config):
        for plugin in config.plugins.values() if fast.enabled() else ():
            blog = getattr(plugin, "blog", None)
            if blog is not None and hasattr(blog, "posts"):
                blog.posts = patches.PostList(blog.posts)
        if self.dirty:
            # The blog plugin writes its archive/category views afresh every build, so MkDocs sees
            # them as modified; a dirty rebuild only happens when no listing changed (devserver
            # decides), so mark them as old and let MkDocs keep the rendered ones.
            temp_dirs = [p.temp_dir for p in config.plugins.values() if hasattr(p, "temp_dir")]
            for file in files.documentation_pages(inclusion=lambda _: True):  # views are still excluded here
                if file.abs_src_path and any(file.abs_src_path.startswith(d) for d in temp_dirs):
                    os.utime(file.abs_src_path, (0, 0))
        if self.config.mode == "public":
            files.append(shell_file(config))  # the portal pages' shell (shell.py)
        return files

    @event_priority(-100)  # after the blog plugin attached its views and marked its posts
    def on_nav(self, nav, *, config, files):
        if self.config.mode == "private" and self.site is not None:
            skip_public_pages(nav, files, {p.url for p in self.site.gated})
        self.nav = nav
        return nav

    def on_env(self, env, *, config, files):
        if self.dirty and self.nav is not None:
            # A dirty build reads only changed pages, so a navigation tab whose title comes from
            # its page (the blog sections) would say "None" on the page rebuilt: read those pages.
            for page in self.nav.pages:
                if page.markdown is None:
                    page.read_source(config)
        env.globals["club_t"] = translator(config.theme["language"])
        if self.site is not None:
            folder = self.site.config.stage_root / "jinja"
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = _TemplateCache(str(folder))
        return env

    def on_page_content(self, html, *, page, config, files):
        club = page.meta.get("club") or {}
        if club.get("teaser"):
            # The stub holds only the preview; keep its HTML for the portal's teaser (manifest.json).
            self.previews[club["url"]] = html.split("<!-- more -->", 1)[0]
        if club.get("kind") == "newsletter" and self.config.language == "ru":
            self.mail_html[club["url"]] = html  # the e-mail is made from exactly what the site shows
            if self.config.mode == "public" and self.site is not None:
                stream_capture(self.site.config, club["url"], html)  # `club build` starts on it at once
        return html

    def on_post_page(self, output, *, page, config):
        return absolute_links(output, page.url) if is_shell(page) else output

    def on_page_context(self, context, *, page, config, nav):
        self.rendered.add(page.url)
        if self.site is not None:  # the language switch keeps the reader on this page (partials/alternate.html)
            context["club_alternates"] = alternates(self.site.config.site_url, page.url, self.config.language)
        return context

    def on_pre_build(self, *, config) -> None:
        # A dirty rebuild renders only changed pages, and the search plugin then writes an index of
        # just those (the `mkdocs build --dirty` bug); keep the old entries to merge them back.
        self.previous_index = read_index(config.site_dir) if self.dirty else None

    @event_priority(-100)  # after the search plugin wrote its index
    def on_post_build(self, *, config) -> None:
        if self.previous_index is not None:
            merge_index(config.site_dir, self.previous_index, self.rendered)
        else:
            rewrite_index(config.site_dir)
        if self.site is None:
            return
        if self.config.mode == "public":
            save_previews(self.site, self.previews, self.dirty, self.config.language)
            drop_from_sitemap(Path(config.site_dir))  # before the section sitemaps are made from it
            write_section_sitemaps(Path(config.site_dir), config.site_url or "")  # see feeds.py
        if self.config.mode in ("public", "private") and self.config.language == "ru":  # e-mails are Russian
            save_capture(self.site, self.config.mode, self.mail_html, self.dirty)


def previews_file(site: Site, language: str = "ru") -> Path:
    return site.config.stage_root / ("previews.json" if language == "ru" else f"previews-{language}.json")


def use_english(config, site_url: str, words: dict) -> None:
    """Point one MkDocs build at the English site under /en/: Material's words, search stemming, URLs,
    and the shell's own words from `extra.club.english` (site name, description, palette toggles)."""
    config.theme["language"] = "en"
    config.site_url = site_url.rstrip("/") + "/en/"
    config.site_name = str(words.get("site_name") or config.site_name)
    config.site_description = str(words.get("site_description") or config.site_description or "")
    t = translator("en")
    for plugin in config.plugins.values():  # the blog plugins' own headings (archive, categories)
        if hasattr(plugin.config, "categories_name") and hasattr(plugin.config, "archive_name"):
            plugin.config.categories_name, plugin.config.archive_name = t("segments"), t("archive")
    palette = config.theme.get("palette")
    for scheme, name in zip(palette if isinstance(palette, list) else [], words.get("palette") or [], strict=False):
        if isinstance(scheme, dict) and isinstance(scheme.get("toggle"), dict):
            scheme["toggle"] = {**scheme["toggle"], "name": str(name)}
    for name in ("material/search", "search"):
        if name in config.plugins:
            config.plugins[name].config.lang = ["en"]


def save_previews(site: Site, previews: dict[str, str], dirty: bool, language: str = "ru") -> None:
    path = previews_file(site, language)
    known = json.loads(path.read_text(encoding="utf-8")) if dirty and path.exists() else {}
    known.update(previews)
    gated = {page.url for page in site.gated}
    write_json_atomic(path, {k: v for k, v in known.items() if k in gated})


def skip_public_pages(nav, files, gated_urls: set[str]) -> None:
    """In the private build, render only gated pages and what the navigation shows.

    site/private keeps nothing else: public pages are rendered by the public build, and their
    search entries are merged into the members' index at publish time. Links to skipped pages
    still resolve (MkDocs keeps their URLs).
    """
    in_nav = {id(page) for page in _nav_pages(nav.items)}
    for file in files.documentation_pages():
        page = file.page
        if file.url in gated_urls or (page is not None and id(page) in in_nav):
            continue
        file.inclusion = InclusionLevel.EXCLUDED


def _nav_pages(items) -> list:
    found = []
    for item in items:
        if getattr(item, "is_page", False):
            found.append(item)
        found.extend(_nav_pages(getattr(item, "children", None) or []))
    return found


def default_nav(site: Site, t) -> list:
    """Home, one tab per section (its catalogue page), the club's own pages, tags.

    Individual pages stay out of the navigation on purpose: Material renders the whole nav into
    every page, which makes build time and output grow with the square of the page count.
    """
    nav: list = [{t("home"): "index.md"}]
    for section in SECTION_KEYS:
        if section == "club":
            club = sorted((p for p in site.pages if p.section == "club" and p.kind != "section"),
                          key=lambda p: p.title)
            nav.append({t("section.club"): ["club/index.md", *[p.stage_path for p in club]]})
        else:
            nav.append({t(f"section.{section}"): f"{section}/index.md"})
    nav.append({t("tags"): "tags.md"})
    return nav


def remap_nav(nav: Any, mapping: dict[str, str]) -> Any:
    """Point nav entries written against content/ at the staged files."""
    if isinstance(nav, list):
        return [remap_nav(item, mapping) for item in nav]
    if isinstance(nav, dict):
        return {key: remap_nav(value, mapping) for key, value in nav.items()}
    if isinstance(nav, str):
        return mapping.get(nav, nav)
    return nav


def _index_path(site_dir: str) -> Path:
    return Path(site_dir) / "search" / "search_index.json"


def read_index(site_dir: str) -> list[dict[str, Any]] | None:
    try:
        return json.loads(_index_path(site_dir).read_text(encoding="utf-8"))["docs"]
    except (OSError, ValueError, KeyError):
        return None


def rewrite_index(site_dir: str) -> None:
    """The search index as UTF-8. Material writes it with json.dumps' default ensure_ascii, so every
    Cyrillic letter takes six bytes (`\\u043a`) instead of two; the JSON value stays the same
    (write_json_atomic, as merge_index and the members' index)."""
    path = _index_path(site_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # search turned off: no index to rewrite
    write_json_atomic(path, data)


def merge_index(site_dir: str, previous: list[dict[str, Any]], rendered: set[str]) -> None:
    path = _index_path(site_dir)
    data = json.loads(path.read_text(encoding="utf-8"))
    fresh = {doc["location"].split("#", 1)[0] for doc in data["docs"]} | rendered
    kept = [doc for doc in previous if doc["location"].split("#", 1)[0] not in fresh]
    data["docs"] = kept + data["docs"]
    write_json_atomic(path, data)
