"""`site/manifest.json`: what the portal needs to serve gated URLs (access level, teaser parts, file)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .config import ACCESS_LEVELS
from .content import Site, per_site
from .jsonfile import write_json_atomic

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class GatedEntry:
    url: str  # "/analytics/rynok-2026/"
    access: str
    title: str
    summary: str
    kind: str
    section: str | None
    preview_html: str
    file: str  # path of the full page inside site/private/


def gated_entries(site: Site, previews: dict[str, str]) -> list[GatedEntry]:
    return [
        GatedEntry(url="/" + page.url, access=page.access, title=page.title, summary=page.summary,
                   kind=page.kind, section=page.section, preview_html=previews.get(page.url, ""),
                   file=page.url + "index.html")
        for page in sorted(site.gated, key=lambda p: p.url)
    ]


@per_site
def gated_media(site: Site) -> dict[str, str]:
    """URL -> access level of media linked only from closed text (they live in site/private/).

    A file linked from several gated pages opens at the most permissive of their levels.
    """
    from .links import find_links, resolve
    from .stage import private_media

    hidden, media = private_media(site), {}
    for page in sorted(site.gated, key=lambda p: ACCESS_LEVELS.index(p.access), reverse=True):
        for link in find_links(page.gated_body):
            rel = resolve(page.rel, link.target)
            if rel in hidden:
                media["/" + rel] = page.access
    return dict(sorted(media.items()))


def write_manifest(path: Path, entries: list[GatedEntry], media: dict[str, str] | None = None) -> None:
    data = {"version": MANIFEST_VERSION, "pages": {entry.url: asdict(entry) for entry in entries},
            "media": media or {}}
    write_json_atomic(path, data, indent=1)


def read_manifest(path: Path) -> dict[str, dict]:
    """URL -> entry; an unreadable manifest is an error, never 'nothing is gated'."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("version") != MANIFEST_VERSION:
        raise ValueError(f"{path}: unsupported manifest version {data.get('version')!r}")
    return data["pages"]
