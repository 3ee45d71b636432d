"""Event registration in a real browser against `club serve` and a real SMTP server: member A takes the one
seat (answering the question) and gets the confirmation with its .ics, member B lands on the waiting list,
A cancels, B gets the offer by mail, follows its link and takes the seat; and on a phone the register block
fits the screen."""

from __future__ import annotations

import re

import pytest

from portal.core import identity, passwords
from portal.core.companies import find_or_create_company
from portal.core.db import connect
from tests.conftest import club_serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "events-browser-2026"
PEOPLE = {"anna@svet.ru": ("Анна Светлова", "ООО «Свет»"), "oleg@lumen.ru": ("Олег Люменов", "ООО «Люмен»")}
SLUG = "master-klass"
EVENT = """---
title: "Мастер-класс по DALI"
summary: "Один стенд, одно место."
starts: "2099-03-11 11:00"
ends: "2099-03-11 15:00"
city: "Москва"
capacity: 1
questions:
  - name: ask
    label: "Вопрос инженеру"
    kind: text
    max: 200
---
Стенд на одного.
"""
TIMEOUT_MS = 10_000


@pytest.fixture
def club(project, smtp):
    project.write(f"events/{SLUG}.md", EVENT)
    db = connect(project.root / "var" / "club.db")
    for email, (name, company_name) in PEOPLE.items():
        user = identity.create_user(db, name=name, email=email, password_hash=passwords.hash_password(PASSWORD),
                                    language="ru", consent=True, confirmed=True)
        company = find_or_create_company(db, company_name)
        identity.update_profile(db, user.id, identity.ProfileUpdate(name=name, company_id=company.id,
                                                                    phone="+79123456789"))
    db.conn.close()
    with club_serve(project, CLUB_SMTP_URL=smtp.url) as base:
        yield base


def signed_in(browser, base: str, email: str, next_path: str, **options):
    context = browser.new_context(base_url=base, locale="ru-RU", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"/account/login?next={next_path}")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.click('form[action="/account/login"] button[type="submit"]')
    page.wait_for_url(re.compile(re.escape(next_path)))
    return page


def letter_to(smtp, count: int, email: str):
    return next(r.message for r in reversed(smtp.wait_for(count, timeout=20)) if email in r.message["To"])


def register(page, answer: str | None = None) -> None:
    form = page.locator(f'form[action="/account/events/{SLUG}/register"]')
    if answer is not None:
        form.locator('input[name="q_ask"]').fill(answer)
    form.locator('button[type="submit"]').click()


def test_a_freed_seat_goes_to_the_waiting_person_who_takes_it(browser, club, smtp):
    from playwright.sync_api import expect

    base, path = club, f"/account/events/{SLUG}/"
    expect.set_options(timeout=TIMEOUT_MS)
    anna = signed_in(browser, base, "anna@svet.ru", f"/events/{SLUG}/")
    oleg = signed_in(browser, base, "oleg@lumen.ru", path)
    try:
        # 1. A: from the event page to the form, with an answer; the letter carries the invitation.
        anna.locator(f'a[href="{path}"]').first.click()
        register(anna, "Сколько адресов на одной шине?")
        expect(anna.locator("main h2").first).to_contain_text("Вы записаны")
        confirmation = letter_to(smtp, 1, "anna@svet.ru")
        ics = [part for part in confirmation.walk() if part.get_content_type() in ("text/calendar", "application/ics")]
        assert ics and b"METHOD:REQUEST" in ics[0].get_payload(decode=True)

        # 2. B: the seat is taken, so the waiting list.
        oleg.reload()
        register(oleg)
        expect(oleg.locator("main h2").first).to_contain_text("В листе ожидания")
        letter_to(smtp, 2, "oleg@lumen.ru")

        # 3. A cancels in the browser; B's offer letter links to the event's page, where B takes the seat.
        anna.locator(f'form[action="{path}cancel"] button').click()
        expect(anna).to_have_url(re.compile(r"notice=cancelled"))
        offer = letter_to(smtp, 4, "oleg@lumen.ru").get_body(("plain",)).get_content()
        link = re.search(re.escape(base) + r"(/account/events/[^\s/]+/)", offer)
        assert link and link.group(1) == path
        oleg.goto(link.group(1))
        oleg.locator(f'form[action="{path}accept"] button').click()
        expect(oleg.locator("main")).to_contain_text("Место ваше — вы записаны.")
        expect(oleg.locator("main h2").first).to_contain_text("Вы записаны")
    finally:
        anna.context.close()
        oleg.context.close()
        expect.set_options(timeout=None)


def test_the_register_block_fits_a_phone(browser, club):
    phone = signed_in(browser, club, "anna@svet.ru", f"/account/events/{SLUG}/",
                      viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        block = phone.locator(f'section:has(form[action="/account/events/{SLUG}/register"])')
        assert block.count() == 1
        overflow = block.evaluate("b => [b.scrollWidth - b.clientWidth, document.documentElement.scrollWidth - "
                                  "document.documentElement.clientWidth, b.getBoundingClientRect().right]")
        assert overflow[0] <= 0 and overflow[1] <= 0 and overflow[2] <= 390, overflow
    finally:
        phone.context.close()
