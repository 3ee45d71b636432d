"""Render a big build's pages in two processes (`club build`'s public mode).

The public build is the long pole of `club build`: it renders every page in one process, while
the private build (gated pages only) finishes early and leaves a core idle. MkDocs reads and
converts every page first, then renders them one by one through the theme; at the first page
rendered this module forks, and the child renders every other page (listings with excerpts cost
several times more than articles and come last, so alternating pages splits the work evenly;
blog listings showing an excerpt that Material renders differently each time stay here, in order).

What rendering leaves behind in plugins comes back from the child: the search entries (put back
in page order, so the index is byte-identical), the club plugin's set of rendered pages, and the
log records (re-logged in the parent, so strict mode still counts the warnings). Anything the
child cannot hand back cleanly (an error, a crash, new external assets for the privacy plugin)
makes the parent render those pages itself, exactly as a stock build would, errors included.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import signal
import sys
from typing import Any

from mkdocs.commands import build as mkdocs_build

MIN_PAGES = int(os.environ.get("CLUB_SPLIT_MIN_PAGES", "400"))  # below this a fork costs more than it saves

log = logging.getLogger("mkdocs.plugins.club")


class Capture(logging.Handler):
    """The child's MkDocs log records, kept to be re-logged by the parent."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


class PageSplit:
    """Stands in for `mkdocs.commands.build._build_page` for the length of one build."""

    def __init__(self, config) -> None:
        self.config = config
        self.original = mkdocs_build._build_page
        self.child: tuple[int, int] | None = None  # (pid, read end of the result pipe)
        self.pages: list = []  # every page, in MkDocs' order, once forked
        self.theirs: set[int] = set()  # ids of the pages the child renders
        self.skipped: list[tuple[tuple, dict]] = []  # the calls for them, kept for a fallback
        self.entries: dict[int, list] = {}  # page id -> the search entries rendering it added

    def __enter__(self) -> PageSplit:
        mkdocs_build._build_page = self
        return self

    def __exit__(self, *exc) -> None:
        mkdocs_build._build_page = self.original
        if self.child is not None:  # the build failed in the parent: do not leave the child behind
            os.kill(self.child[0], signal.SIGKILL)
            self._collect()

    def __call__(self, page, config, doc_files, *args, **kwargs) -> None:
        if not self.pages and len(doc_files) >= MIN_PAGES:
            self._fork([f.page for f in doc_files], (config, doc_files, *args), kwargs)
        if id(page) in self.theirs:
            self.skipped.append(((page, config, doc_files, *args), kwargs))
        else:
            self._render(page, (config, doc_files, *args), kwargs)
        if self.child is not None and page is self.pages[-1]:
            self._merge(self._collect())

    def _render(self, page, args: tuple, kwargs: dict) -> None:
        """Render one page, noting the search entries it adds (when the build is split)."""
        index = _search_index(self.config) if self.pages else None
        before = len(index.entries) if index is not None else 0
        self.original(page, *args, **kwargs)
        if index is not None:
            self.entries[id(page)] = index.entries[before:]

    def _fork(self, pages: list, args: tuple, kwargs: dict) -> None:
        self.pages = pages
        pinned = stateful_listings(self.config, pages)
        self.theirs = {id(page) for page in pages[1::2] if id(page) not in pinned}
        sys.stdout.flush()
        sys.stderr.flush()
        read, write = os.pipe()
        gc.freeze()  # the collector would touch every object and so copy the whole heap into the child
        pid = os.fork()
        if pid == 0:  # the child: render its pages, hand the results over, and leave without cleanup
            os.close(read)
            code = 1
            try:
                with os.fdopen(write, "wb") as out:
                    pickle.dump(self._render_theirs(args, kwargs), out)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        gc.unfreeze()
        self.child = (pid, read)

    def _render_theirs(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        capture = Capture()
        logger = logging.getLogger("mkdocs")
        logger.handlers, logger.propagate = [capture], False  # the parent prints them, or redoes the pages
        before = _plugin_state(self.config)
        for page in self.pages:
            if id(page) in self.theirs:
                self._render(page, args, kwargs)
        after = _plugin_state(self.config)
        if after["assets"] != before["assets"]:
            return {"ok": False}
        entries = {i: self.entries[id(p)] for i, p in enumerate(self.pages) if id(p) in self.theirs}
        return {"ok": True, "entries": entries,
                "rendered": after["rendered"] - before["rendered"], "log": capture.records}

    def _collect(self) -> dict[str, Any]:
        pid, read = self.child  # type: ignore[misc]
        self.child = None
        try:
            with os.fdopen(read, "rb") as source:
                result = pickle.load(source)  # noqa: S301 - written by our own child, through a pipe
        except (EOFError, pickle.UnpicklingError, OSError):
            result = {"ok": False}
        _, status = os.waitpid(pid, 0)
        return result if status == 0 else {"ok": False}

    def _merge(self, result: dict[str, Any]) -> None:
        if result.get("ok"):
            for i, entries in result["entries"].items():
                self.entries[id(self.pages[i])] = entries
            for plugin in self.config.plugins.values():
                if isinstance(getattr(plugin, "rendered", None), set):
                    plugin.rendered |= result["rendered"]
            for name, level, message in result["log"]:
                logging.getLogger(name).log(level, message)
        else:
            log.debug("club: the second rendering process failed; rendering its pages here")
            for (page, *args), kwargs in self.skipped:
                self._render(page, tuple(args), kwargs)
        index = _search_index(self.config)
        if index is not None:  # the entries in page order, as one process would have added them
            ours = {id(e) for entries in self.entries.values() for e in entries}
            index.entries = ([e for e in index.entries if id(e) not in ours]
                             + [e for page in self.pages for e in self.entries.get(id(page), [])])


def stateful_listings(config, pages: list) -> set[int]:
    """Ids of the blog listings that show an excerpt with footnotes, abbreviations or tabs.

    Material renders each post's excerpt with one Markdown parser that it never resets, so such an
    excerpt comes out differently in its second listing (the ids count on). Those listings are all
    rendered here, in page order, so every one sees the excerpt exactly as one process would."""
    from material.plugins.blog.structure import View

    from .patches import STATEFUL, checked_extensions

    if not checked_extensions(config.markdown_extensions):  # any excerpt may remember: keep them all here
        return {id(page) for page in pages if isinstance(page, View)}
    found: set[int] = set()
    for plugin in config.plugins.values():
        if not hasattr(plugin, "blog") or not hasattr(plugin, "_config_pagination"):
            continue
        for page in pages:
            if isinstance(page, View) and any(
                    post.excerpt and any(mark in post.markdown for mark in STATEFUL) for post in _shown(plugin, page)):
                found.add(id(page))
    return found


def _shown(plugin, view) -> list:
    """The posts a listing shows (Material's BlogPlugin._render); all of its posts if unsure."""
    posts = list(getattr(view, "posts", []))
    try:
        if plugin._config_pagination(view):
            at, step = view.pages.index(view), plugin._config_pagination_per_page(view)
            return posts[at * step: at * step + step]
    except (AttributeError, ValueError, TypeError):
        pass
    return posts


def _search_index(config) -> Any:
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None:
            return index
    return None


def _plugin_state(config) -> dict[str, Any]:
    """What rendering pages adds to the plugins (copies, to compare before and after)."""
    state: dict[str, Any] = {"rendered": set(), "assets": []}
    for plugin in config.plugins.values():
        if isinstance(getattr(plugin, "rendered", None), set):
            state["rendered"] = set(plugin.rendered)
        if hasattr(plugin, "assets") and hasattr(plugin, "pool_jobs"):  # the privacy plugin
            state["assets"] = [f.dest_uri for f in plugin.assets] + [len(plugin.pool_jobs)]
    return state
