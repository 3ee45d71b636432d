"""The shell for the portal's pages (contract/shell.py): rendered by the public build, published apart.

The club plugin adds one generated page (`_shell.md`, template themes/site/club-shell.html) to the
public build; its output gets absolute links (`absolute_links`), since the portal shows it at every
depth; `publish_shells` moves it out of the public output to site/shell/<language>.html, so it is
never served as a page; `drop_from_sitemap` keeps it out of sitemap.xml. The page is excluded from
the search index by its front matter.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.structure.files import File, InclusionLevel

from .contract.shell import SHELL_PAGE, SHELL_TEMPLATE, TITLE, shell_path

SOURCE = "_shell.md"
PAGE_SOURCE = f"""---
template: {SHELL_TEMPLATE}
title: {TITLE}
club_shell: true
hide: [toc]
search:
  exclude: true
---
"""
_LINK = re.compile(r'\b(href|src)="([^"#][^"]*)"')
_ABSOLUTE = re.compile(r"^(?:/|[a-zA-Z][a-zA-Z0-9+.-]*:)")
_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
_SCOPE = re.compile(r'new URL\("([^"]*)",location\)')
_CANONICAL = re.compile(r'\s*<link rel="canonical"[^>]*>')
_LANGUAGE_DIR = re.compile(r"^[a-z]{2}(?:-[a-z]{2,4})?$")


def shell_file(config) -> File:
    """The generated page, kept out of the navigation."""
    return File.generated(config, SOURCE, content=PAGE_SOURCE, inclusion=InclusionLevel.NOT_IN_NAV)


def is_shell(page) -> bool:
    return bool(page.meta.get("club_shell")) and page.url.endswith(SHELL_PAGE)


def absolute_links(text: str, page_url: str) -> str:
    """Every relative link made absolute from the page's own address ("/_shell/" or "/en/_shell/"),
    Material's base and search worker addresses included; the canonical link dropped (the shell
    is every portal page's, not a page of its own)."""
    here = "/" + page_url.lstrip("/")

    def link(match: re.Match) -> str:
        value = match.group(2)
        return match.group(0) if _ABSOLUTE.match(value) else f'{match.group(1)}="{urljoin(here, value)}"'

    def config(match: re.Match) -> str:
        data = json.loads(match.group(2))
        data["base"] = urljoin(here, data.get("base") or ".")
        if data.get("search"):
            data["search"] = urljoin(here, data["search"])
        return match.group(1) + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + match.group(3)

    text = _CANONICAL.sub("", text)
    text = _LINK.sub(link, text)
    text = _CONFIG.sub(config, text)
    return _SCOPE.sub(lambda m: f'new URL("{urljoin(here, m.group(1))}",location)', text)


def publish_shells(built: Path, site_dir: Path, language: str) -> list[Path]:
    """Move the rendered shells out of the public output into site/shell/: the default language's
    from `_shell/`, another's from `<language>/_shell/` (the English site's, when it is built).
    Returns the files moved from `built` (so a dirty publish leaves them out)."""
    moved = []
    found = {language: built / SHELL_PAGE / "index.html"}
    for folder in sorted(built.iterdir()) if built.is_dir() else ():
        if folder.is_dir() and _LANGUAGE_DIR.match(folder.name) and folder.name != language:
            found[folder.name] = folder / SHELL_PAGE / "index.html"
    for lang, source in found.items():
        if not source.is_file():
            continue
        target = shell_path(site_dir, lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        shutil.copyfile(source, temporary)
        temporary.replace(target)  # a portal reading it sees the old file or the new, never half
        moved.append(source)
        shutil.rmtree(source.parent)
    return moved


def drop_from_sitemap(site_dir: Path) -> None:
    """sitemap.xml (and MkDocs' gzipped copy) without the shell's entry."""
    path = site_dir / "sitemap.xml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return
    kept = re.sub(r"[ \t]*<url>\s*<loc>[^<]*/" + re.escape(SHELL_PAGE) + r"</loc>.*?</url>\n?", "", text, flags=re.S)
    if kept == text:
        return
    path.write_text(kept, encoding="utf-8")
    packed = site_dir / "sitemap.xml.gz"
    if packed.exists():
        packed.write_bytes(gzip.compress(kept.encode("utf-8"), mtime=0))
