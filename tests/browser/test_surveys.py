"""An NPS wave in a real browser against `club serve` and a real SMTP server: staff start a wave, the worker
inside `club serve` sends the letter, the member follows the score link from the SMTP message in chromium,
confirms it with a "why", and the staff report and the dashboard count it."""

from __future__ import annotations

import re

import pytest

from portal.core import identity, passwords
from portal.core.companies import find_or_create_company
from portal.core.db import connect
from tests.browser import people
from tests.conftest import club_serve, new_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "surveys-browser-2026"
WHY = "Быстрые расчёты освещения"
TIMEOUT_MS = 10_000


@pytest.fixture
def club(tmp_path, smtp):
    project = new_project(tmp_path / "proj", with_demo_content=True)  # "/" answers: club_serve waits for it
    db = connect(project.root / "var" / "club.db")
    identity.create_user(db, name="Ольга Кураторова", email="olga@lior.example", language="ru", consent=True,
                         password_hash=passwords.hash_password(PASSWORD), confirmed=True, role="staff")
    anna = identity.create_user(db, name="Анна Светлова", email="anna@svet.ru", password_hash=None, language="ru",
                                consent=True, confirmed=True)
    company = find_or_create_company(db, "ООО «Свет»")
    identity.update_profile(db, anna.id, identity.ProfileUpdate(name=anna.name, company_id=company.id,
                                                                phone="+79123456789"))
    db.execute("INSERT OR IGNORE INTO subscriptions (user_id, list) VALUES (?, 'newsletters')", [anna.id])
    db.conn.close()
    with club_serve(project, CLUB_SMTP_URL=smtp.url) as base:
        yield base


def test_a_wave_is_sent_answered_from_the_letter_and_counted(browser, club, smtp):
    from playwright.sync_api import expect

    base = club
    expect.set_options(timeout=TIMEOUT_MS)
    olga = people.signed_in(browser, base, "olga@lior.example", PASSWORD, "/staff/surveys/")
    reader = browser.new_context(base_url=base, locale="ru-RU")
    try:
        # 1. Staff start a wave for everyone, now.
        olga.fill('input[name="title"]', "Зима 2026")
        olga.click('form[action="/staff/surveys/"] button[type="submit"]')
        expect(olga).to_have_url(re.compile(r"/staff/surveys/\d+/"))
        expect(olga.locator("#nps-answers")).to_have_text("0")

        # 2. The worker inside `club serve` sends the letter; its "8" is a signed link.
        letter = smtp.wait_for(1, timeout=30)[-1].message
        assert "anna@svet.ru" in letter["To"]
        text = letter.get_body(("plain",)).get_content()
        links = re.findall(re.escape(base) + r"(/surveys/a/\S+)", text)
        assert len(links) == 12

        # 3. The link opens the page with 8 chosen; nothing counts until the press.
        page = reader.new_page()
        page.goto(links[8])
        expect(page.locator('input[name="score"][value="8"]')).to_be_checked()
        olga.reload()
        expect(olga.locator("#nps-answers")).to_have_text("0")
        page.fill('textarea[name="why"]', WHY)
        page.click('form[action^="/surveys/a/"] button[type="submit"]')
        expect(page.locator("main")).to_contain_text("Спасибо")

        # 4. The report counts it, with the why.
        olga.reload()
        expect(olga.locator("#nps-answers")).to_have_text("1")
        expect(olga.locator("#nps-value")).to_have_text("+0")
        expect(olga.locator("main")).to_contain_text(WHY)

        # 5. The staff dashboard's NPS panel counts it for this quarter.
        olga.goto("/staff/")
        answers = olga.locator('section[aria-labelledby="panel-surveys"] tr').filter(
            has=olga.get_by_role("link", name="Ответов", exact=True)).locator("strong")
        expect(answers).to_have_count(1)
        assert int(answers.inner_text().replace("\u00a0", "").replace(" ", "")) >= 1
    finally:
        reader.close()
        olga.context.close()
        expect.set_options(timeout=None)
