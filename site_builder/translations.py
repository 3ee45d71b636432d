"""English versions of pages: `page.en.md` beside `page.md`, and the English view of the whole site.

An editor translates a page by writing `x.en.md` next to `x.md` (the suffix layout of
mkdocs-static-i18n). The translation carries the words only: title, summary, tags, the body (and the
home page's `benefits`); dates, events, products and the URL stay the Russian page's. Its `access`
must be the Russian page's (fail closed: a level that differs is an error, and the stricter one
wins until it is fixed). A page nobody translated keeps its Russian body under /en/, after a note
that says so, inside the English shell and listings.
"""

from __future__ import annotations

import dataclasses
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from .config import ACCESS_LEVELS, LANGUAGES, VOCABULARIES, ClubConfig
from .errors import ContentError, relpath
from .i18n import translator
from .model import COMMON_KEYS, THEME_KEYS, Page, Validator

SUFFIX = ".en"
OTHER_LANGUAGES = tuple(language for language in LANGUAGES if language != "ru")
# What a translation may say: the words of a page, never its dates, audience or kind-specific data.
KEYS = {"title", "summary", "tags", "access", "benefits"} | THEME_KEYS
UNTRANSLATED_NOTE = ('!!! info "This page is not translated yet"\n'
                     "    The text below is the Russian original; the English version will appear here.\n\n")


@dataclass
class Translation:
    """One `x.en.md`, validated: what replaces the Russian page's words in the English site."""

    rel: str  # content path of the Russian page it translates
    display: str  # the translation's own path, for file:line
    title: str
    summary: str
    body: str
    body_line: int
    access: str
    tags: list[str] = field(default_factory=list)
    theme: dict = field(default_factory=dict)
    benefits: list[dict[str, str]] | None = None
    lines: dict[str, int] = field(default_factory=dict)


def is_translation(rel: str) -> bool:
    stem = posixpath.splitext(rel)[0]
    return any(stem.endswith(f".{language}") for language in OTHER_LANGUAGES)


def original_rel(rel: str) -> str:
    stem, ext = posixpath.splitext(rel)
    return stem.rsplit(".", 1)[0] + ext


def load_translation(config: ClubConfig, path: Path, rel: str, fm, by_rel: dict[str, Page]) -> tuple[
        Translation | None, list[ContentError]]:
    """Validate one translation against the page it translates; every problem with its line."""
    display = relpath(path, config.root)
    check = Validator(config, display, fm.lines)
    original = by_rel.get(original_rel(rel))
    if original is None:
        check.error(None, f"translation without its page: {posixpath.basename(original_rel(rel))} is missing next "
                          "to it; write the Russian page first (the English one translates it)", line=1)
        return None, check.errors
    for key in fm.data:
        if key not in KEYS:
            where = "it stays the Russian page's" if key in COMMON_KEYS or key in original.extra else "unknown key"
            check.error(str(key), f"`{key}` cannot be set in a translation ({where}); "
                                  f"a translation may set: {', '.join(sorted(KEYS - THEME_KEYS))}")
    access = check.access(fm.data)
    if access != original.access and "access" not in check.bad_keys:
        check.error("access", f"`access: {access}` differs from {original.display} (`access: {original.access}`); "
                              "a translation has the access level of its page: write the same one",
                    line=fm.lines.get("access", 1))
    access = max(access, original.access, key=ACCESS_LEVELS.index)  # fail closed until it is fixed
    translation = Translation(
        rel=original.rel, display=display, title=check.text(fm.data, "title", required=True) or original.title,
        summary=check.text(fm.data, "summary"), body=fm.body, body_line=fm.body_line, access=access,
        tags=check.strings(fm.data, "tags"), lines=fm.lines,
        theme={k: fm.data[k] for k in THEME_KEYS if k in fm.data},
        benefits=_benefits(check, fm.data) if "benefits" in fm.data else None,
    )
    check_gate(check, translation, original)
    return translation, check.errors


def _benefits(check: Validator, data: dict) -> list[dict[str, str]]:
    from .content import benefits  # content imports this module

    return benefits(check, data)


def check_gate(check: Validator, translation: Translation, original: Page) -> None:
    """A gated translation needs what its page needs: a public summary and the `<!-- more -->` line."""
    if translation.access == "public" or original.kind in ("home", "section", "issue"):
        return
    probe = dataclasses.replace(original, body=translation.body, access=translation.access)
    if not translation.summary and not original.summary:
        check.error("access", f"`access: {translation.access}` pages need a `summary` (the public teaser)")
    if not probe.has_more:
        check.error("access", f"`access: {translation.access}` page has no `<!-- more -->` line: put it after the "
                              "paragraphs that everyone may read; everything below it is for readers with access",
                    line=translation.body_line)


def english_config(config: ClubConfig) -> ClubConfig:
    """The site's configuration read in English: words, vocabularies, dates."""
    names = {kind: config.vocabulary(kind, "en") for kind in VOCABULARIES}
    words = ((config.raw.get("extra") or {}).get("club") or {}).get("english") or {}
    return dataclasses.replace(config, language="en", site_name=str(words.get("site_name") or config.site_name),
                               **names)


def english_page(page: Page, translation: Translation | None) -> Page:
    if translation is None:
        # A section's tab and heading say the section's English name even before its text is translated.
        title = translator("en")(f"section.{page.section}") if page.kind == "section" else page.title
        return dataclasses.replace(page, title=title, body=untranslated_body(page), extra=dict(page.extra))
    extra = dict(page.extra)
    if translation.benefits is not None:
        extra["benefits"] = translation.benefits
    return dataclasses.replace(
        page, title=translation.title, summary=translation.summary or page.summary, body=translation.body,
        body_line=translation.body_line, display=translation.display, access=translation.access,
        tags=translation.tags or page.tags, theme={**page.theme, **translation.theme}, extra=extra,
        lines=translation.lines)


def untranslated_body(page: Page) -> str:
    if page.kind in ("section", "issue") and not page.body.strip():
        return page.body  # a generated listing: its words are English already
    return UNTRANSLATED_NOTE + page.body
