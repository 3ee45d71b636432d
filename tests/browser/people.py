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


def seed_companies(database, people: dict[str, tuple[str, str, str]], password: str, region: str) -> None:
    """People of partner companies in `region` ({e-mail: (name, company, segment)}), members with a phone;
    a distributor company serves the region (portal/orders/routing.py)."""
    from portal.core import identity, passwords
    from portal.core.companies import find_or_create_company, set_details
    from portal.core.db import connect
    from portal.orders import routing

    db = connect(database)
    for email, (name, company_name, segment) in people.items():
        user = identity.create_user(db, name=name, email=email, password_hash=passwords.hash_password(password),
                                    language="ru", consent=True, confirmed=True)
        company = find_or_create_company(db, company_name)
        set_details(db, company.id, segment, region, by_id=None)
        identity.update_profile(db, user.id, identity.ProfileUpdate(name=name, company_id=company.id,
                                                                    phone="+79123456789"))
        if segment == "distributors":
            routing.set_regions(db, company.id, [region], by_id=None)
    db.conn.close()
