"""The product catalogue: one page per product line under content/catalogue/, its products a `products:`
list in the front matter, validated with file:line; published as the line's table, a page per product and
site/catalogue.json (contract/catalogue.py), which the portal's calculators and orders read.

Front matter, as the privilege catalogue (privileges.py): the line's text and its products live in one
file, and the front-matter loader knows the line of every key. Photometric files (.ldt, .ies) sit beside
the pages (content/catalogue/photometry/) and are published as downloads; the build reduces each to the
curve the calculators need (photometry.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .contract.catalogue import Photometry, ProductEntry
from .errors import ContentError, did_you_mean, relpath
from .links import resolve
from .model import Page, Validator
from .photometry import PhotometryError, read_photometry

if TYPE_CHECKING:  # content.py imports this module to validate line pages
    from .content import Site

REQUIRED = ("sku", "name", "flux", "power", "cct", "cri", "ip", "dimensions", "price_group")
KEYS = (*REQUIRED, "photometry", "available")
SECTION = "catalogue"
_SKU = re.compile(r"^[A-Za-z0-9]+(?:[-./][A-Za-z0-9]+)*$")
_IP = re.compile(r"^IP[0-6X][0-9X]$")
_DIMENSIONS = re.compile(r"^\s*\d+(?:\s*[xX×хХ*]\s*\d+){1,2}\s*$")
MAX_SKU = 40
MAX_EFFICACY = 250  # lm/W: beyond the best LED luminaires on sale; more is a typing error in flux or power
# (key, low, high, whole, unit, example): numbers an editor types, and what they may be.
RANGES = {
    "flux": (1, 500_000, True, "lm", "flux: 4000"),
    "power": (0.1, 5000, False, "W", "power: 29"),
    "cct": (1000, 20_000, True, "K", "cct: 4000"),
    "cri": (0, 100, True, "", "cri: 80"),
}
PHOTOMETRIC = (".ldt", ".ies")
EXAMPLE = ('`- {sku: OL2-595-840, name: "Офис-Лайн 2 595", flux: 4000, power: 29, cct: 4000, cri: 80, '
           'ip: IP40, dimensions: "595×595×40", price_group: B}`')


@dataclass(frozen=True)
class Product:
    """One validated item of a line's `products:`; `line` is its line in the page, for site-wide errors."""

    sku: str
    name: str
    flux_lm: int
    power_w: float
    cct_k: int
    cri: int
    ip: str
    dimensions_mm: tuple[int, ...]
    price_group: str
    photometry: str = ""  # as written, relative to the page
    available: bool = True
    line: int = 1

    @property
    def efficacy(self) -> float:
        return round(self.flux_lm / self.power_w, 1)

    @property
    def slug(self) -> str:
        return sku_slug(self.sku)


def sku_slug(sku: str) -> str:
    """The product's URL part: "TP2-30-840-B" -> "tp2-30-840-b" (slugify would drop the last letter)."""
    return re.sub(r"[^a-z0-9]+", "-", sku.lower()).strip("-")


# --- one page --------------------------------------------------------------------------------------------

def product_fields(check: Validator, data: dict) -> dict:
    """A line page's `products:`; every line page must have them (it is what the page is for)."""
    items = data.get("products")
    if not isinstance(items, list) or not items:
        check.error("products" if "products" in data else None,
                    f"a catalogue page lists its line's products: add `products:` with one item each, e.g. {EXAMPLE}",
                    line=None if "products" in data else 1)
        return {"products": []}
    found: list[Product] = []
    for index, item in enumerate(items):
        product = one_product(check, item, f"products.{index}")
        if product is not None:
            found.append(product)
    return {"products": found}


def one_product(check: Validator, item: object, at: str) -> Product | None:
    if not isinstance(item, dict):
        check.error(at, f"each product must be a mapping of {', '.join(REQUIRED)}, e.g. {EXAMPLE}")
        return None
    sub = Validator(check.config, check.display, {k[len(at) + 1:]: v for k, v in check.lines.items()
                                                  if k.startswith(at + ".")})
    for key in item:
        if key not in KEYS:
            sub.error(str(key), f"unknown product key `{key}`{did_you_mean(str(key), KEYS)}; a product takes: "
                                f"{', '.join(KEYS)}")
    values = {key: number(sub, item, key) for key in RANGES}
    sku, name = sku_of(sub, item), required_text(sub, item, "name")
    ip, price_group = ip_of(sub, item), required_text(sub, item, "price_group")
    dimensions = dimensions_of(sub, item)
    photometry = photometry_of(sub, item)
    available = sub.flag(item, "available") if "available" in item else True
    if values["flux"] and values["power"] and values["flux"] / values["power"] > MAX_EFFICACY:
        sub.error("flux", f"efficacy {values['flux'] / values['power']:.0f} lm/W (flux {values['flux']:g} lm / "
                          f"power {values['power']:g} W) is above a plausible {MAX_EFFICACY} lm/W: check both "
                          "numbers (the flux is the luminaire's, not the LEDs', and the power includes the driver)")
    item_line = check.lines.get(at, 1)
    for error in sub.errors:  # a missing key has no line of its own (1): point at the item instead
        check.errors.append(error if error.line != 1 else ContentError(error.path, item_line, error.message))
    if sub.errors:
        check.bad_keys.add("products")
        return None
    return Product(sku=sku, name=name, flux_lm=int(values["flux"]), power_w=float(values["power"]),
                   cct_k=int(values["cct"]), cri=int(values["cri"]), ip=ip, dimensions_mm=dimensions,
                   price_group=price_group, photometry=photometry, available=available, line=item_line)


def missing(check: Validator, key: str, how: str) -> None:
    check.error(key, f"the product has no `{key}`; add {how}")


def required_text(check: Validator, item: dict, key: str) -> str:
    value = check.text(item, key)
    if not value and key not in check.bad_keys:
        missing(check, key, {"name": '`name: "Офис-Лайн 2 595"` (what the table and the order show)',
                             "price_group": "`price_group: B` (the price list's group; distributors quote "
                                            "the price)"}[key])
    return value


def number(check: Validator, item: dict, key: str) -> float | None:
    low, high, whole, unit, example = RANGES[key]
    value = item.get(key)
    if value is None:
        missing(check, key, f"`{example}`" + (f" (in {unit})" if unit else ""))
        return None
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not isinstance(value, int)):
        check.error(key, f"`{key}` must be {kind}{' of ' + unit if unit else ''}, got {value!r}; write digits only, "
                         f"without spaces or units, e.g. `{example}`")
        return None
    if not low <= value <= high:
        check.error(key, f"`{key}: {value:g}` is out of range: it must be from {low:g} to {high:g}"
                         f"{' ' + unit if unit else ''}, e.g. `{example}`")
        return None
    return value


def sku_of(check: Validator, item: dict) -> str:
    value = check.text(item, "sku")
    if not value:
        if "sku" not in check.bad_keys:
            missing(check, "sku", "`sku: OL2-595-840` (the article number orders and calculations keep)")
        return ""
    if not _SKU.match(value) or len(value) > MAX_SKU:
        check.error("sku", f"SKU {value!r} must be latin letters and digits, parts joined by '-', '.' or '/', at "
                           f"most {MAX_SKU} characters, e.g. \"OL2-595-840\"; the product's address is made of it")
    return value


def ip_of(check: Validator, item: dict) -> str:
    value = check.text(item, "ip").upper().replace(" ", "")
    if not value:
        if "ip" not in check.bad_keys:
            missing(check, "ip", "the degree of protection, e.g. `ip: IP65`")
        return ""
    if not _IP.match(value):
        check.error("ip", f"`ip: {item['ip']}` is not a degree of protection: write IP and two digits, "
                          "e.g. `ip: IP20` (offices) or `ip: IP65` (industry, street)")
    return value


def dimensions_of(check: Validator, item: dict) -> tuple[int, ...]:
    value = item.get("dimensions")
    if value is None:
        missing(check, "dimensions", 'the size in mm, length×width×height, e.g. `dimensions: "1195×180×50"`')
        return ()
    if isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        parts = [int(v) for v in value]
    elif isinstance(value, str) and _DIMENSIONS.match(value):
        parts = [int(v) for v in re.findall(r"\d+", value)]
    else:
        parts = []
    if not 2 <= len(parts) <= 3 or not all(0 < v <= 20_000 for v in parts):
        check.error("dimensions", f"`dimensions: {value}` must be two or three whole millimetres joined by × or x, "
                                  'e.g. `dimensions: "1195×180×50"` (length×width×height) or `"200×90"` '
                                  "(diameter×height)")
        return ()
    return tuple(parts)


def photometry_of(check: Validator, item: dict) -> str:
    value = check.text(item, "photometry")
    if value and not value.lower().endswith(PHOTOMETRIC):
        check.error("photometry", f"`photometry: {value}` must be an EULUMDAT (.ldt) or IES (.ies) file, relative "
                                  "to this page, e.g. `photometry: photometry/tsekh-m-150.ldt`")
        return ""
    return value


# --- the whole catalogue ---------------------------------------------------------------------------------

def line_pages(pages: list[Page]) -> list[Page]:
    return sorted((p for p in pages if p.kind == SECTION), key=lambda p: p.rel)


def product_errors(site: Site) -> list[ContentError]:
    """Site-wide rules: a SKU once in the whole catalogue, photometric files present and readable, and
    the catalogue public (its products are in the public catalogue.json and the public pages)."""
    errors: list[ContentError] = []
    seen: dict[str, tuple[Page, Product]] = {}
    for page in line_pages(site.pages):
        if page.is_gated:
            errors.append(ContentError(page.display, page.line_of("access"), "the catalogue is public (its products "
                                       "are on the public site and in the calculators): remove `access` here"))
        for product in page.extra.get("products", []):
            key = product.slug
            if key in seen:
                other, first = seen[key]
                errors.append(ContentError(page.display, product.line, f"duplicate SKU {product.sku!r}: "
                                           f"{other.display}:{first.line} has {first.sku!r} already; a SKU names one "
                                           "product in the whole catalogue: give this one its own"))
            else:
                seen[key] = (page, product)
            errors.extend(photometry_errors(site, page, product))
    return errors


def photometry_errors(site: Site, page: Page, product: Product) -> list[ContentError]:
    if not product.photometry:
        return []
    rel = resolve(page.rel, product.photometry)
    path = site.config.docs_dir / rel
    if rel not in site.media:
        hint = did_you_mean(rel, [m for m in site.media if m.lower().endswith(PHOTOMETRIC)])
        return [ContentError(page.display, product.line, f"{product.sku}: photometric file "
                             f"`{product.photometry}` not found (no content/{rel}){hint}; the path is relative to "
                             "this page, e.g. `photometry: photometry/tsekh-m-150.ldt`")]
    try:
        curve(path)
    except PhotometryError as exc:
        where = relpath(path, site.config.root)
        return [ContentError(where, exc.line or 1, f"{exc.message} (the photometric file of {product.sku}, "
                             f"{page.display}:{product.line}); fix the file or export it again from the "
                             "goniophotometer's software")]
    return []


# Reduced curves by (path, mtime, size): `club serve` validates the whole site on every save.
_CURVES: dict[Path, tuple[tuple[int, int], tuple[float, ...]]] = {}


def curve(path: Path) -> tuple[float, ...]:
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _CURVES.get(path)
    if cached and cached[0] == key:
        return cached[1]
    found = read_photometry(path)
    _CURVES[path] = (key, found)
    return found


def catalogue_entries(site: Site) -> list[ProductEntry]:
    """Every available product, line by line in file order, as site/catalogue.json holds it (the hidden ones,
    `available: false`, keep their SKU reserved but are neither on the site nor offered for orders)."""
    entries: list[ProductEntry] = []
    for page in line_pages(site.pages):
        for product in page.extra.get("products", []):
            if product.available:
                entries.append(entry_of(site, page, product))
    return entries


def entry_of(site: Site, page: Page, product: Product) -> ProductEntry:
    photometry = None
    if product.photometry:
        rel = resolve(page.rel, product.photometry)
        photometry = Photometry(file="/" + rel, cd_per_klm=curve(site.config.docs_dir / rel))
    return ProductEntry(sku=product.sku, name=product.name, line=page.slug, line_name=page.title,
                        flux_lm=product.flux_lm, power_w=product.power_w, efficacy_lm_w=product.efficacy,
                        cct_k=product.cct_k, cri=product.cri, ip=product.ip, dimensions_mm=product.dimensions_mm,
                        price_group=product.price_group, page=f"/{page.url}{product.slug}/", photometry=photometry)
