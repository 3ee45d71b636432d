"""The site's shell for the portal's pages: Material's header, tabs, search and footer around a hole.

The build renders one extra page (`SHELL_PAGE`, themes/site/club-shell.html) with the same theme as
every site page, but with markers where the portal puts its parts: the page title, the header's
account area and the content. It is published beside the manifest as `site/shell/<language>.html`
(never served as a page, never in the search index or the sitemap), with every link absolute, since
portal pages live at many depths. The portal reads it with `read_shell` and renders its pages
between the parts (portal/web/shell.py); with no shell, or one of another version, it falls back to
its own plain layout. One file per language: the English site (when built) publishes `en.html`;
a language without a shell gets the default language's.
Only the standard library here: the portal imports this module without MkDocs.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SHELL_DIR = "shell"          # site/shell/<language>.html
SHELL_PAGE = "_shell/"       # the URL the build renders it at (in the build's output only)
SHELL_TEMPLATE = "club-shell.html"  # themes/site: the page's template (front matter `template:`)
SHELL_VERSION = "1"          # the page carries it; the portal reads only this version
VERSION_META = f'<meta name="club:shell" content="{SHELL_VERSION}">'

TITLE = "CLUB-SHELL-TITLE"           # the page's title, wherever Material shows it (plain text)
ACCOUNT = "<!--club-shell:account-->"  # the header's account area (sign in / the member's menu)
CONTENT = "<!--club-shell:content-->"  # the page's own content
HEAD_END = "</head>"                   # the portal's own <head> additions go before it
_PARTS = re.compile("(" + "|".join(re.escape(m) for m in (TITLE, ACCOUNT, CONTENT, HEAD_END)) + ")")
_TAB = re.compile(r'<li class="md-tabs__item">(\s*<a href="([^"]*)")')
ACTIVE_TAB = '<li class="md-tabs__item md-tabs__item--active">'


def shell_path(site_dir: Path, language: str) -> Path:
    return Path(site_dir) / SHELL_DIR / f"{language}.html"


class ShellError(ValueError):
    """A shell file without its markers or of another version: the portal uses its plain layout."""


@dataclass(frozen=True)
class Shell:
    """A parsed shell: `pieces` alternate text and markers (TITLE, ACCOUNT, CONTENT, HEAD_END)."""

    pieces: tuple[str, ...]
    tabs: tuple[str, ...]  # the tabs' addresses, in order ("/", "/newsletters/", ...)
    tab_html: tuple[str, ...] = ()  # each tab's opening `<li …><a href="…"`, as in the text

    @property
    def source(self) -> str:
        """The shell's own text (without the portal's parts): its inline scripts get CSP hashes."""
        return "".join(self.pieces)

    def top(self, title: str, head: str = "", account: str = "", path: str = "") -> str:
        """Everything before the content. `title` is plain text (escaped here), `head` and `account`
        HTML; the tab whose address is the longest prefix of `path` is marked as the current one."""
        out: list[str] = []
        title, head, account = str(title), str(head), str(account)  # plain strings: Jinja's Markup would escape
        for piece in self.pieces[:self.pieces.index(CONTENT)]:
            out.append(html.escape(title, quote=False) if piece == TITLE else head + HEAD_END
                       if piece == HEAD_END else account if piece == ACCOUNT else piece)
        text, tab = "".join(out), active_tab(self.tabs, path)
        if tab is None or not self.tab_html:
            return text
        found = self.tab_html[self.tabs.index(tab)]
        return text.replace(found, _TAB.sub(lambda m: ACTIVE_TAB + m.group(1), found), 1)

    def bottom(self, title: str = "") -> str:
        """Everything after the content."""
        rest, title = self.pieces[self.pieces.index(CONTENT) + 1:], str(title)
        return "".join(html.escape(title, quote=False) if piece == TITLE else piece for piece in rest)


def parse_shell(text: str) -> Shell:
    if VERSION_META not in text:
        raise ShellError(f"not a shell of version {SHELL_VERSION}")
    pieces = tuple(piece for piece in _PARTS.split(text) if piece)
    for marker in (ACCOUNT, CONTENT, HEAD_END):
        if pieces.count(marker) != 1:
            raise ShellError(f"the marker {marker!r} is there {pieces.count(marker)} times, not once")
    if pieces.index(HEAD_END) > pieces.index(ACCOUNT) or pieces.index(ACCOUNT) > pieces.index(CONTENT):
        raise ShellError("the markers are out of order")
    tabs = list(_TAB.finditer(text))
    return Shell(pieces, tuple(m.group(2) for m in tabs), tuple(m.group(0) for m in tabs))


def read_shell(site_dir: Path, language: str, default: str) -> Shell | None:
    """The shell for `language` (else the default language's); None when there is none or it is
    unusable (a site built by another version of the club): the portal then uses its plain layout."""
    for lang in dict.fromkeys((language, default)):
        path = shell_path(site_dir, lang)
        try:
            return parse_shell(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            log.warning("%s: %s; portal pages use the plain layout until `club build` runs again", path, exc)
    return None


def active_tab(tabs: tuple[str, ...], path: str) -> str | None:
    """The tab for `path`: the longest tab address it starts with (the home tab only for "/" itself)."""
    found = [tab for tab in tabs if tab != "/" and path.startswith(tab)]
    if found:
        return max(found, key=len)
    return "/" if path == "/" and "/" in tabs else None
