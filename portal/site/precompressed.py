"""The built site's precompressed copies, sent to clients that accept them.

`club build` writes `<file>.br` and `<file>.gz` beside the site's text files, each with its file's
mtime (site_builder/compress.py). `negotiate` answers a request for a file with the copy its
Accept-Encoding prefers: by q-value, br before gzip on a tie, never one refused with q=0. Every
answer for a file that has copies, the file itself included, varies on Accept-Encoding; a copy's
ETag is the file's with the encoding as a suffix, so a 304 always means the same bytes.

* A copy is sent only while its mtime equals its file's: one left over from another version of
  the file (a rebuild under way) is never sent, the file itself is.
* A copy is found like its file: below the root after symlinks are resolved, or not at all.
* Range requests are not supported for site files, as before: a Range header is ignored and the
  whole answer is sent with 200, which HTTP allows.
* HTML under `club serve` gets its live-reload script added, so it is always sent as the file.

Cost on the hot path (bench/serve.py): the copies are looked up once per version of a file (its
signature, which `SiteFiles.find` checks anyway) and kept with it; a file that lacks a copy is
looked at again at most once a second, because the members' search index gets its copies just
after it is written.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request

from portal.site.static import RawHeaders, Signature, SiteFiles, StaticFile
from portal.web.compression import CODINGS, accepted

RECHECK = 1.0  # seconds before a file that lacks a copy is looked at again
MAX_FILES = 10_000  # remembered files per root; past this the map starts again


@dataclass
class _Entry:
    signature: Signature  # of the file the copies belong to
    checked: float
    copies: dict[str, StaticFile]  # encoding -> copy (fresh when looked up)
    marked: tuple[StaticFile, StaticFile] | None = None  # (the file, the same marked `negotiated`)


class Copies:
    """The compressed copies of one root's files, remembered per version of each file."""

    def __init__(self, files: SiteFiles, clock=time.monotonic):
        self.files = files
        self.clock = clock
        self._entries: dict[Path, _Entry] = {}

    def of(self, item: StaticFile) -> _Entry:
        entry, now = self._entries.get(item.path), self.clock()
        if entry is None or entry.signature != item.signature or (
                len(entry.copies) < len(CODINGS) and now - entry.checked >= RECHECK):
            if len(self._entries) >= MAX_FILES:
                self._entries.clear()
            entry = self._entries[item.path] = _Entry(item.signature, now, self._find(item))
        return entry

    def _find(self, item: StaticFile) -> dict[str, StaticFile]:
        found = {}
        for encoding, suffix in CODINGS:
            copy = self._load(item, encoding, item.path.with_name(item.path.name + suffix))
            if copy is not None:
                found[encoding] = copy
        return found

    def _load(self, item: StaticFile, encoding: str, path: Path) -> StaticFile | None:
        """The copy if it is a file below the root made from this version of `item`."""
        try:
            resolved = path.resolve(strict=True)
            stat = os.stat(resolved)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_relative_to(self.files.root) or not resolved.is_file() \
                or stat.st_mtime_ns != item.signature[2]:
            return None
        body = resolved.read_bytes() if stat.st_size <= self.files.max_cached else b""  # big: read when sent
        etag = f'{item.etag[:-1]}-{encoding}"'
        return StaticFile(resolved, body, item.media_type, etag, item.mtime, item.csp,
                          (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size),
                          copy_headers(item, etag, encoding, stat.st_size), encoding=encoding, negotiated=True)


def copy_headers(item: StaticFile, etag: str, encoding: str, length: int) -> RawHeaders:
    headers = [(b"content-type", item.media_type.encode("latin-1")), (b"content-length", str(length).encode()),
               (b"etag", etag.encode("latin-1")), (b"content-encoding", encoding.encode("latin-1"))]
    if item.csp:
        headers.append((b"content-security-policy", item.csp.encode("latin-1")))
    return tuple(headers)


_COPIES: weakref.WeakKeyDictionary[SiteFiles, Copies] = weakref.WeakKeyDictionary()


def copies_of(files: SiteFiles) -> Copies:
    """The copies of this root's files (one `Copies` per `SiteFiles`, living as long as it)."""
    copies = _COPIES.get(files)
    if copies is None:
        copies = _COPIES[files] = Copies(files)
    return copies


def negotiate(request: Request, files: SiteFiles, item: StaticFile, need_body: bool = True) -> StaticFile:
    """The answer to send for `item`, a file of `files` as built: its best accepted copy, or the
    file itself (marked to vary on Accept-Encoding when it has copies).

    `need_body=False` (nginx sends the file, portal/accel.py): the copy's body is not read."""
    if item.html and getattr(request.app.state, "dev", None) is not None:
        return item  # club serve adds its live-reload script to the page
    entry = copies_of(files).of(item)
    if not entry.copies:
        return item
    for encoding in accepted(request.headers.get("accept-encoding", "")):
        copy = entry.copies.get(encoding)
        if copy is None:
            continue
        if copy.body or not need_body:
            return copy
        big = _read(copy)
        if big is not None:
            return big
    if entry.marked is not None and entry.marked[0] is item:
        return entry.marked[1]
    marked = dataclasses.replace(item, negotiated=True)
    if len(item.body) <= files.max_cached:  # kept for the next request; a big body is read per request anyway
        entry.marked = (item, marked)
    return marked


def _read(copy: StaticFile) -> StaticFile | None:
    """A copy too big to keep in memory, read for this answer (None if it changed meanwhile)."""
    try:
        body = copy.path.read_bytes()
    except OSError:
        return None
    return dataclasses.replace(copy, body=body) if len(body) == copy.signature[3] else None


@functools.cache
def varying(cache: RawHeaders) -> RawHeaders:
    """These cache headers with Accept-Encoding added to their Vary (one header: nginx copies only
    the first Vary of an answer it follows with X-Accel-Redirect)."""
    values = [value for name, value in cache if name == b"vary"]
    vary = b", ".join([*values, b"Accept-Encoding"])
    return (*[(name, value) for name, value in cache if name != b"vary"], (b"vary", vary))


def vary_value(current: str | None) -> str:
    """A Vary value with Accept-Encoding added, for answers whose headers are built per request."""
    return f"{current}, Accept-Encoding" if current else "Accept-Encoding"
