"""Issue 16's whole way in a real browser against `club serve` and a real SMTP server: a member calculates a
room with a catalogue luminaire (its utilisation factor from the photometry), saves the calculation, turns it
into an order, sends it to the distributor of their region, and the distributor accepts; the member sees the
order accepted and gets the letter."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from site_builder.contract.catalogue import catalogue_path, write_catalogue
from tests.browser import people
from tests.conftest import club_serve
from tests.tools.conftest import product

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "journey-browser-2026"
TIMEOUT_MS = 10_000
PEOPLE = {"nina@montazh-sever.ru": ("Нина Монтажова", "ООО «Монтаж-Север»", "installers"),
          "pavel@opt-luch.ru": ("Павел Оптов", "ООО «Опт-Луч»", "distributors")}


@pytest.fixture
def club(project, smtp):
    people.seed_companies(project.root / "var" / "club.db", PEOPLE, PASSWORD, "northwest")
    with club_serve(project, CLUB_SMTP_URL=smtp.url) as base:
        write_catalogue(catalogue_path(project.site), [product("OL-36", 3600, True)])  # a Lambertian panel
        yield base


def signed_in(browser, base: str, email: str, next_path: str = "/account/"):
    return people.signed_in(browser, base, email, PASSWORD, next_path)


def test_a_room_calculation_becomes_an_order_the_distributor_accepts(browser, club, smtp):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    member = signed_in(browser, club, "nina@montazh-sever.ru", "/tools/room/?sku=OL-36")
    agent = None
    try:
        for name, value in {"length": "12", "width": "6", "height": "3"}.items():
            member.fill(f'form[data-tools-endpoint] input[name="{name}"]', value)
        member.select_option('select[name="room"]', "office")
        count = member.locator('#tools-result [data-out="count"]')
        expect(count).to_have_text(re.compile(r"^\d+$"))  # the script asked /tools/lumen as she typed
        luminaires = int(count.inner_text())
        assert 10 <= luminaires <= 40, luminaires  # 500 lx over 72 m² with 3,600 lm panels
        member.fill('form[data-tools-save] input[name="project"]', "Офис на Невском")
        member.click('form[data-tools-save] button[type="submit"]')
        member.wait_for_url(re.compile(r"/tools/saved/\d+"))
        member.click(f"text=Оформить заказ: {luminaires} шт. OL-36")
        member.wait_for_url(re.compile(r"/orders/cart/"))
        expect(member.locator("main")).to_contain_text("OL-36")
        member.locator('a[href="/orders/cart/send"]').click()
        member.fill('input[name="city"]', "Санкт-Петербург")
        member.fill('input[name="wanted_on"]', (date.today() + timedelta(days=10)).isoformat())
        member.locator('form[action="/orders/cart/send"] button[type="submit"]').click()
        expect(member.locator("main")).to_contain_text("Заказ отправлен")
        number = re.search(r"/orders/(\d+)/", member.url).group(1)
        smtp.wait_for(2, timeout=20)  # the distributor's people and the sender's copy

        agent = signed_in(browser, club, "pavel@opt-luch.ru", "/orders/incoming/")
        agent.locator(f'a[href="/orders/{number}/"]').click()
        expect(agent.locator("main")).to_contain_text(str(luminaires))
        agent.locator('button[value="accept"]').click()
        expect(agent.locator("main")).to_contain_text("Заказ принят")

        member.goto(f"/orders/{number}/")
        expect(member.locator("main dl")).to_contain_text("Принят")
        letters = smtp.wait_for(3, timeout=20)
        assert any("nina@montazh-sever.ru" in r.recipients for r in letters[2:])  # told that it was accepted
    finally:
        member.context.close()
        if agent is not None:
            agent.context.close()
        expect.set_options(timeout=None)
