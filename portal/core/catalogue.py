"""The product catalogue the build published (site/catalogue.json), for every capability that needs it
(the calculators, orders): read through the contract, kept while the file is unchanged (one stat() per
look-up), so a rebuild shows at once. A missing or broken file is an empty catalogue (logged), never an
error page: the cabinet keeps working while an editor fixes the build."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from site_builder.contract.catalogue import CatalogueError, ProductEntry, catalogue_path, read_catalogue

log = logging.getLogger("portal.catalogue")


class Catalogue:
    """Products by SKU, in catalogue order."""

    def __init__(self, path: Path):
        self.path = path
        self._mtime: float | None = None
        self._products: dict[str, ProductEntry] = {}
        self._lock = threading.Lock()

    def products(self) -> list[ProductEntry]:
        self._refresh()
        return list(self._products.values())

    def get(self, sku: str) -> ProductEntry | None:
        """A product by SKU as written, or in another letter case ("tp2-30" finds "TP2-30")."""
        self._refresh()
        return self._products.get(sku) or self._products.get(normal_sku(sku))

    def lines(self) -> list[tuple[str, str]]:
        """(slug, name) of each product line, in catalogue order."""
        seen: dict[str, str] = {}
        for product in self.products():
            seen.setdefault(product.line, product.line_name)
        return list(seen.items())

    def _refresh(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            self._products, self._mtime = {}, None
            return
        if mtime == self._mtime:
            return
        with self._lock:
            try:
                products = read_catalogue(self.path)
            except CatalogueError as exc:
                log.error("%s: the catalogue is empty until the next build", exc)
                products = {}
            self._products = {normal_sku(sku): entry for sku, entry in products.items()}
            self._mtime = mtime


def normal_sku(sku: str) -> str:
    """SKUs compare in upper case without surrounding spaces (people type them from price lists)."""
    return sku.strip().upper()


_OPEN: dict[Path, Catalogue] = {}


def catalogue_for(site_dir: Path) -> Catalogue:
    """The one Catalogue of a site folder (shared by the capabilities of one process)."""
    path = catalogue_path(site_dir).resolve()
    if path not in _OPEN:
        _OPEN[path] = Catalogue(path)
    return _OPEN[path]
