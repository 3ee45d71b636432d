"""The customer's acceptance path in a real browser, against a real `club serve` and a real SMTP server.

A reader opens a members-only report, joins from its teaser, confirms the address from the e-mail,
signs in, completes the profile, reads the whole report, signs out, and is shown the teaser again —
and no page along the way trips the Content-Security-Policy.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import club_serve, new_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT_MS = 10_000

NAME = "Ирина Лампова"
EMAIL = "irina@svet-proekt.ru"
PASSWORD = "zelenyy-svet-2026-okt"
COMPANY = "ООО «Свет-Проект»"
PHONE = "8 912 345-67-89"

# Reports security-policy violations with what was blocked; runs before the page's own scripts.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  (window.clubCspSeen = window.clubCspSeen || []).push(e.violatedDirective);
  window.__clubCspViolation({page: location.href, directive: e.violatedDirective, blocked: e.blockedURI,
                             source: e.sourceFile, line: e.lineNumber, sample: e.sample});
});
"""


@pytest.fixture
def club(tmp_path: Path, smtp):
    """`club serve` on the demo content, sending mail to the test's SMTP server; yields (project, base URL)."""
    project = new_project(tmp_path / "proj", with_demo_content=True)
    with club_serve(project, CLUB_SMTP_URL=smtp.url) as base:
        yield project, base


def first_members_report(project) -> str:
    pages = json.loads((project.site / "manifest.json").read_text(encoding="utf-8"))["pages"]
    return next(url for url, entry in pages.items() if entry["access"] == "members" and url.startswith("/analytics/"))


def report_sentences(project, url: str) -> tuple[str, str]:
    """A plain sentence from the preview and one from below `<!-- more -->` (members only) of the report."""
    source = project.content / (url.strip("/") + ".md")
    body = source.read_text(encoding="utf-8").split("---", 2)[2]  # after the front matter
    preview, closed = body.split("<!-- more -->", 1)
    return plain_sentence(preview, source), plain_sentence(closed, source)


def plain_sentence(markdown: str, source: Path) -> str:
    for line in markdown.splitlines():
        line = line.strip()
        if line and line[0].isalpha() and not re.search(r"[*_`\[\]<>|]", line):
            return re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
    raise AssertionError(f"no plain sentence in a part of {source}")


def text_of(page) -> str:
    return " ".join(page.locator("body").inner_text().split())


# The whole new-member journey on a desktop and on a phone-sized window (issue 18).
@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 800}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_a_reader_joins_becomes_a_member_reads_the_report_and_signs_out(browser, club, smtp, viewport):
    from playwright.sync_api import expect

    project, base = club
    report = first_members_report(project)
    preview, secret = report_sentences(project, report)
    problems: list[tuple[str, str | None]] = []  # console errors and CSP violations: (what, which resource)

    expect.set_options(timeout=TIMEOUT_MS)  # global in Playwright: put back in `finally`
    context = browser.new_context(base_url=base, locale="ru-RU", viewport=viewport,
                                  is_mobile=viewport["width"] < 500, has_touch=viewport["width"] < 500)
    context.set_default_timeout(TIMEOUT_MS)
    context.expose_function("__clubCspViolation", lambda v: problems.append((
        f"CSP violation on {v['page']}: {v['directive']} refused {v['blocked'] or 'inline'} "
        f"(source {v['source']}:{v['line']}, sample {v['sample']!r})", v["blocked"])))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()

    def on_console(message) -> None:
        if message.type != "error" and "Refused to" not in message.text:
            return
        problems.append((f"console {message.type} on {page.url}: {message.text}", message.location.get("url")))
    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append((f"uncaught error on {page.url}: {e}", None)))

    def on_report():
        expect(page).to_have_url(base + report)
        page.wait_for_load_state("load")

    try:
        # 1. An anonymous reader: the preview and the offer to join, not the closed text.
        page.goto(report)
        teaser = page.locator("aside.club-teaser")
        expect(teaser).to_be_visible()
        assert preview in text_of(page)
        assert secret not in text_of(page)
        expect(page.locator("[data-club-signin]")).to_be_visible()

        # 2. Join from the teaser: the benefits, the form, "check your mail".
        teaser.locator(f'a[href$="/account/register?next={report}"]').click()
        expect(page).to_have_url(re.compile(r"/account/register\?next="))
        expect(page.locator(".p-benefits li")).to_have_count(3)
        expect(page.locator('input[name="next"]')).to_have_value(report)
        page.fill('input[name="name"]', NAME)
        page.fill('input[name="email"]', EMAIL)
        page.fill('input[name="password"]', PASSWORD)
        page.check('input[name="consent"]')
        page.locator('form[action="/account/register"] button[type="submit"]').click()
        expect(page.locator("main h1")).to_have_text("Проверьте почту")
        expect(page.locator("main")).to_contain_text(EMAIL)

        # 3. The e-mail's link: a page with a button; only pressing it confirms.
        message = smtp.wait_for(1, timeout=10)[0].message
        assert EMAIL in message["To"]
        link = re.search(re.escape(base) + r"/account/confirm\?\S+", message.get_body(("plain",)).get_content())
        assert link, "no confirmation link in the e-mail"
        page.goto(link.group(0))
        confirm = page.locator('form[action="/account/confirm"] button[type="submit"]')
        expect(confirm).to_be_visible()
        assert email_confirmed_at(project, EMAIL) is None, "opening the link (GET) confirmed the address"
        confirm.click()  # confirms and signs in on this browser: no password typed again (issue 18)
        assert email_confirmed_at(project, EMAIL) is not None

        # Back on the report, signed in but not yet a member: the next step is the profile.
        on_report()
        teaser = page.locator("aside.club-teaser")
        expect(teaser).to_have_attribute("data-club-level", "registered")
        expect(teaser).to_contain_text("Укажите компанию и телефон")
        assert secret not in text_of(page)
        expect(page.locator(".club-account__name")).to_have_text(NAME)  # club.js asked /account/status

        # 4. Complete the profile from the teaser: back on the report, all of it.
        teaser.locator(f'a[href="/account/profile?next={report}"]').click()
        expect(page).to_have_url(re.compile(r"/account/profile\?next="))
        expect(page.locator('input[name="name"]')).to_have_value(NAME)
        page.fill('input[name="company"]', COMPANY)
        page.fill('input[name="phone"]', PHONE)
        page.locator('form[action="/account/profile"] button[type="submit"]').click()
        on_report()
        expect(page.locator("aside.club-teaser")).to_have_count(0)
        expect(page.get_by_text(secret)).to_be_visible()
        expect(page.locator(".club-account__name")).to_have_text(NAME)
        expect(page.locator("[data-club-account]")).to_have_attribute("data-club-level", "member")

        # 5. Sign out from the cabinet's header: the report is a teaser again.
        page.goto("/account/")
        expect(page.locator("main h1")).to_contain_text(NAME)
        page.locator("header .club-account__name").click()  # the club menu in the site's header (one shell)
        page.locator('header form[action="/account/logout"] button[type="submit"]').click()
        expect(page).to_have_url(base + "/")
        expect(page.locator("[data-club-signin]")).to_be_visible()
        page.goto(report)
        expect(page.locator("aside.club-teaser")).to_be_visible()
        assert page.locator("aside.club-teaser").get_attribute("data-club-level") is None  # the static teaser
        assert secret not in text_of(page)
        expect(page.locator("[data-club-signin]")).to_be_visible()

        # The detector works: an inline script injected now is refused and reported.
        found = [f"{what} ({url})" for what, url in problems]
        refused = page.evaluate("""() => new Promise(resolve => {
          document.addEventListener("securitypolicyviolation", e => resolve(e.violatedDirective), {once: true});
          const canary = document.createElement("script");
          canary.textContent = "window.clubCanary = 1";
          document.head.appendChild(canary);
        })""")
        assert refused.startswith("script-src")
        assert page.evaluate("window.clubCanary") is None
        assert page.evaluate("window.clubCspSeen") == [refused]  # our listener saw it too
    finally:
        context.close()
        expect.set_options(timeout=None)  # Playwright's default again
    assert not found, "the browser reported problems:\n" + "\n".join(found)


def email_confirmed_at(project, email: str) -> str | None:
    conn = sqlite3.connect(f"file:{project.root / 'var' / 'club.db'}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT email_confirmed_at FROM users WHERE email = ?", [email]).fetchone()
    finally:
        conn.close()
    assert row is not None, f"no account for {email}"
    return row[0]
