"""The site's shell around the portal's pages (site_builder/contract/shell.py): one look for both.

`club build` publishes site/shell/<language>.html, Material's header, tabs, search and footer with
markers; themes/portal/templates/base.html renders a page between its parts when there is one, and
its own plain layout otherwise (no site built yet, a mini site in tests, a shell of another version).
The shell brings Material's few inline scripts: the page's CSP allows exactly those by hash
(`csp`), as for the site's own pages, never 'unsafe-inline'.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from portal.core.security import site_csp
from site_builder.contract.shell import Shell, read_shell, shell_path


@dataclass(frozen=True)
class LoadedShell:
    shell: Shell
    csp: str  # the portal's CSP plus the hashes of the shell's inline scripts


class ShellFiles:
    """The shells under the site folder, read once and again only when a file changes (a rebuild)."""

    def __init__(self, site_dir: Path, default: str):
        self.site_dir = Path(site_dir)
        self.default = default
        self._cache: dict[str, tuple[tuple, LoadedShell | None]] = {}
        self._paths: dict[str, str] = {}

    def signature(self, language: str) -> tuple:
        """What identifies the files `language` would be read from: their sizes and times (or None)."""
        found = []
        for lang in dict.fromkeys((language, self.default)):
            path = self._paths.get(lang)
            if path is None:  # a str made once: building the Path on every page was a tenth of the shell's cost
                path = self._paths[lang] = str(shell_path(self.site_dir, lang))
            try:
                stat = os.stat(path)
                found.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
            except OSError:
                found.append(None)
        return tuple(found)

    def get(self, language: str) -> LoadedShell | None:
        """The shell for pages in `language` (the default language's when it has none), or None."""
        signature = self.signature(language)
        cached = self._cache.get(language)
        if cached is not None and cached[0] == signature:
            return cached[1]
        loaded = None
        if any(signature):
            shell = read_shell(self.site_dir, language, self.default)
            loaded = LoadedShell(shell, site_csp(shell.source.encode())) if shell is not None else None
        self._cache[language] = (signature, loaded)
        return loaded


def shell_files(portal) -> ShellFiles:
    """The portal's ShellFiles, made on first use (the built site's language is the default)."""
    files = portal.parts.get("shell")
    if files is None:
        default = portal.club.language if portal.club else portal.settings.language
        files = portal.parts["shell"] = ShellFiles(portal.settings.site_dir, default)
    return files
