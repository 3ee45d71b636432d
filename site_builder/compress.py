"""Precompressed copies of the published text files: `<file>.br` and `<file>.gz` beside each one.

The portal sends them to readers whose browsers accept them (portal/site/precompressed.py), so a page
is compressed once per build instead of once per request.

* Which files: the text types the portal serves (SUFFIXES), from MIN_SIZE bytes on: below that
  the saving is smaller than the headers that announce it. A copy that comes out no smaller than
  its file is not kept. MkDocs writes its own sitemap.xml.gz, which is left alone.
* A copy carries its file's mtime, to the nanosecond. A copy whose mtime differs from its file's
  is stale: the portal never sends it, and the next build makes it again. So an unchanged file is
  not compressed again (`club serve`'s incremental rebuilds), a rewritten one always is.
* A full build writes every file anew; a file with exactly the bytes of the one it replaces takes
  that one's copies instead of being compressed again (`previous`).
* Only files that passed the leak scan are ever compressed: build.publish calls this after the
  scan, for the files it is about to publish, and a reused copy comes from identical bytes.

Levels (measured on the demo and on a generated 1,000-page site; README.md has the costs): gzip 9,
since a copy is made once per version of a file and then sent on every request (level 6 takes
40 % of the time for 1 % more bytes; zopfli 65 times the time for 6 % fewer); brotli 8, since
quality 9 costs ten times as much on HTML for nothing and 10-11 cost 10-70 times as much for
10 % fewer bytes, too slow for thousands of pages and multi-MB search indexes.
"""

from __future__ import annotations

import gzip
import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import brotli

from .leaks import versions

SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map", ".webmanifest", ".ics"})
LEFT_ALONE = frozenset({"sitemap.xml"})  # MkDocs writes sitemap.xml.gz itself
MIN_SIZE = 1024
GZIP_LEVEL = 9
BROTLI_QUALITY = 8
COPIES = (".br", ".gz")  # in the order the portal prefers them
JOBS = os.cpu_count() or 1
# `club serve` compresses files this big after the browser has reloaded (build.publish's `later`):
# in practice the two search indexes, which change with every edit and, at 1,000 pages, took
# longer to compress (0.6 s each) than the rest of the rebuild. Until then the portal sends the files.
LATER_SIZE = 256 * 1024


@dataclass
class Outcome:
    """What one call did: copies made, taken over from the previous publish, or already fresh."""

    made: int = 0
    reused: int = 0
    fresh: int = 0
    seconds: float = 0.0
    present: list[str] = field(default_factory=list)  # rels of the copies that exist now
    absent: list[str] = field(default_factory=list)  # rels of copies that must not exist (any more)
    later: list[str] = field(default_factory=list)  # rels of files left for later (`later_over`)

    def add(self, other: Outcome) -> None:
        self.made += other.made
        self.reused += other.reused
        self.fresh += other.fresh
        self.seconds += other.seconds
        # New lists, not +=: a caller may hold on to one of ours (build.publish keeps `later`).
        self.present = self.present + other.present
        self.absent = self.absent + other.absent
        self.later = self.later + other.later

    def summary(self) -> str:
        return f"{self.made} compressed, {self.reused} reused, {self.fresh} unchanged in {self.seconds:.2f} s"


def copy_rels(rel: str) -> list[str]:
    return [rel + suffix for suffix in COPIES]


def compressible(rel: str) -> bool:
    """A file of a type that gets copies (whatever its size)."""
    name = rel.rsplit("/", 1)[-1]
    return os.path.splitext(name)[1].lower() in SUFFIXES and name not in LEFT_ALONE


def compress_files(root: Path, rels: Iterable[str], previous: Path | None = None, jobs: int = JOBS,
                   later_over: int | None = None) -> Outcome:
    """Make the copies of these files under `root` fresh (other files in `rels` are ignored).

    `previous`: the folder published before, whose copies a file with identical bytes takes over.
    `later_over`: files of this size or more that need compressing are only listed (`later`).
    zlib and brotli release the GIL, so `jobs` threads use that many cores (and a thread, unlike
    a forked process, is safe inside `club serve`)."""
    started = time.perf_counter()
    todo = list(dict.fromkeys(rel for rel in rels if compressible(rel)))  # once each: threads must not share a file
    outcome = Outcome()
    todo.sort(key=lambda rel: -_size(root / rel))  # big files first: the threads end together
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for one in pool.map(lambda rel: _compress_one(root, rel, previous, later_over), todo):
            outcome.add(one)
    outcome.seconds = time.perf_counter() - started
    return outcome


def text_files(root: Path) -> list[str]:
    """Every file under root that gets copies, as '/'-separated paths below it."""
    return [rel for (rel, _, _), _ in versions(root) if compressible(rel)]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _compress_one(root: Path, rel: str, previous: Path | None, later_over: int | None = None) -> Outcome:
    source = root / rel
    try:
        stat = source.stat()
    except OSError:
        return Outcome(absent=copy_rels(rel))  # gone: so must its copies be
    copies = [root / copy for copy in copy_rels(rel)]
    if stat.st_size < MIN_SIZE:
        _remove(copies)
        return Outcome(absent=copy_rels(rel))
    if _fresh(copies, stat.st_mtime_ns):
        return _result(root, rel, copies, Outcome(fresh=1))
    if later_over is not None and stat.st_size >= later_over:
        return Outcome(later=[rel])
    data = source.read_bytes()
    if len(data) != stat.st_size or source.stat().st_mtime_ns != stat.st_mtime_ns:
        return Outcome(absent=copy_rels(rel))  # written while we read it: whoever wrote it calls again
    encoded = _reused(previous, rel, data) if previous is not None else None
    outcome = Outcome(reused=1) if encoded is not None else Outcome(made=1)
    if encoded is None:
        encoded = encode(data)
    for path, body in zip(copies, encoded, strict=True):
        if body is not None and len(body) < len(data):
            _write(path, body, stat.st_mtime_ns)
        else:
            _remove([path])
    return _result(root, rel, copies, outcome)


def encode(data: bytes) -> list[bytes]:
    """The copies' bodies, in the order of COPIES."""
    return [brotli.compress(data, quality=BROTLI_QUALITY), gzip.compress(data, GZIP_LEVEL, mtime=0)]


def _fresh(copies: list[Path], mtime_ns: int) -> bool:
    """At least one copy, and every copy there is, made from this version of the file. (A copy may
    be missing because it was no smaller than the file; then the other one is there.)"""
    found = []
    for path in copies:
        try:
            found.append(path.stat().st_mtime_ns)
        except OSError:
            continue
    return bool(found) and all(mtime == mtime_ns for mtime in found)


def _reused(previous: Path, rel: str, data: bytes) -> list[bytes | None] | None:
    """The previous publish's copies of this file, if that file had exactly these bytes."""
    old = previous / rel
    try:
        stat = old.stat()
        if stat.st_size != len(data):
            return None
        copies = [previous / copy for copy in copy_rels(rel)]
        if not _fresh(copies, stat.st_mtime_ns) or old.read_bytes() != data:
            return None
        return [path.read_bytes() if path.exists() else None for path in copies]
    except OSError:
        return None


def _write(path: Path, body: bytes, mtime_ns: int) -> None:
    """Whole or not at all, with the file's mtime (the mark of a fresh copy)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(body)
    os.utime(tmp, ns=(mtime_ns, mtime_ns))
    os.replace(tmp, path)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _result(root: Path, rel: str, copies: list[Path], outcome: Outcome) -> Outcome:
    for copy_rel, path in zip(copy_rels(rel), copies, strict=True):
        (outcome.present if path.exists() else outcome.absent).append(copy_rel)
    return outcome
