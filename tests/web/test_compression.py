"""Brotli and gzip for the portal's own answers (portal/web/compression.py), and what they must leave alone."""

from __future__ import annotations

import asyncio
import gzip
import zlib

import brotli
import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from portal.web.compression import DynamicCompression, etag_matches
from tests.portal_fixtures import PAD, page

GZ = {"Accept-Encoding": "gzip, deflate"}
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # Chrome over HTTPS


def get_raw(client: TestClient, method: str, path: str, **kwargs):
    """The answer and its body as sent (httpx would decode gzip itself)."""
    with client.stream(method, path, **kwargs) as response:
        return response, b"".join(response.iter_raw())


def test_portal_pages_are_gzipped_with_the_security_headers(client):
    plain = client.get("/account/login", headers={"Accept-Encoding": "identity"})
    response, body = get_raw(client, "GET", "/account/login", headers=GZ)
    assert response.headers["content-encoding"] == "gzip" and response.headers["vary"] == "Cookie, Accept-Encoding"
    assert int(response.headers["content-length"]) == len(body) < len(plain.content)
    # The form's CSRF token differs per browser; the page around it is the same.
    assert gzip.decompress(body).decode().split('name="csrf"')[0] == plain.text.split('name="csrf"')[0]
    for header in ("content-security-policy", "x-frame-options", "x-content-type-options", "cache-control"):
        assert response.headers[header] == plain.headers[header]
    head = client.head("/account/login", headers=GZ)
    assert head.headers["content-encoding"] == "gzip" and head.content == b""


def test_error_pages_are_gzipped_including_the_ones_security_answers_itself(client, mini_site):
    (mini_site / "public/404.html").write_text(page("nothing here" + PAD), encoding="utf-8")  # without copies
    missing, body = get_raw(client, "GET", "/nope/", headers=GZ)
    assert missing.status_code == 404 and missing.headers["content-encoding"] == "gzip"
    assert b"nothing here" in gzip.decompress(body)
    cross_site = {**GZ, "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    too_big = {**GZ, "Content-Length": "99999999"}
    for headers, status in ((cross_site, 403), (too_big, 413)):  # answered by SecurityMiddleware itself
        answer, body = get_raw(client, "POST", "/account/login", headers=headers)
        assert answer.status_code == status and answer.headers["content-encoding"] == "gzip"
        assert answer.headers["x-frame-options"] == "DENY" and b"<html" in gzip.decompress(body)


def test_browsers_that_take_brotli_get_it_with_the_same_page_inside(client):
    plain = client.get("/account/login", headers={"Accept-Encoding": "identity"})
    for accept in (BROWSER["Accept-Encoding"], "br", "gzip;q=0.5, br;q=0.9"):
        response, body = get_raw(client, "GET", "/account/login", headers={"Accept-Encoding": accept})
        assert response.headers["content-encoding"] == "br", accept
        assert int(response.headers["content-length"]) == len(body) < len(plain.content)
        assert brotli.decompress(body).decode().split('name="csrf"')[0] == plain.text.split('name="csrf"')[0]
    answer, _ = get_raw(client, "GET", "/account/login", headers={"Accept-Encoding": "br;q=0.5, gzip"})
    assert answer.headers["content-encoding"] == "gzip"  # the client's preference wins over ours


def test_nothing_is_compressed_for_clients_that_refuse_it(client):
    for accept in ("identity", "gzip;q=0", "", "br;q=0, gzip;q=0", "deflate, zstd"):
        response = client.get("/account/login", headers={"Accept-Encoding": accept})
        assert "content-encoding" not in response.headers, accept


def test_small_answers_stay_as_they_are(client):
    status = client.get("/account/status", headers=GZ)
    assert status.json() == {"signed_in": False} and "content-encoding" not in status.headers


def test_precompressed_copies_pass_through_untouched(client, packed):
    response, body = get_raw(client, "GET", "/", headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["content-encoding"] == "br" and body == (packed / "public/index.html.br").read_bytes()


def test_a_static_file_too_small_for_copies_is_gzipped_with_a_weak_etag_that_revalidates(client, mini_site):
    (mini_site / "public/style.css").write_text("body{color:#222}\n" * 45)  # 765 bytes: no copy from the build
    response = client.get("/style.css", headers=GZ)
    assert response.headers["content-encoding"] == "gzip" and response.headers["etag"].startswith('W/"')
    again = client.get("/style.css", headers={**GZ, "If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_etags_compare_weakly_as_if_none_match_wants():
    assert etag_matches('W/"a1"', '"a1"') and etag_matches('"x", W/"a1"', '"a1"') and etag_matches("*", '"a1"')
    assert not etag_matches('"a1-br"', '"a1"') and not etag_matches(None, '"a1"') and not etag_matches("", '"a1"')


def small_app() -> DynamicCompression:
    async def big_json(request):
        return JSONResponse({"items": ["Светильник"] * 200})

    async def picture(request):
        return Response(b"\x89PNG" + b"\x00" * 5000, media_type="image/png")

    async def partial(request):
        return Response(b"a" * 5000, status_code=206, media_type="text/plain")

    routes = [Route("/json", big_json), Route("/png", picture), Route("/partial", partial)]
    return DynamicCompression(Starlette(routes=routes))


def test_json_is_gzipped_but_pictures_and_partial_answers_are_not():
    with TestClient(small_app()) as client:
        json_answer, body = get_raw(client, "GET", "/json", headers=GZ)
        assert json_answer.headers["content-encoding"] == "gzip" and b"items" in gzip.decompress(body)
        for path in ("/png", "/partial"):
            assert "content-encoding" not in client.get(path, headers=GZ).headers, path


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_streamed_answer_still_streams(coding):
    """Each chunk is sent, and can be decoded, as soon as it is made, not when the answer ends."""
    parts = [b"<p>first " + b"x" * 600 + b"</p>", b"<p>second</p>", b"<p>third</p>"]
    sent: list[dict] = []
    on_the_wire: list[bytes] = []  # what the client had when each next chunk was being made

    async def chunks():
        for part in parts:
            on_the_wire.append(b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"))
            yield part

    asked = []

    async def receive():
        if not asked:
            asked.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # no disconnect: the answer's end cancels this

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [(b"accept-encoding", coding.encode())]}
    asyncio.run(DynamicCompression(StreamingResponse(chunks(), media_type="text/html"))(scope, receive, send))
    headers = dict(sent[0]["headers"])
    assert headers[b"content-encoding"] == coding.encode() and b"content-length" not in headers
    if coding == "gzip":
        decoded = [zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(wire) for wire in on_the_wire]
    else:
        decoded = [brotli.Decompressor().process(wire) for wire in on_the_wire]
    assert decoded == [b"", parts[0], parts[0] + parts[1]]
    whole = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert (gzip.decompress(whole) if coding == "gzip" else brotli.decompress(whole)) == b"".join(parts)
