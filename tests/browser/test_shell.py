"""One shell (issue 18): a site page and a portal page look the same in a real browser (Debian's chromium),
and Material's search, tabs and phone drawer work on portal pages too."""

from __future__ import annotations

import pytest

from tests.browser import people
from tests.conftest import club_serve, new_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEMO_PASSWORD = "club-demo-2026"  # portal/accounts/demo.py: every demo account's
WIDTHS = ((1366, 800), (390, 844))
CSP_SEEN = """document.addEventListener("securitypolicyviolation",
  e => (window.clubCsp = window.clubCsp || []).push(e.violatedDirective + " " + e.blockedURI));"""


@pytest.fixture(scope="module")
def demo_club(tmp_path_factory):
    project = new_project(tmp_path_factory.mktemp("shell") / "proj", with_demo_content=True)
    with club_serve(project, "--demo") as base:
        yield base


def header_of(page) -> dict:
    """What a reader sees of the header: its height, the buttons and links in it, the tabs."""
    page.wait_for_load_state("load")
    return {
        "height": page.locator(".md-header").bounding_box()["height"],
        "logo": page.locator(".md-header .md-logo").evaluate("a => a.href"),  # resolved: the site links relatively
        "search": page.locator("label.md-header__button[for=__search]").is_visible(),
        "drawer": page.locator("label.md-header__button[for=__drawer]").is_visible(),
        "sign_in": page.locator("[data-club-signin]").is_visible(),
        "join": page.locator("[data-club-join]").is_visible(),
        "tabs": [text.strip() for text in page.locator(".md-tabs__link").all_inner_texts()],
        "tabs_shown": page.locator(".md-tabs").is_visible(),
        "footer": page.locator(".md-footer .md-copyright").inner_text().strip(),
    }


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_a_site_page_and_a_portal_page_have_the_same_header(browser, demo_club, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
    context.add_init_script(CSP_SEEN)
    page = context.new_page()
    page.goto(demo_club + "/technical/")
    site = header_of(page)
    page.goto(demo_club + "/account/login")
    portal = header_of(page)
    assert portal == site
    assert site["sign_in"] and site["join"] and len(site["tabs"]) > 5
    assert page.evaluate("window.clubCsp || []") == []
    context.close()


def test_search_on_a_portal_page_finds_a_site_page(browser, demo_club):
    page = people.signed_in(browser, demo_club, "anna@svet-montazh.example", DEMO_PASSWORD, "/forum/latest")
    page.set_viewport_size({"width": 1366, "height": 800})
    page.locator(".md-search__input").click()
    # The index (the members' one, from /search/search_index.json) is loaded by a worker: type once it is ready.
    page.wait_for_function("""() => {
      const meta = document.querySelector(".md-search-result__meta");
      return meta && meta.textContent.trim() !== "Инициализация поиска";
    }""", timeout=30_000)
    page.keyboard.type("DALI")
    first = page.locator(".md-search-result__item a").first
    first.wait_for(timeout=30_000)
    assert first.get_attribute("href").startswith(demo_club + "/technical/")
    page.context.close()


@pytest.mark.parametrize("path", ["/forum/", "/technical/"])  # a portal page, a site page (club.js)
def test_the_members_name_menu_and_sign_out_in_the_header(browser, demo_club, path):
    page = people.signed_in(browser, demo_club, "anna@svet-montazh.example", DEMO_PASSWORD, path)
    name = page.locator(".club-account__name")
    name.wait_for()
    assert name.inner_text().startswith("Анна")
    if path == "/forum/":
        assert page.locator(".md-tabs__item--active").count() == 0  # the forum is no section of the site
    name.click()
    menu = page.locator(".club-menu__list")
    assert menu.locator("a", has_text="Кабинет").is_visible()
    assert menu.locator("a[href$='/forum/']").is_visible()
    assert menu.locator("a[href$='/staff/']").count() == 0
    page.keyboard.press("Escape")  # closes, as a menu does; a click on the name opens it again
    assert not menu.is_visible()
    name.click()
    page.locator(".club-menu__signout").click()
    page.wait_for_load_state("load")
    assert page.locator("[data-club-signin]").is_visible()
    page.context.close()


def test_the_phone_drawer_opens_on_a_portal_page(browser, demo_club):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    page = context.new_page()
    page.goto(demo_club + "/account/register")
    page.locator("label.md-header__button[for=__drawer]").click()
    events = page.locator(".md-sidebar--primary .md-nav__link[href='/events/']")
    events.wait_for(state="visible", timeout=5_000)
    events.click()
    page.wait_for_url(demo_club + "/events/")
    context.close()
