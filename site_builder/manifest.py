"""The manifest's entries from the content model (its format and version: contract.py)."""

from __future__ import annotations

from .content import Site, per_site
from .contract import ACCESS_LEVELS, GatedEntry


def gated_entries(site: Site, previews: dict[str, str], prefix: str = "") -> list[GatedEntry]:
    """`prefix`: the folder of the site's language ("en/" for the English pages; the gate is the same)."""
    return [
        GatedEntry(url="/" + prefix + page.url, access=page.access, title=page.title, summary=page.summary,
                   kind=page.kind, section=page.section, preview_html=previews.get(page.url, ""),
                   file=prefix + page.url + "index.html")
        for page in sorted(site.gated, key=lambda p: p.url)
    ]


def gated_media(site: Site, prefix: str = "") -> dict[str, str]:
    return {"/" + prefix + url.lstrip("/"): access for url, access in _gated_media(site).items()}


@per_site
def _gated_media(site: Site) -> dict[str, str]:
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
