"""`club serve` over real HTTP: a real uvicorn process, real files, a real edit."""

import urllib.request

import pytest

from tests.conftest import fetch, wait_for

pytestmark = pytest.mark.slow


def test_serves_the_built_site(server):
    _, base = server
    status, body = fetch(base + "/")
    assert status == 200 and "club-benefits" in body
    assert '<script src="/_club/livereload.js" defer></script>' in body
    assert fetch(base + "/technical/")[0] == 200
    assert fetch(base + "/no-such-page/")[0] == 404


def test_gated_page_is_a_teaser_over_http(server):
    _, base = server
    with urllib.request.urlopen(base + "/analytics/ofisnyy-segment-2026/", timeout=10) as response:  # noqa: S310
        body = response.read().decode()
        assert response.headers["Cache-Control"] == "private, no-store"
    assert "club-teaser" in body


def test_an_edit_shows_up_without_restarting(server):
    project, base = server
    _, before = fetch(base + "/_club/wait?since=none")
    page = project.content / "technical" / "montazh-trekovyh-sistem.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nАбзац, добавленный редактором только что.\n",
                    encoding="utf-8")
    wait_for(lambda: "добавленный редактором" in fetch(base + "/technical/montazh-trekovyh-sistem/")[1])
    _, after = fetch(base + "/_club/wait?since=none")
    assert after != before
    index = fetch(base + "/search/search_index.json")[1]
    assert "montazh-trekovyh-sistem" in index and "ofisnyy-segment-2026" in index


def test_a_bad_edit_is_reported_and_the_site_keeps_serving(server):
    project, base = server
    broken = project.write("technical/broken.md", "---\ntitle: Broken\naccess: secret\n---\nText\n")
    try:
        wait_for(lambda: "unknown access level" in fetch(base + "/_club/wait?since=none")[1])
        assert fetch(base + "/technical/")[0] == 200
    finally:
        broken.unlink()
    wait_for(lambda: '"error":""' in fetch(base + "/_club/wait?since=none")[1])
