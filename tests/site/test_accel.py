"""X-Accel-Redirect mode (CLUB_ACCEL_REDIRECT) and the reader cache of the gated hot path."""

from __future__ import annotations

import logging
import time
import types
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from portal.app import create_app
from portal.core import sessions
from portal.core.identity import suspend_user
from portal.site.accel import accel_target, usable_prefix
from portal.site.gated import ReaderCache

from tests.portal_fixtures import BASE_URL, SECRET_TEXT, make_user, sign_in, with_settings

PREFIX = "/_club_private/"
REPORT = "/analytics/report/"


@pytest.fixture
def accel_app(settings):
    application = create_app(with_settings(settings, accel_redirect=PREFIX))
    yield application
    application.state.portal.db.conn.close()


@pytest.fixture
def accel_client(accel_app):
    with TestClient(accel_app, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def accel_member(accel_app, accel_client) -> TestClient:
    make_user(accel_app.state.portal.db, "anna@svet-montazh.ru", member=True)
    sign_in(accel_client, "anna@svet-montazh.ru")
    return accel_client


def test_allowed_request_gets_the_header_and_no_body(accel_member):
    for response in (accel_member.get(REPORT), accel_member.head(REPORT), accel_member.get(REPORT + "index.html")):
        assert response.status_code == 200 and response.content == b""
        assert response.headers["x-accel-redirect"] == PREFIX + "analytics/report/index.html"
        assert response.headers["cache-control"] == "private, no-store" and response.headers["vary"] == "Cookie"
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "'sha256-" in response.headers["content-security-policy"]  # the page's own policy, as in-process


def test_members_search_index_is_sent_by_nginx_too(accel_member):
    response = accel_member.get("/search/search_index.json")
    assert response.content == b"" and response.headers["x-accel-redirect"] == PREFIX + "search/search_index.json"
    assert response.headers["cache-control"] == "private, no-store"


def test_nginx_sends_big_files_without_the_portal_reading_them(accel_app, accel_member, mini_site, monkeypatch):
    accel_app.state.portal.site.private.max_cached = 10  # the members' index is now a "big" file
    index = (mini_site / "private" / "search" / "search_index.json").resolve()
    real_read = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        assert path != index, "the portal read a file nginx is going to send"
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    response = accel_member.get("/search/search_index.json")
    assert response.headers["x-accel-redirect"] == PREFIX + "search/search_index.json"
    assert response.headers["content-type"] == "application/json; charset=utf-8"


def test_big_files_are_sent_whole_without_nginx(member, app):
    app.state.portal.site.private.max_cached = 10
    for _ in range(2):
        assert member.client.get("/search/search_index.json").json() == {"docs": ["public", "members"]}
        assert SECRET_TEXT in member.client.get(REPORT).text


def test_teasers_and_public_files_are_unchanged(accel_app, accel_client):
    anonymous = accel_client.get(REPORT)
    assert "club-teaser" in anonymous.text and SECRET_TEXT not in anonymous.text
    assert "x-accel-redirect" not in anonymous.headers
    assert anonymous.headers["cache-control"] == "private, no-store" and anonymous.headers["vary"] == "Cookie"
    assert "x-accel-redirect" not in accel_client.get("/analytics/").headers
    make_user(accel_app.state.portal.db, "boris@example.ru")  # registered, not a member: the next step
    sign_in(accel_client, "boris@example.ru")
    teaser = accel_client.get(REPORT)
    assert "Укажите компанию и телефон" in teaser.text and "x-accel-redirect" not in teaser.headers


def test_the_header_never_points_outside_site_private(accel_member, mini_site: Path):
    (mini_site / "private" / "analytics" / "brief" / "index.html").unlink()
    (mini_site / "private" / "analytics" / "brief" / "index.html").symlink_to(mini_site.parent / "outside.txt")
    paths = ["/analytics/report/../../outside.txt", "/analytics/report/%2e%2e/%2e%2e/outside.txt",
             "/analytics/report/..%2f..%2foutside.txt", "/../private/analytics/report/", "/..%5coutside.txt",
             "/analytics/report/%00", "/_club_private/analytics/report/index.html", "/%2e%2e/manifest.json",
             "/analytics/brief/", "/analytics/report/?x=../../outside.txt", REPORT]
    for path in paths:
        response = accel_member.get(path)
        assert "TOP SECRET" not in response.text, path
        target = response.headers.get("x-accel-redirect")
        if target is None:
            continue
        assert target.startswith(PREFIX) and ".." not in target.split("/"), (path, target)
        file = (mini_site / "private" / target.removeprefix(PREFIX)).resolve(strict=True)
        assert file.is_relative_to((mini_site / "private").resolve()), (path, target)
    assert accel_member.get(REPORT).headers["x-accel-redirect"] == PREFIX + "analytics/report/index.html"
    brief = accel_member.get("/analytics/brief/")  # the symlink out is refused: the teaser, served here
    assert "x-accel-redirect" not in brief.headers and "club-teaser" in brief.text


def test_accel_target_accepts_only_plain_relative_paths():
    assert accel_target(PREFIX, "a/b c/отчёт?.html#x") == PREFIX + "a/b%20c/%D0%BE%D1%82%D1%87%D1%91%D1%82%3F.html%23x"
    for bad in ("", "/etc/passwd", "../outside.txt", "a/../../b", "a//b", "./a", "a\\..\\b", "a/\x00"):
        with pytest.raises(ValueError):
            accel_target(PREFIX, bad)


def test_a_malformed_prefix_is_ignored_and_logged(settings, caplog):
    for bad in ("_club_private/", "/_club_private", "/../", "/a b/", "http://x/", "/x/../"):
        assert not usable_prefix(bad)
    assert usable_prefix("/_club_private/") and usable_prefix("/internal/club-files/")
    app = create_app(with_settings(settings, accel_redirect="/not a prefix/"))
    make_user(app.state.portal.db, "anna@svet-montazh.ru", member=True)
    with caplog.at_level(logging.ERROR, logger="portal"), TestClient(app, base_url=BASE_URL) as client:
        sign_in(client, "anna@svet-montazh.ru")
        response = client.get(REPORT)
    app.state.portal.db.conn.close()
    assert SECRET_TEXT in response.text and "x-accel-redirect" not in response.headers
    assert "CLUB_ACCEL_REDIRECT" in caplog.text


class DevStub:
    def routes(self) -> list:
        return []

    def decorate_html(self, body: bytes) -> bytes:
        return body + b"<!-- live reload -->"


def test_the_dev_server_sends_pages_itself(settings):
    """`club serve` has no nginx in front: the setting must not leave members with empty pages."""
    app = create_app(with_settings(settings, accel_redirect=PREFIX), dev=DevStub())
    make_user(app.state.portal.db, "anna@svet-montazh.ru", member=True)
    with TestClient(app, base_url=BASE_URL) as client:
        sign_in(client, "anna@svet-montazh.ru")
        response = client.get(REPORT)
    app.state.portal.db.conn.close()
    assert SECRET_TEXT in response.text and "live reload" in response.text
    assert "x-accel-redirect" not in response.headers


# The reader cache: a session's user is remembered while the database is unchanged, at most 1 s.


def test_the_cache_lives_seconds_at_most():
    assert ReaderCache().ttl <= 2.0


def test_sign_out_ends_access_at_once(member):
    client = member.client
    assert SECRET_TEXT in client.get(REPORT).text
    raw = client.cookies["club_session"]
    page = client.get("/account/logout").text
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    client.post("/account/logout", data={"csrf": token}, follow_redirects=False)
    client.cookies.set("club_session", raw, domain="127.0.0.1")  # the old cookie, replayed
    assert SECRET_TEXT not in client.get(REPORT).text


@pytest.mark.parametrize("through", ["another connection", "the portal's connection"])
def test_revoked_sessions_stop_working_on_the_next_request(member, app, db, through):
    assert SECRET_TEXT in member.client.get(REPORT).text
    assert SECRET_TEXT in member.client.get(REPORT).text  # now served from the cache
    connection = db if through == "another connection" else app.state.portal.db
    assert sessions.revoke_sessions(connection, member.user.id) == 1
    assert SECRET_TEXT not in member.client.get(REPORT).text


def test_suspension_closes_the_page_on_the_next_request(member, db):
    assert SECRET_TEXT in member.client.get(REPORT).text
    suspend_user(db, member.user.id, "test")
    assert SECRET_TEXT not in member.client.get(REPORT).text


def test_expiry_that_no_write_announces_is_enforced_within_the_ttl(member, app, settings, monkeypatch):
    readers = app.state.portal.site.readers
    clock = [1000.0]
    readers.clock = lambda: clock[0]
    assert SECRET_TEXT in member.client.get(REPORT).text
    later = types.SimpleNamespace(time=lambda: time.time() + settings.session_idle_seconds + 5)
    monkeypatch.setattr(sessions, "time", later)  # the session is idle-expired from now on
    clock[0] += readers.ttl / 2
    assert SECRET_TEXT in member.client.get(REPORT).text  # the bounded staleness: nothing was written
    clock[0] += readers.ttl / 2 + 0.01
    assert SECRET_TEXT not in member.client.get(REPORT).text
    assert app.state.portal.db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0


def test_the_benchmark_reads_wrk_output(monkeypatch):
    """bench/serve.py judges PASS/FAIL from wrk's text: units and error lines must not fool it."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_serve", Path(__file__).parents[2] / "bench" / "serve.py")
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_serve", bench)  # dataclasses look their module up there
    spec.loader.exec_module(bench)
    output = """Running 10s test @ http://127.0.0.1:8080/analytics/x/
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.61ms    1.10ms  31.52ms   80.00%
  Latency Distribution
     50%  850.00us
     75%    4.90ms
     90%    5.80ms
     99%    1.20s
  99512 requests in 10.00s, 3.42GB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:   9951.20
Transfer/sec:    350.13MB
"""
    result = bench.parse_wrk(output)
    assert (result.rps, result.p50_ms, result.p99_ms, result.errors) == (9951.2, 0.85, 1200.0, 12)
    assert bench.verdict(result, bench.WrkResult(50_000.0, 0.5, 1.0, 0)) == "FAIL"  # p99 and errors
    with pytest.raises(ValueError):
        bench.parse_wrk("unable to connect to 127.0.0.1:8080 Connection refused")
