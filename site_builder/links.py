"""Internal links in editors' Markdown: find them, check them, and point them at staged files.

Editors link to source files (`../technical/montazh.md#shag-2`), as in plain MkDocs. The build
moves some files (blog posts into `posts/`, Cyrillic names to slugs), so every relative link is
rewritten to the staged location of its target; a link whose target does not exist is reported
with its line.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from .errors import ContentError, did_you_mean

# [text](target "title") and ![alt](target) — target without spaces, or <with spaces>.
_INLINE = re.compile(r"(!?\[[^\]\n]*\]\()\s*(<[^>\n]+>|[^)\s]+)([^)\n]*\))")
# [ref]: target
_REFDEF = re.compile(r"^( {0,3}\[[^\]\n]+\]:[ \t]*)(<[^>\n]+>|\S+)", re.MULTILINE)
_FENCE = re.compile(r"^( {0,3})(```|~~~).*?^\1\2[^\n]*$", re.MULTILINE | re.DOTALL)
_EXTERNAL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|//|/|#)")


@dataclass(frozen=True)
class Link:
    target: str  # as written, without the #fragment
    fragment: str
    offset: int  # into the body


@lru_cache(maxsize=16384)  # `club serve` asks again on every save, mostly of unchanged pages
def find_links(body: str) -> tuple[Link, ...]:
    """Relative links in a Markdown body, skipping fenced code."""
    fences = [(m.start(), m.end()) for m in _FENCE.finditer(body)]
    links = []
    for match in [*_INLINE.finditer(body), *_REFDEF.finditer(body)]:
        start = match.start(2)
        if any(a <= start < b for a, b in fences):
            continue
        raw = match.group(2).strip("<>")
        if not raw or _EXTERNAL.match(raw):
            continue
        target, _, fragment = raw.partition("#")
        if target:
            links.append(Link(target, fragment, start))
    return tuple(sorted(links, key=lambda link: link.offset))


def resolve(source_rel: str, target: str) -> str:
    """Content-relative path of a link target written in `source_rel`."""
    folder = posixpath.dirname(source_rel)
    return posixpath.normpath(posixpath.join(folder, unquote(target)))


def rewrite(body: str, source_rel: str, source_stage: str, stage_of: Callable[[str], str | None]) -> str:
    """Point every resolvable relative link at its target's staged path."""
    def retarget(raw: str) -> str:
        bare = raw.strip("<>")
        target, hash_, fragment = bare.partition("#")
        if _EXTERNAL.match(bare) or not target:
            return raw
        staged = stage_of(resolve(source_rel, target))
        if staged is None:
            return raw
        new = posixpath.relpath(staged, posixpath.dirname(source_stage) or ".") + hash_ + fragment
        return f"<{new}>" if raw.startswith("<") else new

    body = _INLINE.sub(lambda m: m.group(1) + retarget(m.group(2)) + m.group(3), body)
    return _REFDEF.sub(lambda m: m.group(1) + retarget(m.group(2)), body)


def check_links(display: str, body: str, body_line: int, source_rel: str, known: set[str]) -> list[ContentError]:
    """Errors for relative links whose target file does not exist in content/."""
    errors = []
    for link in find_links(body):
        target = resolve(source_rel, link.target)
        if target in known or target.rstrip("/") + "/index.md" in known:
            continue
        line = body_line + body.count("\n", 0, link.offset)
        hint = did_you_mean(target, known)
        errors.append(ContentError(display, line, f"broken link {link.target!r}: no file content/{target}{hint}; "
                                                  "link to the .md file relative to this page"))
    return errors
