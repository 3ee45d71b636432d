"""Serving the built site's files: safe path mapping, ETags, and a small in-memory cache.

Only files under the configured roots are ever readable: the request path is decoded once by
the server, normalised, and must stay inside the root after symlinks are resolved.

Speed (bench/serve.py): resolving a path costs an lstat per component, so `find` remembers which
file a URL mapped to and, on later requests, only checks with one stat that it is still the same
file (device, inode, mtime, size). Any difference - a rebuild swapped site/public, a file was
replaced by a symlink - sends the URL through the full `locate` again, so the cache never
serves a file that `locate` would refuse now, nor a stale copy of a changed one.
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

from portal.web.compression import TEXT_TYPES
from portal.core.security import site_csp

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/calendar", ".ics")

MAX_URLS = 10_000  # remembered URL -> file mappings; past this the map starts again (URL variants are unbounded)
Signature = tuple[int, int, int, int]
RawHeaders = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True)
class StaticFile:
    path: Path
    body: bytes
    media_type: str
    etag: str
    mtime: float
    csp: str = ""  # for HTML: the policy allowing exactly this page's inline scripts
    signature: Signature = (0, 0, 0, 0)  # (st_dev, st_ino, st_mtime_ns, st_size) when it was read
    headers: RawHeaders = ()  # content-type, content-length, etag, CSP: encoded once, sent with every 200
    encoding: str = ""  # the Content-Encoding of `body`: "" for the file itself, else a copy (precompressed.py)
    negotiated: bool = False  # the file has compressed copies: the answer varies on Accept-Encoding

    @property
    def html(self) -> bool:
        return self.media_type.startswith("text/html")


def signature_of(stat: os.stat_result) -> Signature:
    return stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size


def file_headers(body: bytes, media_type: str, etag: str, csp: str) -> RawHeaders:
    headers = [(b"content-type", media_type.encode("latin-1")), (b"content-length", str(len(body)).encode()),
               (b"etag", etag.encode("latin-1"))]
    if csp:
        headers.append((b"content-security-policy", csp.encode("latin-1")))
    return tuple(headers)


class SiteFiles:
    """Maps URL paths to files under one root; caches small files by (device, inode, mtime, size)."""

    def __init__(self, root: Path, max_cached: int = 2_000_000):
        self.root = root.resolve()
        self.max_cached = max_cached
        self._cache: dict[Path, StaticFile] = {}
        self._by_url: dict[str, StaticFile] = {}

    def find(self, url_path: str, need_body: bool = True) -> StaticFile | None:
        """`load(locate(url_path))`, with one stat instead of a full resolve for a URL seen before."""
        known = self._by_url.get(url_path)
        if known is not None:
            try:
                if signature_of(os.stat(known.path)) == known.signature:
                    return known
            except OSError:
                pass
            del self._by_url[url_path]
        found = self.locate(url_path)
        if found is None:
            return None  # misses are not remembered: they would let anyone fill the map
        item = self.load(found, need_body)
        if self._cache.get(found) is item:  # small enough to keep; big files are read per request
            if len(self._by_url) >= MAX_URLS:
                self._by_url.clear()
            self._by_url[url_path] = item
        return item

    def locate(self, url_path: str) -> Path | None:
        """The file for a URL path, or None. Never returns a path outside the root."""
        if "\x00" in url_path or "\\" in url_path:
            return None
        parts = [p for p in url_path.split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts):
            return None
        candidate = self.root.joinpath(*parts)
        if url_path.endswith("/"):
            candidate = candidate / "index.html"
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_file() or not resolved.is_relative_to(self.root):
            return None
        return resolved

    def relative(self, path: Path) -> str:
        """A located file's path below the root, with '/' separators (for X-Accel-Redirect)."""
        return path.relative_to(self.root).as_posix()

    def is_directory(self, url_path: str) -> bool:
        parts = [p for p in url_path.split("/") if p not in ("", ".", "..")]
        return (self.root.joinpath(*parts)).is_dir()

    def load(self, path: Path, need_body: bool = True) -> StaticFile:
        """The file with its headers. `need_body=False` (nginx will send it): a big non-HTML file,
        e.g. a large members' search index, is not read at all; its body is left empty."""
        stat = path.stat()
        cached = self._cache.get(path)
        if cached and cached.signature == signature_of(stat):
            return cached
        media_type, packed = mimetypes.guess_type(path.name)
        if packed:  # a compressed file asked for by its own name (sitemap.xml.gz, a .br copy): not the type inside
            media_type = "application/gzip" if packed == "gzip" else "application/octet-stream"
        media_type = media_type or "application/octet-stream"
        if media_type.startswith(TEXT_TYPES):
            media_type += "; charset=utf-8"
        html, etag = media_type.startswith("text/html"), f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        if not need_body and stat.st_size > self.max_cached and not html:  # HTML needs its body for the CSP
            return StaticFile(path, b"", media_type, etag, stat.st_mtime, "", signature_of(stat))
        body = path.read_bytes()
        csp = site_csp(body) if html else ""
        # The signature is the stat from before the read: if the file changes during the read, the
        # next request sees a different stat and reads it again.
        item = StaticFile(path, body, media_type, etag, stat.st_mtime, csp, signature_of(stat),
                          file_headers(body, media_type, etag, csp))
        if stat.st_size <= self.max_cached:
            self._cache[path] = item
        return item

    def clear(self) -> None:
        self._cache.clear()
        self._by_url.clear()


def exists(root: Path) -> bool:
    return root.is_dir() and os.access(root, os.R_OK)
