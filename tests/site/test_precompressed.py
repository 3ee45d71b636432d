"""The portal sends the build's .br/.gz copies to clients that accept them (portal/site/precompressed.py)."""

from __future__ import annotations

import gzip
import os

import brotli
import pytest
from starlette.testclient import TestClient

from portal.site import precompressed
from portal.app import create_app
from portal.web.compression import accepted
from site_builder.compress import compress_files

from tests.portal_fixtures import BASE_URL, PAD, SECRET_TEXT, make_user, page, sign_in, with_settings

BR, GZ = {"Accept-Encoding": "gzip, deflate, br, zstd"}, {"Accept-Encoding": "gzip, deflate"}
BR_ONLY = {"Accept-Encoding": "br"}  # without a fitting copy, portal/web/compression.py compresses the file itself
REPORT = "/analytics/report/"
PREFIX = "/_club_private/"


def from_copy(response) -> bool:
    """Whether the answer is one of the build's copies (their ETags end in -br or -gzip)."""
    return response.headers.get("etag", "").rstrip('"').endswith(("-br", "-gzip"))


def get_raw(client: TestClient, path: str, **kwargs):
    """The answer and its body as sent (httpx decodes br and gzip itself)."""
    with client.stream("GET", path, **kwargs) as response:
        return response, b"".join(response.iter_raw())


@pytest.mark.parametrize("header, expected", [
    ("gzip, deflate, br, zstd", ("br", "gzip")), ("gzip", ("gzip",)), ("br;q=0, gzip", ("gzip",)),
    ("gzip;q=1, br;q=0.5", ("gzip", "br")), ("*", ("br", "gzip")), ("*;q=0", ()), ("identity", ()),
    ("", ()), ("br;q=0, gzip;q=0", ()), ("x-gzip", ("gzip",)), ("BR; Q=0.8 , gzip;q=0.9", ("gzip", "br")),
    ("br;q=oops, gzip", ("gzip",)), ("*, gzip;q=0", ("br",)),
])
def test_accept_encoding_is_read_as_rfc_9110_says(header, expected):
    assert accepted(header) == expected


def test_public_files_come_as_br_or_gzip_with_their_own_length_and_etag(client, packed):
    identity = (packed / "public/index.html").read_bytes()
    answers = {}
    for name, headers in (("br", BR), ("gzip", GZ), ("", {"Accept-Encoding": "identity"})):
        response, body = get_raw(client, "/", headers=headers)
        assert response.status_code == 200 and response.headers.get("content-encoding", "") == name
        assert response.headers["vary"] == "Accept-Encoding" and response.headers["cache-control"] == "no-cache"
        assert int(response.headers["content-length"]) == len(body)
        assert {"br": brotli.decompress, "gzip": gzip.decompress, "": bytes}[name](body) == identity
        assert "'sha256-" in response.headers["content-security-policy"]  # the page's own policy, as before
        answers[name] = response.headers["etag"]
    assert len(set(answers.values())) == 3 and answers["br"].endswith('-br"')
    again = client.get("/", headers={**BR, "If-None-Match": answers["br"]})
    assert again.status_code == 304 and again.headers["vary"] == "Accept-Encoding"
    assert client.get("/", headers={**GZ, "If-None-Match": answers["br"]}).status_code == 200  # not the same bytes


def test_head_and_range_requests(client, packed):
    head = client.head("/style.css", headers=BR)
    copy = (packed / "public/style.css.br").read_bytes()
    assert head.headers["content-encoding"] == "br" and head.headers["content-length"] == str(len(copy))
    assert head.content == b""
    ranged, body = get_raw(client, "/style.css", headers={**BR, "Range": "bytes=0-9"})
    assert ranged.status_code == 200 and body == copy  # ranges are not supported: the whole answer, as before


def test_a_copy_of_another_version_of_the_file_is_never_sent(client, packed):
    path = packed / "public/index.html"
    assert client.get("/", headers=BR).headers["content-encoding"] == "br"
    path.write_text(page("rebuilt" + PAD), encoding="utf-8")  # its copies are now of the old version
    response = client.get("/", headers=BR_ONLY)
    assert not from_copy(response) and "rebuilt" in response.text


def test_copies_written_after_their_file_are_picked_up(client, packed, monkeypatch):
    monkeypatch.setattr(precompressed, "RECHECK", 0.0)
    path = packed / "public/analytics/index.html"
    path.write_text(page("catalogue" + PAD), encoding="utf-8")
    assert not from_copy(client.get("/analytics/", headers=BR_ONLY))
    compress_files(packed / "public", ["analytics/index.html"])  # as the members' index is, in place
    again = client.get("/analytics/", headers=BR)
    assert again.headers["content-encoding"] == "br" and from_copy(again)


def test_a_copy_that_is_a_symlink_out_of_the_site_is_refused(client, packed):
    outside = packed.parent / "outside.html.br"
    outside.write_bytes(brotli.compress(b"TOP SECRET OUTSIDE"))
    target = packed / "public/index.html"
    for suffix in (".br", ".gz"):
        target.with_name("index.html" + suffix).unlink()
    stamp = target.stat().st_mtime_ns
    os.utime(outside, ns=(stamp, stamp))
    target.with_name("index.html.br").symlink_to(outside)
    response = client.get("/", headers=BR_ONLY)
    assert not from_copy(response) and "TOP SECRET" not in response.text


def test_a_copy_asked_for_by_its_own_name_is_a_plain_download(client, packed):
    response, body = get_raw(client, "/index.html.br", headers=BR)
    assert response.headers["content-type"] == "application/octet-stream" and "content-encoding" not in response.headers
    assert body == (packed / "public/index.html.br").read_bytes()


def test_members_get_their_page_and_index_compressed_varying_on_both(member, packed):
    response, body = get_raw(member.client, REPORT, headers=BR)
    assert SECRET_TEXT in brotli.decompress(body).decode()
    assert response.headers["vary"] == "Cookie, Accept-Encoding"
    assert response.headers["cache-control"] == "private, no-store"
    plain = member.client.get(REPORT)  # httpx asks for gzip, deflate (and br when brotli is installed) by default
    assert SECRET_TEXT in plain.text
    index, body = get_raw(member.client, "/search/search_index.json", headers=GZ)
    assert index.headers["content-encoding"] == "gzip" and b"members" in gzip.decompress(body)
    assert index.headers["vary"] == "Cookie, Accept-Encoding"


def test_the_teaser_is_compressed_for_anonymous_readers_only(client, packed):
    response, body = get_raw(client, REPORT, headers=BR)
    assert response.headers["content-encoding"] == "br" and b"club-teaser" in brotli.decompress(body)
    assert SECRET_TEXT not in brotli.decompress(body).decode()
    assert response.headers["vary"] == "Cookie, Accept-Encoding"
    make_user(client.app.state.portal.db, "boris@example.ru")  # registered: the next step is written in
    sign_in(client, "boris@example.ru")
    tailored = client.get(REPORT, headers={"Accept-Encoding": "br"})
    assert not from_copy(tailored) and "Укажите компанию и телефон" in tailored.text


def test_the_sites_404_page_is_compressed_too(client, packed):
    (packed / "public/404.html").write_text(page("nothing here" + PAD), encoding="utf-8")
    compress_files(packed / "public", ["404.html"])
    response = client.get("/nope/", headers=BR)
    assert response.status_code == 404 and response.headers["content-encoding"] == "br"
    assert "nothing here" in response.text


@pytest.fixture
def accel_member(settings, packed):
    app = create_app(with_settings(settings, accel_redirect=PREFIX))
    make_user(app.state.portal.db, "anna@svet-montazh.ru", member=True)
    with TestClient(app, base_url=BASE_URL) as client:
        sign_in(client, "anna@svet-montazh.ru")
        yield client
    app.state.portal.db.conn.close()


def test_nginx_is_pointed_at_the_copy_with_its_encoding(accel_member):
    response = accel_member.get(REPORT, headers=BR)
    assert response.headers["x-accel-redirect"] == PREFIX + "analytics/report/index.html.br"
    assert response.headers["content-encoding"] == "br" and response.content == b""
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["vary"] == "Cookie, Accept-Encoding"
    plain = accel_member.get(REPORT, headers={"Accept-Encoding": "identity"})
    assert plain.headers["x-accel-redirect"] == PREFIX + "analytics/report/index.html"
    assert "content-encoding" not in plain.headers and plain.headers["vary"] == "Cookie, Accept-Encoding"


class DevStub:
    def routes(self) -> list:
        return []

    def decorate_html(self, body: bytes) -> bytes:
        return body.replace(b"</body>", b"<!-- live reload --></body>")


def test_club_serve_sends_html_as_the_file_with_its_reload_script(settings, packed):
    app = create_app(settings, dev=DevStub())
    with TestClient(app, base_url=BASE_URL) as client:
        home = client.get("/", headers=BR)
        css = client.get("/style.css", headers=BR)
    app.state.portal.db.conn.close()
    assert "live reload" in home.text and not from_copy(home)
    assert css.headers["content-encoding"] == "br"
