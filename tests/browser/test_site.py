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


@pytest.mark.parametrize("width", [1366, 390])
def test_the_home_pages_first_screen_has_the_join_button_and_full_rows_of_benefits(browser, server, width):
    _, base = server
    page = browser.new_page(viewport={"width": width, "height": 844 if width < 500 else 768})
    page.goto(base + "/")
    button = page.locator(".club-hero__actions .md-button--primary")
    box = button.bounding_box()
    assert box and box["y"] + box["height"] <= page.viewport_size["height"], "the join button is below the fold"
    assert page.locator("[data-club-join]").is_visible()  # the header's join button, phones included
    tops = page.locator(".club-benefit").evaluate_all(
        "cards => cards.map(c => Math.round(c.getBoundingClientRect().top))")
    rows = {top: tops.count(top) for top in tops}
    assert len(set(rows.values())) == 1, f"a row of benefits is not full: {rows}"
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


@pytest.mark.parametrize("path", ["/", "/magazine/2026-osen/arkhitektor-risuet-nastroenie-my-schitaem-lyuksy/"])
def test_a_page_loads_without_a_failed_request_or_console_error(browser, server, path):
    # Material's bundle fetches sitemap.xml next to every <link rel="alternate"> (the feeds' links):
    # the build writes those sitemaps, so none of them is a 404 any more.
    _, base = server
    page = browser.new_page()
    errors: list[str] = []
    answers: dict[str, int] = {}
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: answers.__setitem__(response.url, response.status))
    wanted = {base + "/newsletters/sitemap.xml", base + "/magazine/sitemap.xml"}
    page.goto(base + path)
    page.wait_for_load_state("load")
    for _ in range(100):  # not "networkidle": club serve's live reload keeps a request open
        if wanted <= set(answers):
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)  # anything else the page asks for right after
    page.close()
    sitemaps = {url: status for url, status in answers.items() if url.endswith("sitemap.xml")}
    assert wanted <= set(sitemaps)  # fetched ...
    assert all(status == 200 for status in sitemaps.values()), sitemaps  # ... and there
    assert [url for url, status in answers.items() if status >= 400] == []
    assert errors == []
