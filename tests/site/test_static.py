"""The portal serving the built site: files, teasers' headers, and nothing outside the site."""

import json

import pytest
from starlette.testclient import TestClient

from portal.app import create_app


@pytest.fixture
def site_dir(tmp_path):
    root = tmp_path / "static"  # beside the shared fixtures' mini_site, which is tmp_path / "site"
    public = root / "site" / "public"
    (public / "analytics" / "report").mkdir(parents=True)
    (public / "index.html").write_text("<html><body>home</body></html>")
    (public / "404.html").write_text("<html><body>nothing here</body></html>")
    (public / "analytics" / "index.html").write_text("<html><body>catalogue</body></html>")
    (public / "analytics" / "report" / "index.html").write_text("<html><body>teaser</body></html>")
    (public / "style.css").write_text("body{}")
    (root / "secret.txt").write_text("TOP SECRET")
    (root / "site" / "manifest.json").write_text(json.dumps(
        {"version": 1, "pages": {"/analytics/report/": {"access": "members"}}}))
    return root / "site"


@pytest.fixture
def client(settings, site_dir):
    """The portal (shared `settings`: a throwaway database) serving this module's own small site."""
    app = create_app(settings, site_dir=site_dir)
    with TestClient(app) as test_client:
        yield test_client
    app.state.portal.db.conn.close()


def test_serves_pages_and_assets(client):
    assert client.get("/").text == "<html><body>home</body></html>"
    response = client.get("/style.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")


def test_directory_without_slash_redirects(client):
    response = client.get("/analytics", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == "/analytics/"


def test_missing_page_gets_the_sites_404(client):
    response = client.get("/nope/")
    assert response.status_code == 404 and "nothing here" in response.text


def test_a_missing_english_page_gets_the_english_sites_404(client, site_dir):
    assert "nothing here" in client.get("/en/nope/").text  # no English site: the one 404 page
    (site_dir / "public" / "en").mkdir()
    (site_dir / "public" / "en" / "404.html").write_text("<html><body>not found</body></html>")
    response = client.get("/en/nope/")
    assert response.status_code == 404 and "not found" in response.text
    assert "nothing here" in client.get("/nope/").text


def test_gated_url_is_private_and_varies_by_cookie(client):
    response = client.get("/analytics/report/")
    assert response.text == "<html><body>teaser</body></html>"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["vary"] == "Cookie"
    assert client.get("/analytics/").headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/analytics/../../secret.txt",
    "/%2e%2e%2fsecret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt", "/secret.txt%00.html",
    "/./../secret.txt",
])
def test_no_path_outside_the_site_is_readable(client, path):
    response = client.get(path, follow_redirects=False)
    assert "TOP SECRET" not in response.text
    assert response.status_code in (301, 404)


def test_symlink_out_of_the_site_is_not_followed(client, site_dir):
    (site_dir / "public" / "link.txt").symlink_to(site_dir.parent / "secret.txt")
    assert client.get("/link.txt").status_code == 404


def test_etag_revalidation(client):
    first = client.get("/style.css")
    again = client.get("/style.css", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_head_and_unsupported_methods(client):
    assert client.head("/").status_code == 200
    response = client.post("/")
    assert response.status_code == 405 and "GET" in response.headers["allow"]


def test_account_status_says_signed_out(client):
    response = client.get("/account/status")
    assert response.json() == {"signed_in": False}
    assert response.headers["cache-control"] == "no-store"


def test_unreadable_manifest_fails_closed(client, site_dir):
    (site_dir / "manifest.json").write_text("{broken")
    assert client.get("/analytics/report/").status_code == 503


# SiteFiles.find remembers URL -> file and re-checks it with one stat: never stale, never outside.


def test_a_changed_file_is_served_at_once(client, site_dir):
    assert client.get("/style.css").text == "body{}"
    (site_dir / "public" / "style.css").write_text("body{color:red}")
    assert client.get("/style.css").text == "body{color:red}"


def test_a_deleted_file_is_gone_at_once(client, site_dir):
    assert client.get("/style.css").status_code == 200
    (site_dir / "public" / "style.css").unlink()
    assert client.get("/style.css").status_code == 404


def test_a_file_replaced_by_a_symlink_out_is_refused_after_being_served(client, site_dir):
    assert client.get("/style.css").status_code == 200
    (site_dir / "public" / "style.css").unlink()
    (site_dir / "public" / "style.css").symlink_to(site_dir.parent / "secret.txt")
    response = client.get("/style.css")
    assert response.status_code == 404 and "TOP SECRET" not in response.text


def test_a_rebuild_swapping_site_public_is_served_at_once(client, site_dir):
    assert client.get("/").text == "<html><body>home</body></html>"
    fresh = site_dir / "public.new"
    fresh.mkdir()
    (fresh / "index.html").write_text("<html><body>new home</body></html>")
    (site_dir / "public").rename(site_dir / ".public.replaced")  # what `club build` does (swap_in)
    fresh.rename(site_dir / "public")
    assert client.get("/").text == "<html><body>new home</body></html>"


@pytest.mark.parametrize("path", ["/", "/a/b/", "/a b/ä/", "/a?b", "/a#b", "/a\\b", "//x/y", "/%2e%2e/"])
def test_url_path_is_starlettes_url_path(path):
    from starlette.requests import Request

    from portal.site.gated import url_path

    scope = {"type": "http", "method": "GET", "path": path, "query_string": b"q=1", "scheme": "http",
             "headers": [(b"host", b"club.example.ru")], "server": ("127.0.0.1", 8000)}
    assert url_path(Request(scope)) == Request(scope).url.path
