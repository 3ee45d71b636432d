"""Tools fixtures: a small catalogue in the test's site folder (one product with photometry), another company."""

from __future__ import annotations

import math

import pytest
from starlette.testclient import TestClient

from site_builder.contract.catalogue import GAMMAS, Photometry, ProductEntry, catalogue_path, write_catalogue
from tests.feedback.helpers import person
from tests.portal_fixtures import BASE_URL, sign_in

LAMBERT = tuple(round(1000 / math.pi * math.cos(math.radians(g)), 3) if g <= 90 else 0.0 for g in GAMMAS)


def product(sku: str, flux: int, photometry: bool) -> ProductEntry:
    return ProductEntry(sku=sku, name=f"Панель {sku}", line="ofis-line", line_name="Офис-Лайн", flux_lm=flux,
                        power_w=32.0, efficacy_lm_w=round(flux / 32, 1), cct_k=4000, cri=80, ip="IP40",
                        dimensions_mm=(595, 595, 40), price_group="B", page=f"/catalogue/ofis-line/{sku.lower()}/",
                        photometry=Photometry(f"/catalogue/photometry/{sku.lower()}.ldt", LAMBERT) if photometry
                        else None)


@pytest.fixture
def catalogue(settings):
    """OL-36: 3600 lm with photometry (a Lambertian panel); OL-40-NP: 4000 lm without."""
    entries = [product("OL-36", 3600, True), product("OL-40-NP", 4000, False)]
    write_catalogue(catalogue_path(settings.site_dir), entries)
    return {entry.sku: entry for entry in entries}


@pytest.fixture
def stranger(app):
    """A member of another company, signed in on a client of their own."""
    user = person(app.state.portal.db, "ivan@drugoy-svet.ru", company="ООО «Другой Свет»", name="Иван Чужов")
    client = TestClient(app, base_url=BASE_URL)
    sign_in(client, user.email)
    client.user = user
    return client
