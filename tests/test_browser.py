"""A real browser (Debian's chromium via Playwright): what a reader and an editor see."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

def test_reader_sees_sign_in_and_a_teaser(browser, server):
    _, base = server
    page = browser.new_page()
    page.goto(base + "/analytics/ofisnyy-segment-2026/")
    assert page.locator("[data-club-signin]").inner_text() == "Войти"
    teaser = page.locator("[data-club-teaser]")
    assert teaser.is_visible()
    assert "компанию и телефон" in teaser.inner_text()
    assert page.locator(".club-page-lock").is_visible()
    page.close()


def test_editor_sees_an_edit_live(browser, server):
    project, base = server
    page = browser.new_page()
    page.goto(base + "/technical/podklyuchenie-dali/")
    path = project.content / "technical" / "podklyuchenie-dali.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nЖивая правка из браузерного теста.\n", encoding="utf-8")
    page.get_by_text("Живая правка из браузерного теста.").wait_for(timeout=30_000)  # reloads by itself
    page.screenshot(path=str(project.root / "live-edit.png"))
    page.close()


def test_header_shows_the_members_name_when_the_portal_says_so(browser, server):
    # Accounts arrive with the portal; here the portal's answer is stood in for at the network edge.
    _, base = server
    page = browser.new_page()
    page.route("**/account/status", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body='{"signed_in": true, "name": "Анна Смирнова", "level": "member", "account_url": "/account/"}'))
    page.goto(base + "/technical/")
    name = page.locator(".club-account__name")
    name.wait_for(timeout=10_000)
    assert name.inner_text() == "Анна Смирнова"
    assert name.get_attribute("href") == "/account/"
    assert page.locator("[data-club-signin]").count() == 0
    page.close()
