"""Load `content/` into a validated Site: every page typed, every URL decided, every problem listed."""

from __future__ import annotations

import copy
import functools
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from .catalogue import product_errors, product_fields
from .config import ACCESS_LEVELS, ClubConfig
from .errors import ContentError, ContentErrors, relpath
from .events import duplicate_slugs, event_fields
from .frontmatter import FrontMatter, FrontMatterError, parse
from .model import DATED_KINDS, Page, Validator, kind_for
from .privileges import catalogue_errors, privilege_fields
from .slugs import is_valid_slug, slugify
from .translations import Translation, english_config, english_page, is_translation, load_translation

MARKDOWN_SUFFIXES = {".md", ".markdown"}
T = TypeVar("T")


@dataclass
class Site:
    config: ClubConfig
    pages: list[Page]
    media: list[str] = field(default_factory=list)  # non-Markdown files, paths inside content/
    errors: list[ContentError] = field(default_factory=list)  # kept when loaded with strict_errors=False
    translations: dict[str, Translation] = field(default_factory=dict)  # Russian page's rel -> its x.en.md

    def by_rel(self) -> dict[str, Page]:
        return {page.rel: page for page in self.pages}

    def of_kind(self, kind: str) -> list[Page]:
        return [page for page in self.pages if page.kind == kind]

    def section_index(self, section: str) -> Page | None:
        return self.by_rel().get(f"{section}/index.md")

    @property
    def gated(self) -> list[Page]:
        return [page for page in self.pages if page.is_gated]


def per_site(compute: Callable[[Site], T]) -> Callable[[Site], T]:
    """Keep what `compute` says about the last site it was asked about: staging, publishing, the
    manifest and the e-mails ask the same questions of one loaded site (which nobody changes)."""
    last: list = [None, None]

    @functools.wraps(compute)
    def cached(site: Site) -> T:
        if last[0] is not site:
            last[:] = [site, compute(site)]
        return copy.copy(last[1])  # callers may change their answer

    return cached


def load_site(config: ClubConfig, strict_errors: bool = True) -> Site:
    """Read and validate all content; raise ContentErrors listing every problem."""
    errors: list[ContentError] = []
    pages: list[Page] = []
    media: list[str] = []
    translated: list[tuple[Path, str]] = []
    docs = config.docs_dir
    if not docs.is_dir():
        raise ContentErrors([ContentError(relpath(docs, config.root), 1,
                                          "content folder not found; create it or set docs_dir in mkdocs.yml")])
    for path in sorted(docs.rglob("*")):
        rel = path.relative_to(docs).as_posix()
        if path.is_dir() or any(part.startswith(".") for part in rel.split("/")):
            continue
        if path.suffix.lower() not in MARKDOWN_SUFFIXES:
            media.append(rel)
            continue
        if is_translation(rel):
            translated.append((path, rel))
            continue
        page, problems = load_page(config, path, rel)
        errors.extend(problems)
        if page is not None:
            pages.append(page)
    site = Site(config, pages, media)
    errors.extend(assign_urls(site))
    errors.extend(load_translations(site, translated))
    errors.extend(duplicate_slugs(pages))
    errors.extend(catalogue_errors(pages))
    errors.extend(product_errors(site))
    site.errors = errors
    if errors and strict_errors:
        raise ContentErrors(errors)
    return site


def load_translations(site: Site, found: list[tuple[Path, str]]) -> list[ContentError]:
    """Read every `x.en.md` against its `x.md` (site.translations); return their problems."""
    by_rel, errors = site.by_rel(), []
    for path, rel in found:
        try:
            fm = read_front_matter(path)
        except UnicodeDecodeError:
            errors.append(ContentError(relpath(path, site.config.root), 1, "file is not UTF-8 text; save it as UTF-8"))
            continue
        except FrontMatterError as exc:
            errors.append(ContentError(relpath(path, site.config.root), exc.line, exc.message))
            continue
        translation, problems = load_translation(site.config, path, rel, fm, by_rel)
        errors.extend(problems)
        if translation is not None:
            site.translations[translation.rel] = translation
            original = by_rel[translation.rel]
            original.access = max(original.access, translation.access, key=ACCESS_LEVELS.index)  # fail closed
    return errors


_ENGLISH: dict[int, tuple[Site, Site]] = {}


def english_site(site: Site) -> Site:
    """The same site in English: the same pages, URLs and media, with translated words where an
    editor wrote `x.en.md` (the Russian text with a note where not) and the English configuration."""
    known = _ENGLISH.get(id(site))
    if known is not None and known[0] is site:
        return known[1]
    pages = [english_page(page, site.translations.get(page.rel)) for page in site.pages]
    english = Site(english_config(site.config), pages, list(site.media), list(site.errors), site.translations)
    _ENGLISH.clear()
    _ENGLISH[id(site)] = (site, english)
    return english


# Parsed files by (path, mtime, size): `club serve` reloads the whole site on every save.
_PARSED: dict[Path, tuple[tuple[int, int], FrontMatter]] = {}


def read_front_matter(path: Path) -> FrontMatter:
    """Parse a content file (cached while it is unchanged); UnicodeDecodeError/FrontMatterError pass."""
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _PARSED.get(path)
    if cached and cached[0] == key:
        return cached[1]
    fm = parse(path.read_text(encoding="utf-8"))
    _PARSED[path] = (key, fm)
    return fm


def load_page(config: ClubConfig, path: Path, rel: str) -> tuple[Page | None, list[ContentError]]:
    display = relpath(path, config.root)
    try:
        fm = read_front_matter(path)
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return None, [ContentError(display, line, "file is not UTF-8 text; save it as UTF-8")]
    except FrontMatterError as exc:
        return None, [ContentError(display, exc.line, exc.message)]
    kind, section = kind_for(rel)
    check = Validator(config, display, fm.lines)
    if kind == "misplaced-article":
        check.error(None, "magazine articles live in an issue folder: move this file to "
                          "content/magazine/<issue>/ next to that issue's index.md", line=1)
        kind = "article"
    page = build_page(check, fm.data, kind, section, rel, display, fm.body, fm.body_line)
    page.lines = fm.lines
    return page, check.errors


def build_page(check: Validator, data: dict, kind: str, section: str | None, rel: str,
               display: str, body: str, body_line: int) -> Page:
    check.known_keys(data, kind)
    page = Page(
        rel=rel, display=display, kind=kind, section=section, body=body, body_line=body_line,
        title=check.text(data, "title", required=True),
        date=check.day(data, "date", required=kind in DATED_KINDS),
        summary=check.text(data, "summary"),
        tags=check.strings(data, "tags"),
        access=check.access(data),
        segments=check.vocabulary(data, "segments", check.config.segments),
        regions=check.vocabulary(data, "regions", check.config.regions),
        slug=check.text(data, "slug"),
        theme={k: data[k] for k in ("hide", "icon", "status", "search", "template", "comments") if k in data},
    )
    if page.slug and kind in ("home", "section"):
        check.error("slug", "home and section pages keep their folder's URL; remove `slug` here")
        page.slug = ""
    if page.slug and not is_valid_slug(page.slug):
        check.error("slug", f"slug {page.slug!r} must be lowercase ASCII words joined by '-', "
                            f'e.g. "{slugify(page.slug) or "novye-svetilniki"}"')
    check_access_rules(check, page, body_line)
    page.extra = kind_fields(check, data, kind)
    if kind == "newsletter" and not page.extra["subject"]:
        page.extra["subject"] = page.title  # the e-mail's subject defaults to the page title
    return page


def check_access_rules(check: Validator, page: Page, body_line: int) -> None:
    if not page.is_gated or "access" in check.bad_keys:
        return  # an unreadable level is already reported (and treated as members-only)
    if page.kind in ("home", "section", "issue"):
        check.error("access", "home, section and issue index pages are always public; "
                              "remove `access` here and gate the individual pages instead")
        page.access = "public"
        return
    if not page.summary:
        check.error("access", f"`access: {page.access}` pages need a `summary`: it is the public teaser "
                              "shown to readers who may not open the page")
    if not page.has_more:
        check.error("access", f"`access: {page.access}` page has no `<!-- more -->` line: put it after the "
                              "paragraphs that everyone may read (the public preview); everything below "
                              "it is for readers with access", line=body_line)


def kind_fields(check: Validator, data: dict, kind: str) -> dict:
    if kind == "newsletter":
        return newsletter_fields(check, data)
    if kind == "issue":
        number = check.count(data, "issue")
        if number is None and "issue" not in data:
            check.error(None, "missing `issue`; add the issue number, e.g. `issue: 3`", line=1)
        return {"issue": number}
    if kind == "home":
        return {"benefits": benefits(check, data)}
    if kind == "event":
        return event_fields(check, data)
    if kind == "club":
        return privilege_fields(check, data)
    if kind == "catalogue":
        return product_fields(check, data)
    return {}


# Mail clients show at most ~90 characters of a subject and ~140 of a preheader; past 150 the text
# is cut everywhere, and a preheader that long is usually a pasted paragraph (which every
# recipient sees, readers of the preview included). An error, not a warning: `club check` has no
# warnings, and a long line is quick to shorten.
MAIL_LINE_MAX = 150


def newsletter_fields(check: Validator, data: dict) -> dict:
    """The e-mail's subject and preheader (one short line each) and the audience beyond segments/regions."""
    fields = {key: mail_line(check, data, key) for key in ("subject", "preheader")}
    fields["roles"] = check.vocabulary(data, "roles", check.config.roles)
    fields["topics"] = check.vocabulary(data, "topics", check.config.topics)
    return fields


def mail_line(check: Validator, data: dict, key: str) -> str:
    value = check.text(data, key)
    if any(ch in value for ch in "\r\n\x0b\x0c\x85\u2028\u2029"):
        check.error(key, f"`{key}` must be one line: it goes into the e-mail's header; "
                         f'write it on one line in quotes, e.g. `{key}: "..."`')
        value = " ".join(value.split())
    if len(value) > MAIL_LINE_MAX:
        shown = {"subject": "40-90", "preheader": "40-140"}[key]
        check.error(key, f"`{key}` is {len(value)} characters long; mail clients show only the first {shown}: "
                         f"shorten it to at most {MAIL_LINE_MAX} characters")
    return value


def benefits(check: Validator, data: dict) -> list[dict[str, str]]:
    items = data.get("benefits") or []
    if not isinstance(items, list) or not all(isinstance(i, dict) and i.get("title") for i in items):
        check.error("benefits", "`benefits` must be a list of items with `title:` and `text:`")
        return []
    return [{"title": str(i["title"]), "text": str(i.get("text", ""))} for i in items]


# --- URLs ------------------------------------------------------------------------------------

def assign_urls(site: Site) -> list[ContentError]:
    """Decide every page's URL and staged path; report duplicates on every file involved."""
    issues = {posixpath.dirname(p.rel): p for p in site.pages if p.kind == "issue"}
    errors: list[ContentError] = []
    # Index pages first: an article's URL includes its issue's slug.
    for page in sorted(site.pages, key=lambda p: not p.rel.endswith("index.md")):
        errors.extend(place(page, issues))
    seen: dict[str, Page] = {}
    for page in site.pages:
        other = seen.setdefault(page.url, page)
        if other is not page:
            for a, b in ((page, other), (other, page)):
                line = a.line_of("slug") if "slug" in a.lines else a.line_of("title")
                errors.append(ContentError(a.display, line, f"duplicate slug: {b.display} has the same URL "
                                           f"/{page.url}; change the title or set a different `slug:`"))
    return errors


def place(page: Page, issues: dict[str, Page]) -> list[ContentError]:
    folder, name = posixpath.split(page.rel)
    if page.kind == "home":
        page.url, page.stage_path = "", "index.md"
        return []
    if name == "index.md":
        parts = [slugify(part) for part in folder.split("/")]
        parts[-1] = page.slug or parts[-1]
        page.slug, page.url = parts[-1], "/".join(parts) + "/"
        page.stage_path = page.url + "index.md"
        return []
    stem = posixpath.splitext(name)[0]
    page.slug = page.slug or slugify(page.title if page.is_post else stem) or "page"
    if page.kind == "newsletter":
        day = page.date or date(1970, 1, 1)
        page.url = f"newsletters/{day:%Y}/{day:%m}/{page.slug}/"
        page.stage_path = "newsletters/posts/" + page.rel.split("/", 1)[1]
    elif page.kind == "article":
        issue = issues.get(folder)
        page.issue_dir = folder
        issue_slug = issue.slug if issue else slugify(posixpath.basename(folder))
        page.url = f"magazine/{issue_slug}/{page.slug}/"
        page.stage_path = "magazine/posts/" + page.rel.split("/", 1)[1]
        if issue is None:
            return [ContentError(page.display, 1, f"issue folder {folder}/ has no index.md; add one with "
                                                  "`title`, `issue` and `date` for this issue")]
    else:
        parts = [slugify(part) for part in folder.split("/") if part]
        page.url = "/".join([*parts, page.slug]) + "/"
        page.stage_path = page.url.rstrip("/") + ".md"
    return []
