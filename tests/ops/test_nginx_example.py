"""docs/nginx.conf.example with a real nginx in front of a real portal (uvicorn), over real HTTP.

The example's placeholders are filled in, and its non-root main config (pid, logs, temp paths in
tmp_path) written, by bench/serve.py, loaded here by path as in test_accel.py: the benchmark and
this test cannot run two different configs. Skipped without nginx, except in CI
(CLUB_REQUIRE_NGINX=1, set by .ci/run), where a missing nginx is a failure.
"""

from __future__ import annotations

import dataclasses
import functools
import http.client
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from urllib.parse import urlencode

import pytest

from portal.core.db import connect
from portal.core.settings import Settings, load_settings
from portal.forum import store as forum_store
from tests.portal_fixtures import PASSWORD, SECRET_TEXT, csrf_of, make_user

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
NGINX = "/usr/sbin/nginx"
REPORT = "/analytics/report/"
MEDIA = "/analytics/report/chart.png"  # linked only from the closed report: site/private, no teaser
CHART = b"\x89PNG\r\n\x1a\n members-only chart of the office segment"
EMAIL = "anna@svet-montazh.ru"


@functools.cache
def load_bench() -> ModuleType:
    """bench/serve.py as a module (bench/ is not a package; it is run as a script), loaded once."""
    spec = importlib.util.spec_from_file_location("bench_serve", REPO / "bench" / "serve.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_serve", bench)  # its dataclasses look their module up there
    spec.loader.exec_module(bench)
    return bench


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """Plain HTTP/1.1 to nginx, keeping cookies and sending the Origin a browser sends with a form."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return answer

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, body: bytes) -> Answer:
        form = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin}
        return self.request("POST", path, body, form)

    def submit(self, form_page: str, data: dict[str, str]) -> Answer:
        """GET the page with the form, then POST `data` with its CSRF token to the same URL."""
        token = csrf_of(self.get(form_page).text)
        return self.post(form_page, urlencode({"csrf": token, **data}).encode())

    def sign_in(self, email: str) -> None:
        answer = self.submit("/account/login", {"email": email, "password": PASSWORD, "next": "/account/"})
        assert answer.status == 303, answer.text


@dataclass
class Stack:
    port: int
    site: Path
    database: Path
    topic_id: int


@pytest.fixture
def nginx() -> str:
    if not os.path.exists(NGINX):
        if os.environ.get("CLUB_REQUIRE_NGINX"):
            pytest.fail(f"nginx not found at {NGINX}; install Debian's nginx-light package")
        pytest.skip("nginx is not installed (apt-get install nginx-light); CI runs this test")
    return NGINX


def add_closed_media(site: Path) -> None:
    """A file linked only from the members' report, listed in the manifest as `club build` writes it."""
    (site / "private" / MEDIA.lstrip("/")).write_bytes(CHART)
    manifest = site / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["media"] = {MEDIA: "members"}
    manifest.write_text(json.dumps(data), encoding="utf-8")


def seed(settings: Settings) -> int:
    """A member (the portal's own code, straight into SQLite) and a forum topic; the topic's id."""
    db = connect(settings.database)
    try:
        author = make_user(db, EMAIL, member=True)
        category = forum_store.create_category(db, "obshchee", "Общие вопросы", "Обо всём", 1)
        topic, _ = forum_store.create_topic(db, category, author, "Как подключить DALI-драйвер?", "Подскажите схему.")
        return topic.id
    finally:
        db.conn.close()


def wait_up(port: int, process: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"a server exited:\n{log.read_text()}")
        try:
            Browser(port).get("/account/login")
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"127.0.0.1:{port} did not answer in {timeout:.0f} s:\n{log.read_text()}")


@pytest.fixture
def stack(nginx: str, tmp_path: Path, mini_site: Path) -> Iterator[Stack]:
    """uvicorn with CLUB_ACCEL_REDIRECT behind nginx running docs/nginx.conf.example, on free ports."""
    bench = load_bench()
    add_closed_media(mini_site)
    port, portal_port = bench.free_port(), bench.free_port()
    env = bench.portal_env(tmp_path, mini_site, port, accel=True)  # CLUB_BASE_URL is nginx's address
    settings = load_settings(env_file=None, environ_=env)
    topic_id = seed(settings)
    processes: list[subprocess.Popen] = []
    logs = (tmp_path / "portal.log", tmp_path / "nginx-error.log")
    try:
        processes.append(bench.start_portal(env, portal_port, tmp_path, logs[0]))
        wait_up(portal_port, processes[0], logs[0])
        conf = bench.nginx_conf(tmp_path, mini_site, "1", port, portal_port)
        processes.append(bench.start_nginx(conf, logs[1]))
        wait_up(port, processes[1], logs[1])
        yield Stack(port, mini_site, settings.database, topic_id)
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=20)
        for log in logs:  # pytest shows them only when the test failed
            print(f"---- {log.name} ----\n{log.read_text() if log.exists() else ''}")


@pytest.mark.parametrize("config", ["docs/nginx.conf.example", "deploy/nginx/club.conf"])
def test_the_example_limits_bodies_exactly_as_the_portal_does(config):
    """client_max_body_size and CLUB_MAX_BODY_BYTES (CLUB_MAX_UPLOAD_BYTES for the feedback form with
    files) must agree (docs/nginx.md explains why)."""
    example = (REPO / config).read_text(encoding="utf-8")
    found = re.findall(r"^\s*client_max_body_size (\d+)([km]);", example, re.M)
    defaults = {field.name: field.default for field in dataclasses.fields(Settings)}
    assert [int(size) * 1024 ** {"k": 1, "m": 2}[unit] for size, unit in found] == [
        defaults["max_body_bytes"], defaults["max_upload_bytes"]]


def test_anonymous_readers_get_teasers_and_public_files_from_disk(stack: Stack):
    reader = Browser(stack.port)
    teaser = reader.get(REPORT)
    assert teaser.status == 200 and "club-teaser" in teaser.text and SECRET_TEXT not in teaser.text
    assert reader.get(MEDIA).status == 404 and CHART not in reader.get(MEDIA).body
    asset = reader.get("/style.css")
    assert asset.status == 200 and asset.body == (stack.site / "public" / "style.css").read_bytes()
    # Every answer of the portal carries a Content-Security-Policy; nginx's asset location adds none.
    assert "content-security-policy" not in asset.headers and asset.headers["cache-control"] == "public, max-age=300"
    assert "content-security-policy" in teaser.headers


def test_members_get_closed_pages_and_their_media_from_nginx(stack: Stack):
    member = Browser(stack.port)
    member.sign_in(EMAIL)
    page = member.get(REPORT)
    assert page.status == 200 and page.body == (stack.site / "private" / "analytics/report/index.html").read_bytes()
    chart = member.get(MEDIA)
    assert (chart.status, chart.body, chart.headers["content-type"]) == (200, CHART, "image/png")
    for answer in (page, chart):
        assert answer.headers["cache-control"] == "private, no-store" and answer.headers["vary"] == "Cookie"
        assert "x-accel-redirect" not in answer.headers


def test_members_get_compressed_copies_through_nginx_and_assets_come_gzipped(stack: Stack, packed: Path):
    import gzip

    import brotli

    member = Browser(stack.port)
    member.sign_in(EMAIL)
    full = (packed / "private" / "analytics/report/index.html").read_bytes()
    for encoding, unpack in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        answer = member.request("GET", REPORT, headers={"Accept-Encoding": encoding})
        assert answer.status == 200 and answer.headers["content-encoding"] == encoding
        assert unpack(answer.body) == full  # once: nginx's `gzip on` did not compress the copy again
        assert answer.headers["content-type"] == "text/html; charset=utf-8"
        assert answer.headers["vary"] == "Cookie, Accept-Encoding" and "x-accel-redirect" not in answer.headers
    plain = member.request("GET", REPORT, headers={"Accept-Encoding": "identity"})
    assert plain.body == full and "content-encoding" not in plain.headers
    asset = member.request("GET", "/style.css", headers={"Accept-Encoding": "gzip, br"})
    assert asset.headers["content-encoding"] == "gzip"  # gzip_static: the build's copy, from disk
    assert gzip.decompress(asset.body) == (packed / "public" / "style.css").read_bytes()


def test_the_internal_location_is_not_reachable_directly(stack: Stack):
    member = Browser(stack.port)
    member.sign_in(EMAIL)
    for path in ("/_club_private" + MEDIA, "/_club_private" + REPORT + "index.html", "/_club_private/"):
        answer = member.get(path)
        assert answer.status == 404, path
        assert CHART not in answer.body and SECRET_TEXT not in answer.text, path


def test_certificate_checks_reach_the_portal(stack: Stack):
    """/certificates/<code> is the portal's: a forged code gets its "not valid" page, never nginx's own 404."""
    answer = Browser(stack.port).get("/certificates/AAAAAAAAAAE.forgedforgedforgedforg")
    assert answer.status == 404 and "Сертификат не действителен" in answer.text


def test_a_20000_character_cyrillic_reply_is_saved(stack: Stack):
    member = Browser(stack.port)
    member.sign_in(EMAIL)
    text = ("Схема подключения драйвера к светильнику в офисе. " * 400)[:19_999] + "."
    form_page = f"/forum/t/{stack.topic_id}/reply"
    assert len(urlencode({"body": text})) > 100_000  # 6 bytes a letter once form-encoded: over the old 64k
    answer = member.submit(form_page, {"body": text})
    assert answer.status == 303, (answer.status, answer.text[:500])
    db = connect(stack.database)
    try:
        saved = db.execute("SELECT body FROM forum_posts WHERE topic_id = ? ORDER BY number DESC LIMIT 1",
                           [stack.topic_id]).fetchone()[0]
    finally:
        db.conn.close()
    assert saved == text


def test_a_body_over_the_limit_gets_the_portals_readable_page(stack: Stack):
    member = Browser(stack.port)
    member.sign_in(EMAIL)
    form_page = f"/forum/t/{stack.topic_id}/reply"
    token = csrf_of(member.get(form_page).text)
    body = urlencode({"csrf": token, "body": "Ж" * 100_000}).encode()  # 600,000 bytes > 512 KiB
    # Sent chunked there is no Content-Length: nginx finds out while reading, the portal is told alike.
    chunked = {"Transfer-Encoding": "chunked", "Content-Type": "application/x-www-form-urlencoded",
               "Origin": member.origin}
    in_chunks = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    for answer in (member.post(form_page, body), member.request("POST", form_page, in_chunks, chunked)):
        assert answer.status == 413
        assert "Слишком большой запрос" in answer.text and "Отправлено слишком много данных" in answer.text
        assert "<center>nginx" not in answer.text
    # The portal was told of a body it never got: the requests after must not be confused by it.
    for _ in range(3):
        assert member.get(REPORT).status == 200


def test_a_feedback_request_with_photos_over_the_page_limit_passes_nginx(stack: Stack):
    """Two photos of 2 MB each: over the 512 KiB of other forms, within the upload location's 11 MB."""
    member = Browser(stack.port)
    member.sign_in(EMAIL)
    form = member.get("/feedback/new").text
    token, nonce = csrf_of(form), re.search(r'name="nonce" value="([^"]*)"', form).group(1)
    photo = b"\x89PNG\r\n\x1a\n" + bytes(2 * 1024 * 1024)
    boundary = "clubboundary7e3f"
    fields = {"csrf": token, "nonce": nonce, "kind": "question", "subject": "Фото щитка",
              "body": "Посмотрите, пожалуйста."}
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    for number in (1, 2):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="shchit-{number}.png"'
                     f'\r\nContent-Type: image/png\r\n\r\n'.encode() + photo + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    answer = member.request("POST", "/feedback/new", body, {
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Origin": member.origin})
    assert answer.status == 303, (answer.status, answer.text[:500])
    request_page = member.get(answer.headers["location"])
    assert request_page.status == 200 and request_page.text.count('href="/feedback/files/') == 2
    first = re.search(r'href="(/feedback/files/\d+)"', request_page.text).group(1)
    got = member.get(first)
    assert got.status == 200 and got.body == photo and "no-store" in got.headers["cache-control"]
    assert Browser(stack.port).get(first).status in (303, 404)  # a stranger: never the file
