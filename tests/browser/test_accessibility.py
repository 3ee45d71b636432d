"""axe-core over every page type (site, portal, staff, the newsletter's mail preview) at a desktop and a phone
width, in Debian's chromium against `club serve --demo`: no serious or critical violation (issue 18).

axe-core comes bundled with the axe-playwright-python package (test extras) and is injected into the page
from disk: no CDN, nothing downloaded while the tests run."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser import people
from tests.conftest import club_serve, new_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEMO_PASSWORD = "club-demo-2026"  # portal/accounts/demo.py: every demo account's
WIDTHS = ((1366, 800), (390, 844))
SITE = ("/", "/magazine/", "/technical/", "/catalogue/", "/catalogue/tsekh-m/", "/catalogue/tsekh-m/cm-150-60-740/",
        "/events/", "/analytics/", "/club/benefits/", "/newsletters/", "/tags/", "/no-such-page/",
        "/en/", "/en/club/", "/en/magazine/")
VISITOR = ("/account/login", "/account/register", "/account/password/reset", "/forum/", "/feedback/new",
           "/tools/")
MEMBER = ("/account/", "/account/profile", "/account/company", "/account/points/", "/tools/room/?sku=CM-150-60-740",
          "/tools/cable/", "/tools/saved/", "/orders/cart/", "/orders/", "/forum/latest", "/forum/t/2/",
          "/account/requests",
          "/account/?lang=en")
STAFF = ("/staff/", "/staff/companies/", "/staff/orders/", "/staff/orders/distributors/", "/staff/feedback/",
         "/staff/events/", "/staff/points/requests/", "/staff/newsletters/", "/staff/health/", "/staff/surveys/",
         "/staff/surveys/1/", "/staff/points/effect/", "/staff/?lang=en")


def axe_script() -> str:
    import axe_playwright_python

    return Path(os.path.dirname(axe_playwright_python.__file__), "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo_club(tmp_path_factory):
    project = new_project(tmp_path_factory.mktemp("a11y") / "proj", with_demo_content=True)
    with club_serve(project, "--demo") as base:
        yield base


def serious(page, script: str) -> list[str]:
    page.evaluate(script)
    # label-content-name-mismatch (WCAG 2.5.3, a visible label inside the accessible name) is off by default in
    # axe-core as experimental; Lighthouse runs it, and so do we.
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations'], rules: "
                          "{'label-content-name-mismatch': {enabled: true}}})).violations")
    return [f"{v['id']} ({v['impact']}) at {v['nodes'][0]['target']}: {v['help']}"
            for v in found if v["impact"] in ("serious", "critical")]


def walk(page, base: str, paths, script: str, width: int) -> list[str]:
    problems = []
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("load")
        problems += [f"{width}px {path}: {problem}" for problem in serious(page, script)]
    return problems


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_no_page_type_has_a_serious_accessibility_violation(browser, demo_club, width, height):
    script = axe_script()
    problems = []
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
    canary = context.new_page()
    canary.set_content('<html lang="ru"><title>t</title><main><p style="color:#777;background:#888">текст</p></main>')
    assert any(found.startswith("color-contrast") for found in serious(canary, script))  # axe runs and sees
    problems += walk(context.new_page(), demo_club, SITE + VISITOR, script, width)
    context.close()
    for email, paths in (("anna@svet-montazh.example", MEMBER), ("admin@lior.example", STAFF)):
        page = people.signed_in(browser, demo_club, email, DEMO_PASSWORD)
        page.set_viewport_size({"width": width, "height": height})
        problems += walk(page, demo_club, paths, script, width)
        if email.startswith("admin"):
            page.goto(demo_club + "/staff/newsletters/")
            preview = re.search(r'href="(/staff/newsletters/page/[^"]+)"', page.content())
            assert preview, "the demo has no newsletter to preview"
            problems += walk(page, demo_club, [preview.group(1).replace("&amp;", "&")], script, width)
        page.context.close()
    assert problems == [], "\n".join(problems)
