"""deploy/nginx/club.conf with a real nginx (Debian's nginx-light) in front of a real portal, over TLS.

Its placeholders are replaced here (each must still be in the file), the non-root main config is
bench/serve.py's, as for docs/nginx.conf.example in tests/ops/test_nginx_example.py, with Debian's
`gzip on` added to show the server block turns it off for the portal's answers. Skipped without
nginx, except in CI (CLUB_REQUIRE_NGINX=1).
"""

from __future__ import annotations

import contextlib
import gzip
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from portal.core.db import connect

from ..live_portal import live_portal, sign_in
from ..portal_fixtures import SECRET_TEXT, make_user
from ..smtp_server import make_tls_contexts
from .deploy_files import DEPLOY, REPO, nginx_block, nginx_directive
from .test_nginx_example import load_bench
from .workers import port_of

pytestmark = pytest.mark.slow
NGINX = "/usr/sbin/nginx"
CONFIG = DEPLOY / "nginx" / "club.conf"
MEMBER = "anna@svet-montazh.ru"


def deploy_config(site: Path, tls: Path, webroot: Path, http: int, https: int, portal: int) -> str:
    text = CONFIG.read_text(encoding="utf-8")
    for old, new in {"/srv/club/site": str(site), "127.0.0.1:8000": f"127.0.0.1:{portal}",
                     "listen 80;": f"listen 127.0.0.1:{http};", "listen [::]:80;": "",
                     "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;", "listen [::]:443 ssl http2;": "",
                     "/etc/letsencrypt/live/club.example.ru/fullchain.pem": str(tls / "cert.pem"),
                     "/etc/letsencrypt/live/club.example.ru/privkey.pem": str(tls / "key.pem"),
                     "/var/www/html": str(webroot)}.items():
        assert old in text, f"{CONFIG} no longer contains {old!r}: update this test"
        text = text.replace(old, new)
    return text


def test_the_deploy_config_keeps_the_examples_locations():
    """What deploy/nginx/club.conf copies from docs/nginx.conf.example (explained in docs/nginx.md) stays equal."""
    example = (REPO / "docs" / "nginx.conf.example").read_text(encoding="utf-8")
    deploy = CONFIG.read_text(encoding="utf-8")
    for opening in ("upstream club_portal", "location @portal", "location @too_large", "location ^~ /_club_private/",
                    "location ^~ /certificates/"):
        assert nginx_block(deploy, opening) == nginx_block(example, opening), opening
    for directive in ("proxy_set_header", "proxy_http_version", "client_max_body_size", "error_page"):
        assert nginx_directive(deploy, directive) == nginx_directive(example, directive), directive


@dataclass
class Stack:
    http: int
    https: int
    site: Path
    webroot: Path
    verify: object  # the ssl context that trusts the test certificate

    def client(self, **transport) -> httpx.Client:
        return httpx.Client(base_url=f"https://127.0.0.1:{self.https}", timeout=30, follow_redirects=False,
                            transport=httpx.HTTPTransport(verify=self.verify, **transport))


@pytest.fixture
def nginx() -> str:
    if not os.path.exists(NGINX):
        if os.environ.get("CLUB_REQUIRE_NGINX"):
            pytest.fail(f"nginx not found at {NGINX}; install Debian's nginx-light package")
        pytest.skip("nginx is not installed (apt-get install nginx-light); CI runs this test")
    return NGINX


def main_config(tmp: Path, site: Path, club_conf: str) -> Path:
    """bench/serve.py's non-root main config around this server block, with Debian's `gzip on`."""
    bench = load_bench()
    path = bench.nginx_conf(tmp, site, "1", bench.free_port(), bench.free_port())
    (tmp / "club.conf").write_text(club_conf, encoding="utf-8")  # in place of the docs' example
    main = path.read_text(encoding="utf-8")
    assert "    access_log off;\n" in main
    if "gzip on;" not in main:  # bench/serve.py's main config has Debian's `gzip on` already
        main = main.replace("    access_log off;\n", "    access_log off;\n    gzip on;\n")
    path.write_text(main, encoding="utf-8")
    return path


@pytest.fixture
def stack(nginx: str, tmp_path: Path, mini_site: Path, settings) -> Iterator[Stack]:
    bench = load_bench()
    http, https = bench.free_port(), bench.free_port()
    _server, client_context = make_tls_contexts(tmp_path / "tls")
    webroot = tmp_path / "acme"
    (webroot / ".well-known" / "acme-challenge").mkdir(parents=True)
    db = with_member(settings.database)
    env = {"CLUB_DATABASE": str(db), "CLUB_SITE_DIR": str(mini_site), "CLUB_BASE_URL": f"https://127.0.0.1:{https}",
           "CLUB_SECRET_KEY": settings.secret_key, "CLUB_CONFIG": str(settings.club_config),
           "CLUB_SMTP_URL": settings.smtp_url or "", "CLUB_TRUSTED_PROXIES": "127.0.0.1",
           "CLUB_ACCEL_REDIRECT": "/_club_private/"}
    log = tmp_path / "nginx-error.log"
    with live_portal(env) as live:
        conf = main_config(tmp_path, mini_site, deploy_config(mini_site, tmp_path / "tls", webroot, http, https,
                                                                port_of(live.base)))
        tested = subprocess.run([NGINX, "-t", "-c", str(conf), "-e", str(log)], capture_output=True, text=True)
        assert tested.returncode == 0, tested.stderr  # `nginx -t`: the syntax and every file it names
        process = bench.start_nginx(conf, log)
        try:
            stack = Stack(http, https, mini_site, webroot, client_context)
            wait_up(stack, process, log)
            yield stack
        finally:
            process.terminate()
            process.wait(timeout=20)
            print(f"---- nginx ----\n{log.read_text() if log.exists() else ''}")


def with_member(database: Path) -> Path:
    db = connect(database)
    try:
        make_user(db, MEMBER, member=True)
    finally:
        db.conn.close()
    return database


def wait_up(stack: Stack, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    with stack.client() as client:
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            with contextlib.suppress(httpx.HTTPError):
                client.get("/healthz")
                return
            time.sleep(0.1)
    raise AssertionError(f"nginx did not answer:\n{log.read_text()}")


def test_port_80_redirects_to_https_but_answers_certbot(stack: Stack):
    (stack.webroot / ".well-known" / "acme-challenge" / "token-1").write_text("token-1.key")
    with httpx.Client(base_url=f"http://127.0.0.1:{stack.http}", timeout=30) as plain:
        moved = plain.get("/analytics/?x=1")
        assert moved.status_code == 301 and moved.headers["location"] == "https://127.0.0.1/analytics/?x=1"
        challenge = plain.get("/.well-known/acme-challenge/token-1")
        assert challenge.status_code == 200 and challenge.text == "token-1.key"
        assert plain.get("/healthz").status_code == 301  # nothing of the portal over plain http


def test_assets_from_disk_precompressed_and_pages_from_the_portal_uncompressed(stack: Stack):
    css = stack.site / "public" / "style.css"
    css.write_text("body { color: #333; }\n" * 40)
    (stack.site / "public" / "style.css.gz").write_bytes(gzip.compress(css.read_bytes()))
    with stack.client() as client:
        asset = client.get("/style.css", headers={"Accept-Encoding": "gzip"})
        assert asset.headers["content-encoding"] == "gzip" and asset.content == css.read_bytes()
        assert "accept-encoding" in asset.headers["vary"].lower()
        plain = client.get("/style.css", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.content == css.read_bytes()
        page = client.get("/", headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200 and "content-encoding" not in page.headers  # BREACH: never compressed
        assert "content-security-policy" in page.headers and page.headers["server"] == "nginx"  # no version


def test_members_pages_through_tls_and_x_accel_redirect(stack: Stack):
    with stack.client() as client:
        assert SECRET_TEXT not in client.get("/analytics/report/").text
        assert sign_in(client, MEMBER).status_code == 303  # the __Host- Secure cookie, over https
        page = client.get("/analytics/report/")
        assert page.status_code == 200 and SECRET_TEXT in page.text
        assert page.headers["cache-control"] == "private, no-store"
        assert "strict-transport-security" in page.headers  # the portal's, copied by the internal location
        assert client.get("/_club_private/analytics/report/index.html").status_code == 404


def test_healthz_only_for_this_host(stack: Stack):
    with stack.client() as client:
        here = client.get("/healthz")
        assert here.status_code == 200 and here.json()["status"] == "ok"
        assert here.headers["cache-control"] == "no-store"
    with stack.client(local_address="127.0.0.2") as elsewhere:  # another address on the loopback: not "this host"
        assert elsewhere.get("/healthz").status_code == 403
        assert elsewhere.get("/").status_code == 200
