"""The product catalogue artefact: site/catalogue.json, written by the build from content/catalogue/ and
read by the portal's calculators and orders (portal/core/catalogue.py). Standard library only.

One entry per product, in the catalogue's order (line by line, as the editors listed them). Photometry,
where a product has an EULUMDAT/IES file, is published already reduced to what the calculators need: the
luminous intensity averaged over the C-planes, in candela per 1000 luminaire lumens, at gamma 0°, 5°, …
180° (37 values; 0° points straight down). The build parses the files; the portal never does.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from site_builder.contract import CATALOGUE, write_json_atomic

CATALOGUE_VERSION = 1
GAMMA_STEP = 5  # degrees between the published intensity values
GAMMAS = tuple(range(0, 181, GAMMA_STEP))  # 0 (nadir) … 180 (zenith): 37 values


class CatalogueError(ValueError):
    """site/catalogue.json is unreadable or of a version this code does not know; says how to fix it."""


@dataclass(frozen=True)
class Photometry:
    file: str  # the photometric file's site URL: "/catalogue/photometry/tsekh-m-100.ldt"
    cd_per_klm: tuple[float, ...]  # mean intensity at GAMMAS, candela per 1000 lm of the luminaire's flux

    def __post_init__(self) -> None:
        if len(self.cd_per_klm) != len(GAMMAS) or any(v < 0 for v in self.cd_per_klm):
            raise TypeError(f"photometry {self.file!r}: needs {len(GAMMAS)} intensities, none negative")


@dataclass(frozen=True)
class ProductEntry:
    sku: str            # "TP2-30-840-B": unique across the catalogue; orders and calculations keep it
    name: str
    line: str           # the line's slug: "trek-pro-2"
    line_name: str      # «Трек-Про 2»
    flux_lm: int        # the luminaire's luminous flux
    power_w: float
    efficacy_lm_w: float  # flux_lm / power_w, rounded to 0.1 (the build computes it)
    cct_k: int
    cri: int
    ip: str             # "IP65"
    dimensions_mm: tuple[int, ...]  # length × width × height (or diameter × height)
    price_group: str    # the price list's group: "A" … the distributor quotes the price
    page: str           # the product's site URL: "/catalogue/trek-pro-2/tp2-30-840-b/"
    photometry: Photometry | None = None


def catalogue_path(site_dir: Path) -> Path:
    return Path(site_dir) / CATALOGUE  # the same as SiteLayout(site_dir).catalogue


def write_catalogue(path: Path, entries: list[ProductEntry]) -> None:
    data = {"version": CATALOGUE_VERSION, "products": [asdict(entry) for entry in entries]}
    write_json_atomic(path, data, indent=None, keep_same=True)


def read_catalogue(path: Path) -> dict[str, ProductEntry]:
    """Products by SKU, in catalogue order; CatalogueError for a missing or malformed file or another version."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogueError(f"{path}: unreadable ({exc}); run `club build` again") from exc
    found = data.get("version") if isinstance(data, dict) else None
    if found != CATALOGUE_VERSION:
        raise CatalogueError(f"{path}: catalogue file version {found!r}, but this portal reads version "
                             f"{CATALOGUE_VERSION}; build the site with the same version of the club as the portal")
    try:
        entries = [product_entry(item) for item in data["products"]]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CatalogueError(f"{path}: not a catalogue file ({exc!r}); run `club build` again") from None
    return {entry.sku: entry for entry in entries}


def product_entry(item: dict) -> ProductEntry:
    photometry = item.get("photometry")
    if photometry:
        photometry = Photometry(file=photometry["file"], cd_per_klm=tuple(float(v) for v in photometry["cd_per_klm"]))
    values = {**item, "dimensions_mm": tuple(int(v) for v in item["dimensions_mm"]), "photometry": photometry}
    entry = ProductEntry(**values)
    if not entry.sku or isinstance(entry.flux_lm, bool) or not isinstance(entry.flux_lm, int) or entry.flux_lm < 1:
        raise TypeError(f"product {entry.sku!r}: flux {entry.flux_lm!r} is not a whole number of lumens")
    return entry
