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
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .content import Site

WINDOW = 8
_WORD = re.compile(r"\w+")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Inline elements (a, strong, em, code, span, …) join text; everything else separates it.
_INLINE = "a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var"
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE})\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")
_ATTRIBUTE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
# Markdown block starts: blank line, heading, list item, quote, admonition, table cell.
_MD_BLOCK = re.compile(r"\n\s*\n|\n(?=[ \t]*(?:[-*+]|\d+[.)]|#{1,6}|>|!!!|\?\?\?|\|)[ \t])|\|")
_MD_LINK_TARGET = re.compile(r"\]\([^)]*\)|^ {0,3}\[[^\]]+\]:.*$", re.MULTILINE)
_ICS_ESCAPE = re.compile(r"\\([,;nN\\])")
BINARY = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".eot", ".pdf", ".gz", ".zip"}

Shingle = tuple[str, ...]


@dataclass(frozen=True)
class Leak:
    file: str  # relative to the scanned folder
    page: str  # the gated source file whose text was found
    words: str  # the matching words, for the error message


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def shingles(tokens: list[str]) -> Iterator[Shingle]:
    return zip(*(tokens[i:] for i in range(WINDOW)), strict=False)  # shorter tails end the windows


def html_segments(text: str) -> Iterator[str]:
    """Text of each block element and each attribute value, entities decoded."""
    text = _INLINE_TAG.sub("", _COMMENT.sub(" ", text))
    for tag in _ANY_TAG.findall(text):
        for double, single in _ATTRIBUTE.findall(tag):
            yield html.unescape(double or single)
    for block in _ANY_TAG.split(text):
        yield html.unescape(block)


def markdown_segments(markdown: str) -> Iterator[str]:
    """Blocks of an editor's Markdown (paragraphs, items, cells), as a reader sees their words."""
    text = _MD_LINK_TARGET.sub("]", _COMMENT.sub("\n\n", markdown))
    for block in _MD_BLOCK.split(text):
        yield from html_segments(block)


def _runs(segments: Iterable[str]) -> Iterator[Shingle]:
    for segment in segments:
        tokens = words(segment)
        if len(tokens) >= WINDOW:
            yield from shingles(tokens)


def public_runs(page) -> Iterator[Shingle]:
    """Runs of words everyone may read on this page: title, summary, preview (all of a public page)."""
    return _runs([page.title, page.summary, *markdown_segments(page.preview)])


def fingerprints(site: Site) -> dict[Shingle, str]:
    """Gated-only runs of words -> the file they come from."""
    public: set[Shingle] = set()
    for page in site.pages:
        public.update(public_runs(page))
    found: dict[Shingle, str] = {}
    for page in site.gated:
        for run in _runs(markdown_segments(page.gated_body)):
            if run not in public:
                found.setdefault(run, page.display)
    return found


def file_segments(path: Path) -> Iterator[str]:
    raw = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix.lower()
    if suffix == ".json":
        with contextlib.suppress(ValueError):  # not JSON after all: scan it as text
            for value in _strings(json.loads(raw)):
                yield from html_segments(value)
            return
    if suffix == ".ics":
        unfolded = raw.replace("\r\n ", "").replace("\n ", "")
        yield from (_ICS_ESCAPE.sub(r"\1", line) for line in unfolded.splitlines())
        return
    for segment in html_segments(raw):
        # Feeds carry escaped HTML inside elements: decode once more and split again.
        yield from html_segments(segment) if "<" in segment else (segment,)


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def scan(folder: Path, prints: dict[Shingle, str], only: Iterable[Path] | None = None) -> list[Leak]:
    """Every public file (or just `only`) that contains a fingerprint."""
    if not prints:
        return []
    leaks = []
    paths = only if only is not None else (p for p in folder.rglob("*") if p.is_file())
    for path in paths:
        if path.suffix.lower() in BINARY:
            continue
        hit = first_hit(file_segments(path), prints)
        if hit is not None:
            leaks.append(Leak(path.relative_to(folder).as_posix(), prints[hit], " ".join(hit)))
    return leaks


def first_hit(segments: Iterable[str], prints: dict[Shingle, str]) -> Shingle | None:
    keys = prints.keys()
    for segment in segments:
        tokens = words(segment)
        # isdisjoint walks the windows in C; only a segment with a hit is walked again in Python.
        if len(tokens) >= WINDOW and not keys.isdisjoint(shingles(tokens)):
            return next(run for run in shingles(tokens) if run in prints)
    return None
