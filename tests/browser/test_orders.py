"""An order in a real browser against `club serve` and a real SMTP server: a member follows a product page's
"order" link, adds the product, sends the cart to the distributor of their region, the distributor's person
finds it in the cabinet and accepts it, and the member sees it accepted."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from site_builder.contract.catalogue import catalogue_path, write_catalogue
from tests.browser import people
from tests.conftest import club_serve
from tests.orders.helpers import PRODUCTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "orders-browser-2026"
TIMEOUT_MS = 10_000
# e-mail: (name, company, segment)
PEOPLE = {"buyer@montazh.ru": ("Борис Покупателев", "ООО «Монтаж-Центр»", "installers"),
          "alla@opt-svet.ru": ("Алла Оптова", "ООО «Опт-Свет»", "distributors")}


@pytest.fixture
def club(project, smtp):
    people.seed_companies(project.root / "var" / "club.db", PEOPLE, PASSWORD, "central")
    with club_serve(project, CLUB_SMTP_URL=smtp.url) as base:
        # The catalogue is the build's (another part of issue 16); this test writes its own beside the built site.
        write_catalogue(catalogue_path(project.site), list(PRODUCTS))
        yield base


def signed_in(browser, base: str, email: str, next_path: str = "/account/"):
    return people.signed_in(browser, base, email, PASSWORD, next_path)


def test_a_member_orders_and_the_distributor_accepts(browser, club, smtp):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    buyer = signed_in(browser, club, "buyer@montazh.ru", "/orders/cart/add?sku=TP2-30-840")
    agent = None
    try:
        buyer.fill('input[name="quantity"]', "24")
        buyer.locator('form[action="/orders/cart/add"] button[type="submit"]').click()
        expect(buyer.locator("main")).to_contain_text("Добавлено в корзину")
        buyer.locator('a[href="/orders/cart/send"]').click()
        buyer.fill('input[name="city"]', "Тверь")
        buyer.fill('input[name="wanted_on"]', (date.today() + timedelta(days=7)).isoformat())
        buyer.locator('form[action="/orders/cart/send"] button[type="submit"]').click()
        expect(buyer.locator("main")).to_contain_text("Заказ отправлен")
        number = re.search(r"/orders/(\d+)/", buyer.url).group(1)
        assert {r.recipients[0] for r in smtp.wait_for(2, timeout=20)} == set(PEOPLE)

        agent = signed_in(browser, club, "alla@opt-svet.ru", "/orders/incoming/")
        agent.locator(f'a[href="/orders/{number}/"]').click()
        expect(agent.locator("main")).to_contain_text("Трековый светильник 30 Вт")
        agent.locator('button[value="accept"]').click()
        expect(agent.locator("main")).to_contain_text("Заказ принят")

        buyer.goto(f"/orders/{number}/")
        expect(buyer.locator("main dl")).to_contain_text("Принят")
    finally:
        buyer.context.close()
        if agent is not None:
            agent.context.close()
        expect.set_options(timeout=None)
