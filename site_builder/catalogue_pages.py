"""The catalogue's generated public pages: a line's product table (below the editor's text of the line page),
the catalogue section's list of lines, and one page per product at /catalogue/<line>/<sku>/ with its
specification, the photometric file and a polar diagram of the published curve (inline SVG, no script).

The pages are staged as ordinary Markdown files (stage.py), so MkDocs renders them with the theme, the
search index and the leak scan like any page; they come from catalogue.json's entries, so the site and the
calculators never disagree."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .catalogue import catalogue_entries, line_pages
from .contract.catalogue import GAMMAS, ProductEntry
from .i18n import translator
from .model import Page

if TYPE_CHECKING:
    from .content import Site
    from .generate import Listings

SIZE, RADIUS = 200, 90  # the polar diagram's box and the radius of its largest value, in SVG units


def entries_of_line(site: Site, page: Page) -> list[ProductEntry]:
    return [entry for entry in catalogue_entries(site) if entry.line == page.slug]


def line_table(listings: Listings, page: Page) -> str:
    """The products of a line page, below its text."""
    entries = entries_of_line(listings.site, page)
    return str(listings.catalogue_macros.line_table(entries, page.url, listings.number)) if entries else ""


def product_pages(site: Site, listings: Listings) -> list[tuple[Page, str]]:
    """(page, body) of every available product's page, for the stage to render."""
    pages: list[tuple[Page, str]] = []
    for line in line_pages(site.pages):
        for entry in entries_of_line(site, line):
            url = entry.page.strip("/") + "/"
            page = Page(rel=url.rstrip("/") + ".md", display=line.display, kind="product", section="catalogue",
                        title=entry.name, summary=summary(entry, listings), body="", body_line=1, url=url,
                        stage_path=url.rstrip("/") + ".md")  # no tags: dozens of products would bury the tag index
            polar = polar_path(entry.photometry.cd_per_klm) if entry.photometry else ""
            body = listings.catalogue_macros.product(entry, line.url, url, listings.number, polar)
            pages.append((page, str(body)))
    return pages


def summary(entry: ProductEntry, listings: Listings) -> str:
    """The page's description (search results, link previews): the numbers a specifier looks for first."""
    n = listings.number
    return translator(listings.site.config.language)("product.summary").format(
        sku=entry.sku, flux=n(entry.flux_lm), power=n(entry.power_w), efficacy=n(entry.efficacy_lm_w),
        cct=entry.cct_k, cri=entry.cri, ip=entry.ip)


def polar_path(values: tuple[float, ...]) -> str:
    """The mean intensity curve as an SVG path in a SIZE box: both halves of the C-plane, 0° down,
    the largest value at RADIUS (the template draws the rings and axes around it)."""
    top = max(values) or 1.0
    centre = SIZE / 2
    right, left = [], []
    for gamma, value in zip(GAMMAS, values, strict=True):
        r = value / top * RADIUS
        dx, dy = r * math.sin(math.radians(gamma)), r * math.cos(math.radians(gamma))
        right.append(f"{centre + dx:.1f},{centre + dy:.1f}")
        left.append(f"{centre - dx:.1f},{centre + dy:.1f}")
    outline = right + left[::-1]
    points = [p for i, p in enumerate(outline) if i == 0 or p != outline[i - 1]]  # no repeats where it is 0
    return "M" + " L".join(points) + " Z"
