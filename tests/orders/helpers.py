"""Helpers for the orders tests: a small catalogue in the test's site, a distributor company serving a
region, people of companies signed in on their own clients, orders made through the store."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator

from starlette.testclient import TestClient

from portal.core.companies import find_or_create_company, set_details
from portal.core.identity import ProfileUpdate, get_user, update_profile
from portal.orders import cart, routing, store
from site_builder.contract.catalogue import ProductEntry, catalogue_path, write_catalogue
from tests.portal_fixtures import BASE_URL, Person, make_user, sign_in


def product(sku: str, name: str, line: str = "trek-pro-2", line_name: str = "Трек-Про 2") -> ProductEntry:
    return ProductEntry(sku=sku, name=name, line=line, line_name=line_name, flux_lm=3000, power_w=30.0,
                        efficacy_lm_w=100.0, cct_k=4000, cri=80, ip="IP20", dimensions_mm=(300, 60, 90),
                        price_group="A", page=f"/catalogue/{line}/{sku.lower()}/")


PRODUCTS = (product("TP2-30-840", "Трековый светильник 30 Вт"), product("TP2-40-830", "Трековый светильник 40 Вт"),
            product("OL-36-840", "Офисная панель 36 Вт", "ofis-line", "Офис-Лайн"),
            product("=CMD-1", "=HYPERLINK(\"http://x\")", "ofis-line", "Офис-Лайн"))


def publish(site_dir) -> None:
    write_catalogue(catalogue_path(site_dir), list(PRODUCTS))


def hidden(html: str, *names: str) -> dict[str, str]:
    found = {}
    for name in names:
        match = re.search(rf'name="{name}" value="([^"]*)"', html)
        assert match, f"no {name} field"
        found[name] = match.group(1)
    return found


def form_of(client: TestClient, page: str, *names: str) -> dict[str, str]:
    response = client.get(page)
    assert response.status_code == 200, response.text
    return hidden(response.text, "csrf", *names)


def join(db, email: str, company: str, *, segment: str | None = None, region: str | None = None,
         name: str = "Пётр Иванов", role: str | None = None, language: str = "ru"):
    """A member of `company` (created if new, with segment and region)."""
    user = make_user(db, email, name=name, role=role)
    firm = find_or_create_company(db, company)
    if segment or region:
        set_details(db, firm.id, segment, region, by_id=None)
    update_profile(db, user.id, ProfileUpdate(name=name, company_id=firm.id, phone="+79120000001", language=language))
    return get_user(db, user.id), firm


@contextlib.contextmanager
def signed_in(app, email: str) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL) as own:
        sign_in(own, email)
        yield own


@contextlib.contextmanager
def person(app, email: str, company: str, **details) -> Iterator[Person]:
    user, _firm = join(app.state.portal.db, email, company, **details)
    with signed_in(app, email) as own:
        yield Person(user, email, "", own)


def distributor(db, name: str = "ООО «Опт-Свет»", regions: tuple[str, ...] = ("central",)) -> int:
    firm = find_or_create_company(db, name)
    set_details(db, firm.id, "distributors", "central", by_id=None)
    routing.set_regions(db, firm.id, regions, by_id=None)
    return firm.id


def made(db, user_id: int, company_id: int, distributor_id: int | None, *, nonce: str = "n" * 16,
         items=(("TP2-30-840", 5),), now: float | None = None, region: str = "central") -> int:
    """An order made through the store (the pages' tests start from it)."""
    now = time.time() if now is None else now
    cart.add(db, user_id, list(items), "test", now=now)
    return store.create(db, user_id=user_id, company_id=company_id, region=region, distributor_id=distributor_id,
                        city="Москва", wanted_on="2099-01-01", comment="", names={p.sku: p.name for p in PRODUCTS},
                        nonce=nonce, now=now)
