"""The build side of `club serve`: rebuild on every content change, tell the browser to reload.

`portal/serve.py` composes it with the portal (site_builder never imports the portal).

Edits that keep a page's place in listings (body text of one page) take the fast path: both
MkDocs builds run `dirty`, re-rendering only the changed pages, and the search index is merged
back to complete (see plugin.merge_index). Anything else (titles, dates, access, new or removed
files, theme, mkdocs.yml) triggers a full build. The browser reloads itself when a build lands.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .build import MODES, Progress, all_fingerprints, build_modes, check, publish
from .config import ClubConfig, load_config
from .content import Site
from .errors import ContentErrors
from .leaks import public_runs
from .plugin import BODY_EDITS, PRELOADED
from .translations import is_translation

LIVERELOAD_JS = """(function () {
  var build = %s;
  function banner(text) {
    var el = document.getElementById("club-build-error");
    if (!text) { if (el) el.remove(); return; }
    if (!el) { el = document.createElement("pre"); el.id = "club-build-error"; document.body.prepend(el); }
    el.style.cssText = "position:fixed;z-index:1000;left:0;right:0;top:0;margin:0;padding:1em;max-height:50vh;" +
      "overflow:auto;background:#b71c1c;color:#fff;font:13px/1.4 monospace;white-space:pre-wrap";
    el.textContent = text;
  }
  function poll() {
    fetch("/_club/wait?since=" + build, { cache: "no-store" }).then(function (r) { return r.json(); })
      .then(function (s) { if (s.build !== build) { location.reload(); } else { banner(s.error); poll(); } })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""


def signature(page) -> tuple:
    """What other pages show of a page: if this is unchanged, only the page itself needs rendering."""
    listed = (page.title, page.date, page.summary, tuple(page.tags), page.access, tuple(page.segments),
              tuple(page.regions), page.slug, page.url, repr(sorted(page.extra.items())), repr(page.theme))
    return listed + ((page.preview,) if page.is_post or page.is_gated else ())


class _DirtyNotice(logging.Filter):
    """MkDocs warns on every dirty build that navigation may be inaccurate; ours only takes that
    path when nothing the navigation or listings show has changed, so the warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


logging.getLogger("mkdocs.commands.build").addFilter(_DirtyNotice())


class DevBuilder:
    """Owns the rebuild loop and the state the browser polls."""

    def __init__(self, config: ClubConfig, progress: Progress = print):
        self.config = config
        self.progress = progress
        self.build_id = 0
        self.error = ""
        self.site: Site | None = None
        self.prints: dict | None = None
        self.scan_memo: dict = {}  # the leak scan's answers, valid while self.prints only shrinks
        self._changed = asyncio.Event()
        self._lock = threading.Lock()
        self.loop: asyncio.AbstractEventLoop | None = None

    # --- building ---------------------------------------------------------------------------
    def rebuild(self, changed: set[Path] | None = None) -> bool:
        with self._lock:
            started = time.time()
            try:
                config = load_config(self.config.config_file, self.config.site_dir)
                site = check(config)
                # An English edit rebuilds everything: dirty rebuilds are the Russian builds' (the
                # English ones keep the last full build until then).
                dirty = self._can_be_dirty(site, changed) and not any(map(is_translation, self._rels(changed)))
                PRELOADED[str(config.config_file)] = site
                modes = self._modes_for(site, changed) if dirty else MODES
                BODY_EDITS[str(config.config_file)] = self._rels(changed) if dirty else set()
                try:
                    build_modes(config, strict=False, jobs=1, progress=lambda _: None, dirty=dirty,
                                keep_plugins=True, modes=modes)
                finally:
                    BODY_EDITS.pop(str(config.config_file), None)
                prints = self._fingerprints(site, changed, dirty)
                later: list = []
                publish(site, lambda _: None, changed_since=started - 1 if dirty else None, prints=prints,
                        memo=self.scan_memo, later=later)
            except ContentErrors as exc:
                return self._failed(str(exc))
            except Exception as exc:  # noqa: BLE001 - any build failure is shown, the server keeps running
                return self._failed(f"{type(exc).__name__}: {exc}")
            self.config, self.site, self.error = config, site, ""
            self.progress(f"rebuilt ({'changed pages' if dirty else 'full'}) in {time.time() - started:.2f} s")
            self._announce()
            self._compress(later)
            return True

    def _compress(self, later: list) -> None:
        """Compress the big files (the search indexes) once the browser has the rebuild: the portal
        sends them uncompressed until their copies are fresh. Still under the lock: the next
        rebuild starts after."""
        for call in later:
            try:
                call()
            except OSError as exc:  # the site is published and right; only some copies are missing
                self.progress(f"could not compress: {exc}")

    def _can_be_dirty(self, site: Site, changed: set[Path] | None) -> bool:
        if self.site is None or not changed or self.error:
            return False
        docs = self.config.docs_dir
        if any(not p.is_relative_to(docs) or p.suffix != ".md" for p in changed):
            return False  # theme, config or media: everything may change
        before = {p.rel: signature(p) for p in self.site.pages}
        after = {p.rel: signature(p) for p in site.pages}
        return before == after

    def _fingerprints(self, site: Site, changed: set[Path] | None, dirty: bool) -> dict:
        """Full builds compute them; a body edit only removes the runs that its page now shows."""
        if not dirty or self.prints is None:
            self.prints, self.scan_memo = all_fingerprints(site), {}
            return self.prints
        by_rel = site.by_rel()
        for path in changed or ():
            page = by_rel.get(path.relative_to(self.config.docs_dir).as_posix())
            if page is not None and not page.is_gated:
                for run in public_runs(page):
                    self.prints.pop(run, None)
            elif page is not None:
                self.prints, self.scan_memo = all_fingerprints(site), {}  # new closed text: start again
                break
        return self.prints

    def _rels(self, changed: set[Path] | None) -> set[str]:
        return {p.relative_to(self.config.docs_dir).as_posix() for p in changed or ()}

    def _modes_for(self, site: Site, changed: set[Path]) -> tuple[str, ...]:
        """A body edit of a public page only changes the public build (members' search takes public
        entries from it); a gated page's closed part only changes the private one."""
        rels = self._rels(changed)
        gated = {p.rel for p in site.gated}
        if rels <= gated:
            return ("private",)
        if not rels & gated:
            return ("public",)
        return ("public", "private")

    def _failed(self, message: str) -> bool:
        self.error = message
        self.progress("build failed — fix it and save again:\n" + message)
        self._announce()
        return False

    def _announce(self) -> None:
        self.build_id += 1
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # --- watching ---------------------------------------------------------------------------
    def watch(self, stop: threading.Event) -> None:
        from watchfiles import watch

        paths = [self.config.docs_dir, self.config.root / "themes", self.config.config_file]
        for changes in watch(*[p for p in paths if p.exists()], stop_event=stop, debounce=150, step=50):
            self.rebuild({Path(path) for _, path in changes})

    # --- DevHooks for the portal app --------------------------------------------------------
    def routes(self) -> list[Route]:
        return [Route("/_club/livereload.js", self._script), Route("/_club/wait", self._wait)]

    def decorate_html(self, body: bytes) -> bytes:
        tag = b'<script src="/_club/livereload.js" defer></script></body>'
        return body.replace(b"</body>", tag, 1)

    async def _script(self, request: Request) -> Response:
        return Response(LIVERELOAD_JS % self.build_id, media_type="text/javascript",
                        headers={"Cache-Control": "no-store"})

    async def _wait(self, request: Request) -> JSONResponse:
        self.loop = asyncio.get_running_loop()
        since = request.query_params.get("since", "")
        if since == str(self.build_id):
            with contextlib.suppress(TimeoutError):  # answer anyway; the browser asks again
                await asyncio.wait_for(self._changed.wait(), timeout=20)
        return JSONResponse({"build": self.build_id, "error": self.error}, headers={"Cache-Control": "no-store"})


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True
