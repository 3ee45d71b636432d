"""Serving the built site's files: safe path mapping, ETags, and a small in-memory cache.

Only files under the configured roots are ever readable: the request path is decoded once by
the server, normalised, and must stay inside the root after symlinks are resolved.
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/calendar", ".ics")

TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml", "image/svg+xml")


@dataclass(frozen=True)
class StaticFile:
    path: Path
    body: bytes
    media_type: str
    etag: str
    mtime: float


class SiteFiles:
    """Maps URL paths to files under one root; caches small files by (path, mtime, size)."""

    def __init__(self, root: Path, max_cached: int = 2_000_000):
        self.root = root.resolve()
        self.max_cached = max_cached
        self._cache: dict[Path, StaticFile] = {}

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

    def is_directory(self, url_path: str) -> bool:
        parts = [p for p in url_path.split("/") if p not in ("", ".", "..")]
        return (self.root.joinpath(*parts)).is_dir()

    def load(self, path: Path) -> StaticFile:
        stat = path.stat()
        cached = self._cache.get(path)
        if cached and cached.mtime == stat.st_mtime and len(cached.body) == stat.st_size:
            return cached
        body = path.read_bytes()
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media_type.startswith(TEXT_TYPES):
            media_type += "; charset=utf-8"
        item = StaticFile(path, body, media_type, f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"', stat.st_mtime)
        if stat.st_size <= self.max_cached:
            self._cache[path] = item
        return item

    def clear(self) -> None:
        self._cache.clear()


def exists(root: Path) -> bool:
    return root.is_dir() and os.access(root, os.R_OK)
