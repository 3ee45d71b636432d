"""Convert a big build's Markdown in two processes (`club build`'s public mode).

MkDocs reads and converts every page in one loop (`_populate_page`) before it renders any, and
the conversion (Python-Markdown with every extension) is most of that loop: seconds in which
split.py cannot yet put a second process to work. At the first page this module forks a helper
that converts pages from the last one backwards while MkDocs goes forwards; they meet in the
middle, wherever the two processes' speed puts that.

The helper never changes what the build does. MkDocs still runs every plugin event for every
page in this process, in its order; only the conversion call is skipped for a page whose Markdown
(after the plugins' page_markdown events, compared by digest) is exactly what the helper converted.
Conversion is a function of that text, the page's file and the site's files, which the helper
shares from the fork. What it leaves on the page (HTML, table of contents, title, anchors) and the
log records it wrote come back with it. A page the helper did not reach, or converted from other
text (a plugin rewrote it), or whose result has not arrived yet, is converted here as usual: this
process never waits for the helper.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import multiprocessing
import os
import queue
import signal
import sys
from dataclasses import dataclass
from typing import Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.pages import Page

from . import split
from .split import Capture

_CONTEXT = multiprocessing.get_context("fork")


@dataclass
class Converted:
    """What converting one page left on it, in a form that crosses a pipe."""

    src_uri: str
    digest: bytes
    content: str
    toc: Any
    title: str | None
    anchors: set[str]
    links: dict[str, dict[str, str]] | None  # target src_uri -> anchors linked (None: not recorded)
    log: list[tuple[str, int, str]]


def digest(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Prefetch:
    """Stands in for `_populate_page` and `Page.render` for the length of one build."""

    def __init__(self, config) -> None:
        self.config = config
        self.populate = mkdocs_build._populate_page
        self.render = Page.render
        self.started = False
        self.order: dict[str, int] = {}  # src_uri -> position in MkDocs' loop, once forked
        self.ready: dict[str, Converted] = {}
        self.helper: int | None = None
        self.results: Any = None  # the queue the helper puts Converted records on
        self.reached: Any = None  # shared: the position this process has reached

    def __enter__(self) -> Prefetch:
        mkdocs_build._populate_page = self._populate
        prefetch = self

        def render(page, config, files) -> None:  # a function, so that it binds to the page
            prefetch._render_page(page, config, files)

        Page.render = render  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc) -> None:
        mkdocs_build._populate_page = self.populate
        Page.render = self.render  # type: ignore[method-assign]
        self._stop_helper()

    # --- this process ------------------------------------------------------------------------

    def _populate(self, page, config, files, dirty: bool = False) -> None:
        if not self.started and not dirty:
            self.started = True
            self._fork(files)
        position = self.order.get(page.file.src_uri)
        if position is not None and self.reached is not None:
            self.reached.value = position
        self.populate(page, config, files, dirty)
        if position is not None and position == len(self.order) - 1:
            self._stop_helper()  # the last page: whatever the helper still does is not needed

    def _render_page(self, page, config, files) -> None:
        done = self._take(page.file.src_uri)
        if done is None or page.markdown is None or done.digest != digest(page.markdown):
            self.render(page, config, files)
            return
        page.content = done.content
        page.toc = done.toc
        page._title_from_render = done.title
        page.present_anchor_ids = done.anchors
        if done.links is not None:
            page.links_to_anchors = {files.get_file_from_path(uri): anchors for uri, anchors in done.links.items()}
        for name, level, message in done.log:
            logging.getLogger(name).log(level, message)

    def _take(self, src_uri: str) -> Converted | None:
        if self.results is not None:
            while True:  # everything that has arrived, without waiting for more
                try:
                    done = self.results.get_nowait()
                except (queue.Empty, OSError, EOFError, ValueError):
                    break
                self.ready[done.src_uri] = done
        return self.ready.pop(src_uri, None)

    def _fork(self, files) -> None:
        pages = list(files.documentation_pages(inclusion=InclusionLevel.is_included))
        if len(pages) < split.MIN_PAGES:  # a fork would cost more than it saves
            return
        self.order = {f.src_uri: i for i, f in enumerate(pages)}
        self.results = _CONTEXT.Queue()
        self.reached = _CONTEXT.RawValue("q", -1)
        sys.stdout.flush()
        sys.stderr.flush()
        gc.freeze()  # the collector would touch every object and so copy the whole heap into the child
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                self._convert_backwards(pages, files)
                code = 0
            finally:
                os._exit(code)
        gc.unfreeze()
        self.helper = pid
        writer = getattr(self.results, "_writer", None)
        if writer is not None:  # only the helper writes: if it dies mid-record, reading ends, not hangs
            writer.close()

    def _stop_helper(self) -> None:
        if self.helper is None:
            return
        pid, self.helper = self.helper, None
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        self.results = None
        self.ready.clear()

    # --- the helper --------------------------------------------------------------------------

    def _convert_backwards(self, files_in_order: list, files) -> None:
        capture = Capture()
        logger = logging.getLogger("mkdocs")
        logger.handlers, logger.propagate = [capture], False  # the build re-logs them, or converts again
        for position in range(len(files_in_order) - 1, -1, -1):
            if self.reached.value >= position - 1:
                break  # the build is here: it converts the rest itself
            done = self._convert(files_in_order[position], files, capture)
            if done is not None:
                self.results.put(done)
        self.results.close()
        self.results.join_thread()  # everything put is in the pipe before the helper leaves

    def _convert(self, file, files, capture: Capture) -> Converted | None:
        config = self.config
        page = file.page if file.page is not None else Page(None, file, config)
        del capture.records[:]
        config._current_page = page
        try:
            page.read_source(config)
            if page.markdown is None:
                return None
            self.render(page, config, files)
        except Exception:  # noqa: BLE001 - the build converts this page itself and reports any error
            return None
        finally:
            config._current_page = None
        links = getattr(page, "links_to_anchors", None)
        return Converted(
            src_uri=file.src_uri, digest=digest(page.markdown), content=page.content, toc=page.toc,
            title=page._title_from_render, anchors=set(page.present_anchor_ids),
            links=None if links is None else {f.src_uri: dict(a) for f, a in links.items()},
            log=list(capture.records))

