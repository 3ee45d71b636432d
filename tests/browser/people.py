"""Browser tests' shared steps: a person signed in on a browser context of their own."""

from __future__ import annotations

import re

TIMEOUT_MS = 10_000


def signed_in(browser, base: str, email: str, password: str, next_path: str = "/account/"):
    """A new context (its own cookies) signed in as `email`, on `next_path`."""
    context = browser.new_context(base_url=base, locale="ru-RU")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"/account/login?next={next_path}")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password)
    page.click('form[action="/account/login"] button[type="submit"]')
    page.wait_for_url(re.compile(re.escape(next_path.split("?")[0])))
    return page
