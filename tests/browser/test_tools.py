"""The room calculator in a real browser against `club serve`: the result follows the typing (tools.js and
its JSON endpoint), a bad value is named under its field without a reload, the calculation is saved under a
project and its print view opens."""

from __future__ import annotations

import re

import pytest

from portal.core import identity, passwords
from portal.core.companies import find_or_create_company
from portal.core.db import connect
from tests.conftest import club_serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "tools-browser-2026"
EMAIL = "anna@svet.ru"
TIMEOUT_MS = 10_000


@pytest.fixture
def club(project):
    db = connect(project.root / "var" / "club.db")
    user = identity.create_user(db, name="Анна Светлова", email=EMAIL, password_hash=passwords.hash_password(PASSWORD),
                                language="ru", consent=True, confirmed=True)
    company = find_or_create_company(db, "ООО «Свет»")
    identity.update_profile(db, user.id, identity.ProfileUpdate(name=user.name, company_id=company.id,
                                                                phone="+79123456789"))
    db.conn.close()
    with club_serve(project) as base:
        yield base


def test_a_member_calculates_a_room_as_they_type_and_saves_it(browser, club):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(base_url=club, locale="ru-RU")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/account/login?next=/tools/room/")
    page.fill('input[name="email"]', EMAIL)
    page.fill('input[name="password"]', PASSWORD)
    page.click('form[action="/account/login"] button[type="submit"]')
    page.wait_for_url(re.compile(r"/tools/room/"))
    for name, value in {"length": "10", "width": "8", "height": "3", "flux": "3200", "uf": "0,6"}.items():
        page.fill(f'form[data-tools-endpoint] input[name="{name}"]', value)
    page.select_option('select[name="room"]', "office")  # 500 lx from the preset
    count = page.locator('#tools-result [data-out="count"]')
    expect(count).to_have_text("28")  # 27 by the formula, a 4 × 7 grid
    assert page.url.endswith("/tools/room/")  # no reload: the script asked the endpoint
    page.fill('form[data-tools-endpoint] input[name="width"]', "восемь")
    expect(page.locator("[data-live-error]")).to_contain_text("Нужно число")
    page.fill('form[data-tools-endpoint] input[name="width"]', "8")
    expect(page.locator("[data-live-error]")).to_have_count(0)
    expect(count).to_have_text("28")
    page.fill('form[data-tools-save] input[name="project"]', "Офис на Лесной")
    page.click('form[data-tools-save] button[type="submit"]')
    page.wait_for_url(re.compile(r"/tools/saved/\d+\?notice=saved"))
    assert "Офис на Лесной" in page.content() and "Расчёт сохранён." in page.content()
    page.click("text=Версия для печати")
    page.wait_for_url(re.compile(r"/tools/saved/\d+/print"))
    assert page.locator('[data-out="count"]').inner_text() == "28"
    context.close()
