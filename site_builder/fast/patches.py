"""Performance patches to MkDocs and Material, applied by the club plugin. Each is measured in
bench/build.py, and tests/site_builder/test_speedups.py checks that none of them changes a page.

They exist because the stock pieces do per-page work whose cost grows with the site: a fresh
Markdown parser per page and per blog post, a linear `page in posts` test, whole posts converted
for every listing.
"""

from __future__ import annotations

import logging

import markdown
import yaml
from material.plugins.blog import structure as blog_structure
from mkdocs.structure import pages as mkdocs_pages

from . import enabled

_APPLIED = False


class PostList(list):
    """The blog plugin's list of posts with an O(1) `in`.

    Material asks `page in self.blog.posts` for every page in three events; on a list of Page
    objects that is a linear scan with a costly `__eq__`, which made builds grow with the square
    of the page count. Pages are unique objects, so identity is the right test.
    """

    def __init__(self, items=()):
        super().__init__(items)
        self._ids = {id(item) for item in self}

    def __contains__(self, item: object) -> bool:
        return id(item) in self._ids


def _render_excerpt_only(render):
    """Material converts a post's whole Markdown for every listing it appears in, then keeps the
    part above the separator. Convert only that part; `more` (which the templates only test, for
    the "continue reading" link) stays truthy when the post goes on."""
    def wrapper(excerpt, page, separator: str) -> None:
        full = excerpt.post.markdown
        head, found, tail = full.partition(separator)
        if not found:
            return render(excerpt, page, separator)
        excerpt.post.markdown = head + separator  # the split after conversion stays exactly as before
        try:
            render(excerpt, page, separator)
        finally:
            excerpt.post.markdown = full
        excerpt.more = tail if tail.strip() else None
    return wrapper


_PARSERS: dict[int, markdown.Markdown] = {}


def _parser(config) -> markdown.Markdown:
    """One Markdown parser per build config, reset between pages (what Python-Markdown's
    `reset()` is for), instead of building a parser with every extension for every page."""
    key = id(config)
    md = _PARSERS.get(key)
    if md is None:
        _PARSERS.clear()  # a new build: drop parsers of earlier configs
        md = _PARSERS[key] = markdown.Markdown(extensions=config["markdown_extensions"],
                                               extension_configs=config["mdx_configs"] or {})
    md.reset()
    return md


def render_page(self, config, files) -> None:
    """mkdocs.structure.pages.Page.render (MkDocs 1.6.1) with a reused parser."""
    if self.markdown is None:
        raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
    md = _parser(config)
    raw_html_ext = mkdocs_pages._RawHTMLPreprocessor()
    raw_html_ext._register(md)
    extract_anchors_ext = mkdocs_pages._ExtractAnchorsTreeprocessor(self.file, files, config)
    extract_anchors_ext._register(md)
    relative_path_ext = mkdocs_pages._RelativePathTreeprocessor(self.file, files, config)
    relative_path_ext._register(md)
    extract_title_ext = mkdocs_pages._ExtractTitleTreeprocessor()
    extract_title_ext._register(md)
    self.content = md.convert(self.markdown)
    self.toc = mkdocs_pages.get_toc(getattr(md, "toc_tokens", []))
    self._title_from_render = extract_title_ext.title
    self.present_anchor_ids = extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
    if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
        self.links_to_anchors = relative_path_ext.links_to_anchors


# Markdown a parser remembers between conversions until it is reset: footnotes, abbreviations,
# tabs (their ids count up). Material never resets a post's excerpt parser, so an excerpt with any
# of these renders differently in its second listing; such excerpts keep a parser of their own.
STATEFUL = ("[^", "*[", "===")
# The extensions whose state that list was checked against (mkdocs.yml's, and MkDocs' own): with any
# other extension configured, every excerpt keeps its own parser, as Material does.
CHECKED_EXTENSIONS = {"toc", "tables", "fenced_code", "abbr", "admonition", "attr_list", "def_list", "footnotes",
                      "md_in_html", "pymdownx.details", "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.emoji"}


def checked_extensions(extensions: list) -> bool:
    names = {name.removeprefix("markdown.extensions.") for name in extensions if isinstance(name, str)}
    return len(names) == len(extensions) and names <= CHECKED_EXTENSIONS


class _Registrations:
    """The two tree processors Material registers on an excerpt's parser, kept for later."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[object, float]] = {}

    def register(self, item, name: str, priority: float) -> None:
        self.items[name] = (item, priority)

    def get_index_for_name(self, name: str) -> str:
        return name

    def __getitem__(self, name: str):
        return self.items[name][0]


class ExcerptMarkdown:
    """Stands in for the Markdown parser Material builds for every blog post's excerpt (~1 ms
    each, thousands per build): conversions share one parser, reset in between, with the excerpt's
    own tree processors registered for the time of the conversion. An excerpt whose Markdown holds
    anything a parser remembers gets a parser of its own, exactly as before."""

    _shared: dict[str, markdown.Markdown] = {}

    def __init__(self, extensions, extension_configs) -> None:
        self.extensions, self.extension_configs = extensions, extension_configs
        self.treeprocessors = _Registrations()
        self.own: markdown.Markdown | None = None
        self.toc_tokens: list = []

    def convert(self, text: str) -> str:
        if self.own is None and (any(mark in text for mark in STATEFUL) or not checked_extensions(self.extensions)):
            self.own = markdown.Markdown(extensions=self.extensions, extension_configs=self.extension_configs)
            for name, (item, priority) in self.treeprocessors.items.items():
                self.own.treeprocessors.register(item, name, priority)
        md = self.own or self._parser()
        html = md.convert(text)
        self.toc_tokens = getattr(md, "toc_tokens", [])
        return html

    def _parser(self) -> markdown.Markdown:
        key = repr((self.extensions, sorted(self.extension_configs.items())))
        md = self._shared.get(key)
        if md is None:
            if len(self._shared) > 8:
                self._shared.clear()
            md = self._shared[key] = markdown.Markdown(extensions=self.extensions,
                                                       extension_configs=self.extension_configs)
        md.reset()
        for name, (item, priority) in self.treeprocessors.items.items():
            md.treeprocessors.register(item, name, priority)
        return md


def apply() -> None:
    """Install the patches once per process (never on other versions or with CLUB_NO_SPEEDUPS=1)."""
    global _APPLIED
    if _APPLIED or not enabled():
        return
    _APPLIED = True
    if hasattr(yaml, "CSafeLoader"):
        # Material's blog re-reads every post's front matter with the pure-Python loader.
        blog_structure.SafeLoader = yaml.CSafeLoader
    blog_structure.Excerpt.render = _render_excerpt_only(blog_structure.Excerpt.render)
    blog_structure.Markdown = ExcerptMarkdown  # the module builds nothing else with it
    mkdocs_pages.Page.render = render_page
