"""Prove the public output holds no closed text: fingerprint gated text, scan every public file.

A fingerprint is any run of 8 consecutive words of a gated page's closed part (below
`<!-- more -->`) that does not also occur in public text (other pages, previews, titles,
summaries). Every file under the public output is reduced to words the same way — HTML tags
stripped, entities decoded, JSON strings walked, iCalendar unfolded — and checked for any
fingerprint. One hit fails the build.
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
_TAG = re.compile(r"<[^>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MD_TARGET = re.compile(r"\]\([^)]*\)|^ {0,3}\[[^\]]+\]:.*$", re.MULTILINE)
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


def markdown_words(markdown: str) -> list[str]:
    """Words a Markdown text shows a reader: comments, link targets and tags removed."""
    text = _MD_TARGET.sub("]", _COMMENT.sub(" ", markdown))
    return words(html.unescape(_TAG.sub(" ", text)))


def fingerprints(site: Site) -> dict[Shingle, str]:
    """Gated-only runs of words -> the file they come from."""
    public: set[Shingle] = set()
    for page in site.pages:
        public.update(shingles(markdown_words(f"{page.title}\n{page.summary}\n{page.preview}")))
    found: dict[Shingle, str] = {}
    for page in site.gated:
        for run in shingles(markdown_words(page.gated_body)):
            if run not in public:
                found.setdefault(run, page.display)
    return found


def file_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix.lower()
    if suffix == ".json":
        with contextlib.suppress(ValueError):  # not JSON after all: scan it as text
            raw = " \n ".join(_strings(json.loads(raw)))
    elif suffix == ".ics":
        raw = _ICS_ESCAPE.sub(r"\1", raw.replace("\r\n ", "").replace("\n ", ""))
    return html.unescape(_TAG.sub(" ", html.unescape(raw)))


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
        tokens = words(file_text(path))
        if prints.keys().isdisjoint(shingles(tokens)):
            continue
        hit = next(run for run in shingles(tokens) if run in prints)
        leaks.append(Leak(path.relative_to(folder).as_posix(), prints[hit], " ".join(hit)))
    return leaks
