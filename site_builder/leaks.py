"""Prove the public output holds no closed text: fingerprint gated text, scan every public file.

A fingerprint is a run of 8 consecutive words of a gated page's closed part (below
`<!-- more -->`) that does not also occur in public text (titles, summaries, previews, public
pages). Every file under the public output is cut into segments — block elements, attribute
values, JSON strings, iCalendar properties — and each segment is checked for any fingerprint.
Runs never cross a segment boundary on either side: a listing that puts one page's title next
to another's summary creates word sequences nobody wrote, and those must not fail the build.
One hit does.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .content import Site

WINDOW = 8
BOUNDARY = "\x00"  # a token between segments: no fingerprint contains it, so no run crosses it
_TOKEN = re.compile(r"\w+|\x00")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Inline elements (a, strong, em, code, span, …) join text; everything else separates it.
_INLINE = "a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var"
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE})\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")
_ATTRIBUTE = re.compile(r"""=\s*(?:"([^"<>]*)"|'([^'<>]*)')""")
# Markdown block starts: blank line, heading, list item, quote, admonition, table cell.
_MD_BLOCK = re.compile(r"\n\s*\n|\n(?=[ \t]*(?:[-*+]|\d+[.)]|#{1,6}|>|!!!|\?\?\?|\|)[ \t])|\|")
_MD_LINK_TARGET = re.compile(r"\]\([^)]*\)|^ {0,3}\[[^\]]+\]:.*$", re.MULTILINE)
_ICS_ESCAPE = re.compile(r"\\([,;nN\\])")
_SEP = f" {BOUNDARY} "
BINARY = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".eot", ".pdf", ".gz", ".br",
          ".zip"}

Shingle = tuple[str, ...]


@dataclass(frozen=True)
class Leak:
    file: str  # relative to the scanned folder
    page: str  # the gated source file whose text was found
    words: str  # the matching words, for the error message


def words(text: str) -> list[str]:
    """Lower-case words, with BOUNDARY tokens where the text was cut into segments."""
    return _TOKEN.findall(text.lower())


def shingles(tokens: list[str]) -> Iterator[Shingle]:
    return zip(*(tokens[i:] for i in range(WINDOW)), strict=False)  # shorter tails end the windows


def runs(tokens: list[str]) -> Iterator[Shingle]:
    """Runs of WINDOW words that stay inside one segment."""
    return (run for run in shingles(tokens) if BOUNDARY not in run)


def html_text(text: str) -> str:
    """Text of an HTML (or escaped-HTML) string: block elements and attribute values become
    separate segments, inline elements join their words."""
    text = _INLINE_TAG.sub("", _COMMENT.sub(_SEP, text))
    attributes = _SEP.join(map("".join, _ATTRIBUTE.findall(text)))  # one of the two groups is empty
    text = html.unescape(_ANY_TAG.sub(_SEP, text))
    if "<" in text:  # feeds carry escaped HTML: decoded once, it has tags again
        text = _ANY_TAG.sub(_SEP, _INLINE_TAG.sub("", text))
    return f"{text}{_SEP}{html.unescape(attributes)}"


def markdown_text(markdown: str) -> str:
    """What an editor's Markdown shows a reader, cut into blocks (paragraphs, items, cells)."""
    text = _MD_LINK_TARGET.sub("]", _COMMENT.sub("\n\n", markdown))
    return html_text(_MD_BLOCK.sub(_SEP, text))


def public_runs(page) -> Iterator[Shingle]:
    """Runs of words everyone may read on this page: title, summary, preview (all of a public page)."""
    return runs(words(_SEP.join([page.title, page.summary, markdown_text(page.preview)])))


def fingerprints(site: Site) -> dict[Shingle, str]:
    """Gated-only runs of words -> the file they come from."""
    public: set[Shingle] = set()
    for page in site.pages:
        public.update(public_runs(page))
    found: dict[Shingle, str] = {}
    for page in site.gated:
        for run in runs(words(markdown_text(page.gated_body))):
            if run not in public:
                found.setdefault(run, page.display)
    return found


def file_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix.lower()
    if suffix == ".json":
        with contextlib.suppress(ValueError):  # not JSON after all: scan it as text
            return html_text(_SEP.join(_strings(json.loads(raw))))
    if suffix == ".ics":
        unfolded = raw.replace("\r\n ", "").replace("\n ", "")
        return _SEP.join(_ICS_ESCAPE.sub(r"\1", line) for line in unfolded.splitlines())
    return html_text(raw)


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# A run of WINDOW words needs WINDOW word characters and a separator between each two.
_LONG_SEGMENT = re.compile(rf"[^{BOUNDARY}]{{{2 * WINDOW - 1},}}")


def first_run(text: str, prints: dict[Shingle, str], memo: dict[str, Shingle | None]) -> Shingle | None:
    """The first fingerprint in `text` (cut into segments by BOUNDARY), or None.

    Runs never cross a segment, so each distinct segment is checked once and its answer kept in
    `memo`: most of a site's text (navigation, headers, excerpts in listings, the search index)
    repeats the same segments on thousands of pages. A memo stays valid while fingerprints are
    only taken away (`club serve` after a public edit): a remembered hit is checked again."""
    keys = prints.keys()
    for segment in _LONG_SEGMENT.findall(text.lower()):
        hit = memo.get(segment, False)
        if hit is False or (hit is not None and hit not in prints):  # new, or its run is public now
            tokens = _TOKEN.findall(segment)
            hit = None
            if len(tokens) >= WINDOW and not keys.isdisjoint(shingles(tokens)):  # walks every window in C
                hit = next(run for run in shingles(tokens) if run in prints)
            memo[segment] = hit
        if hit is not None:
            return hit
    return None


def scan(folder: Path, prints: dict[Shingle, str], only: Iterable[Path] | None = None,
         memo: dict[str, Shingle | None] | None = None) -> list[Leak]:
    """Every public file (or just `only`) that contains a fingerprint."""
    if not prints:
        return []
    memo = {} if memo is None else memo
    leaks = []
    paths = only if only is not None else (path for _, path in versions(folder))
    for path in paths:
        if path.suffix.lower() in BINARY:
            continue
        hit = first_run(file_text(path), prints, memo)
        if hit is not None:
            leaks.append(Leak(path.relative_to(folder).as_posix(), prints[hit], " ".join(hit)))
    return leaks


class IncrementalScan:
    """Scan a build folder while the build still writes into it, then finish with what changed.

    Every file is scanned with its (path, size, mtime) noted; `finish` scans every file whose
    exact version was not scanned yet (written again, or half-written when first seen), so the
    verdict equals one full scan after the build — only sooner, on a core the build leaves idle.
    """

    WALK_EVERY = 1.0

    def __init__(self, folder: Path, prints: dict[Shingle, str]):
        self.folder = folder
        self.walked_at = float("-inf")
        self.prints = prints
        self.seen: set[tuple[str, int, int]] = set()
        self.leaks: dict[tuple[str, int, int], Leak] = {}
        self.pending: list[tuple[tuple[str, int, int], Path]] = []  # found by the last walk, not scanned yet
        self.memo: dict[str, Shingle | None] = {}  # segment -> its first fingerprint (see first_run)

    def step(self, budget: float = 0.5) -> bool:
        """Scan new files for up to `budget` seconds; False when there was none (the caller waits).

        The folder is walked again only once the files of the last walk are scanned, and at most
        every WALK_EVERY seconds: a walk stats every file (70 ms at 3,500 files), and walking
        whenever the scan had caught up took a whole core from the builds."""
        deadline, scanned = time.monotonic() + budget, False
        if not self.pending:
            if time.monotonic() - self.walked_at < self.WALK_EVERY:
                return False
            self.walked_at = time.monotonic()
            self.pending = [(key, path) for key, path in self._versions() if key not in self.seen]
            self.pending.reverse()  # pop() from the end takes them in walking order
        while self.pending:
            key, path = self.pending.pop()
            if key not in self.seen:
                self._scan(key, path)
                scanned = True
                if time.monotonic() > deadline:
                    break
        return scanned

    def finish(self) -> list[Leak]:
        found = []
        for key, path in self._versions():
            if key not in self.seen:
                self._scan(key, path)
            if key in self.leaks:
                found.append(self.leaks[key])
        return sorted(found, key=lambda leak: leak.file)

    def _versions(self) -> Iterator[tuple[tuple[str, int, int], Path]]:
        return versions(self.folder)

    def _scan(self, key: tuple[str, int, int], path: Path) -> None:
        self.seen.add(key)
        found = scan(self.folder, self.prints, [path], self.memo)
        if found:
            self.leaks[key] = found[0]


def versions(folder: Path | str, prefix: str = "") -> Iterator[tuple[tuple[str, int, int], Path]]:
    """Every file under `folder` as ((relative path, size, mtime_ns), path), walked with os.scandir
    (pathlib's rglob and a stat per file took several times longer)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from versions(entry.path, prefix + entry.name + "/")
            elif entry.is_file():
                stat = entry.stat()
                yield (prefix + entry.name, stat.st_size, stat.st_mtime_ns), Path(entry.path)
        except OSError:
            continue
