"""`site/manifest.json`: what the portal needs to serve gated URLs (access level, teaser parts, file)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .content import Site
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


def write_manifest(path: Path, entries: list[GatedEntry]) -> None:
    data = {"version": MANIFEST_VERSION, "pages": {entry.url: asdict(entry) for entry in entries}}
    write_json_atomic(path, data, indent=1)


def read_manifest(path: Path) -> dict[str, dict]:
    """URL -> entry; an unreadable manifest is an error, never 'nothing is gated'."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("version") != MANIFEST_VERSION:
        raise ValueError(f"{path}: unsupported manifest version {data.get('version')!r}")
    return data["pages"]
