"""Benchmark the portal serving a gated page against nginx serving the same file.

Three servers answer the same members-only page, each driven by `wrk -t2 -c50 -d10s --latency`:

* nginx:  nginx (Debian package) serving site/private/<page>/index.html as a plain static file;
* portal: uvicorn + `portal.app:create_app`, the page gated to a signed-in member (session cookie),
          the whole decision and the bytes in-process;
* accel:  nginx in front of a second portal started with CLUB_ACCEL_REDIRECT=/_club_private/: the
          portal only authorises, nginx sends the file. The nginx config is docs/nginx.conf.example
          itself (its paths and ports substituted), so this row proves that config works.

Before measuring, each URL is fetched once with curl and must return exactly the private file
(the full page, not the teaser) with the portal's private/no-store headers.

Fairness: one uvicorn worker against nginx with `worker_processes 1` (--nginx-workers auto to
change); access logs off on both; wrk, the servers and this script share the machine's cores.

Target (the customer's issue): portal requests/s >= 15 % of nginx's, portal p99 < 25 ms.

Usage: python bench/serve.py [--site DIR] [--runs N] [--nginx-workers auto] ... (--help); uvicorn
uses uvloop and httptools when they are installed (pip install 'uvicorn[standard]').
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "docs" / "nginx.conf.example"
ACCEL_PREFIX = "/_club_private/"
MIN_RATIO = 0.15
MAX_P99_MS = 25.0
# The placeholders docs/nginx.conf.example uses; each must occur, so the doc and the bench cannot drift.
PLACEHOLDERS = ("/srv/club/site", "127.0.0.1:8000", "listen 80;", "club.example.ru")


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers plus socket errors


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="a built site/ folder (public, private, manifest.json)")
    parser.add_argument("--runs", type=int, default=1, help="rounds of the three measurements")
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--nginx-workers", default="1", help="nginx worker_processes: 1 (default) or auto")
    parser.add_argument("--skip-accel", action="store_true", help="measure nginx and the portal only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_site(tmp: Path) -> Path:
    """A throwaway project with the repo's demo content, built by `club build`."""
    project = tmp / "project"
    project.mkdir()
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    (project / "themes").symlink_to(REPO / "themes")
    shutil.copytree(REPO / "content", project / "content")
    print("building the demo site (about 20 s)...", flush=True)
    subprocess.run([sys.executable, "-m", "portal.cli", "--config", str(project / "mkdocs.yml"), "build"],
                   check=True, cwd=project, stdout=subprocess.DEVNULL)
    return project / "site"


def members_page(site: Path) -> tuple[str, Path]:
    """The first members-only URL of the manifest and its full page in site/private."""
    pages = json.loads((site / "manifest.json").read_text(encoding="utf-8"))["pages"]
    url = next(url for url, entry in pages.items() if entry["access"] == "members")
    return url, site / "private" / url.strip("/") / "index.html"


def portal_env(tmp: Path, site: Path, port: int, accel: bool) -> dict[str, str]:
    env = {**os.environ, "CLUB_DATABASE": str(tmp / "var" / "club.db"), "CLUB_SITE_DIR": str(site),
           "CLUB_BASE_URL": f"http://127.0.0.1:{port}", "CLUB_SECRET_KEY": secrets.token_urlsafe(48),
           "CLUB_OUTBOX": str(tmp / "var" / "outbox"), "CLUB_CONFIG": str(REPO / "mkdocs.yml")}
    env.pop("CLUB_ACCEL_REDIRECT", None)
    if accel:
        env["CLUB_ACCEL_REDIRECT"] = ACCEL_PREFIX
    return env


def member_cookie(env: dict[str, str]) -> str:
    """A confirmed member (company + phone) and a session for them, made with the portal's own code."""
    from starlette.requests import Request
    from starlette.responses import Response

    from portal.core import identity as identity
    from portal.core import sessions
    from portal.core.companies import find_or_create_company
    from portal.core.db import connect
    from portal.core.settings import load_settings

    settings = load_settings(env_file=None, environ_=env)
    db = connect(settings.database)
    user = identity.create_user(db, name="Анна Светлова", email="anna@svet-montazh.ru", password_hash=None,
                                language="ru", consent=True, confirmed=True)
    company = find_or_create_company(db, "ООО «Свет-Монтаж»")
    identity.update_profile(db, user.id, identity.ProfileUpdate(name=user.name, company_id=company.id,
                                                                phone="+79123456789"))
    response = Response()
    request = Request({"type": "http", "method": "GET", "headers": [], "client": ("127.0.0.1", 1)})
    sessions.start_session(db, settings, request, response, user.id)
    db.conn.close()
    name = sessions.cookie_name(settings)
    raw = re.search(rf"{re.escape(name)}=([^;]+)", response.headers["set-cookie"]).group(1)
    return f"{name}={raw}"


def start_portal(env: dict[str, str], port: int, cwd: Path, log: Path, repo: Path = REPO) -> subprocess.Popen:
    """uvicorn serving `repo`'s portal (another checkout's for before/after figures)."""
    # cwd is the temp folder, so a developer's .env in the repo cannot change what is measured.
    command = [sys.executable, "-m", "uvicorn", "--factory", "portal.app:create_app", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", "--no-access-log", "--no-proxy-headers"]
    path = os.pathsep.join(filter(None, [str(repo), env.get("PYTHONPATH")]))
    with log.open("w") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, env={**env, "PYTHONPATH": path}, cwd=cwd, stdout=out,
                                stderr=subprocess.STDOUT)


MAIN_CONF = """{user}
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    access_log off;
    gzip on;  # as in Debian's nginx.conf, which includes the example config: it must not compress twice
    client_body_temp_path {tmp}/nginx/client_body;
    proxy_temp_path {tmp}/nginx/proxy;
    fastcgi_temp_path {tmp}/nginx/fastcgi;
    uwsgi_temp_path {tmp}/nginx/uwsgi;
    scgi_temp_path {tmp}/nginx/scgi;
{static}    include {tmp}/club.conf;
}}
"""
STATIC_SERVER = """    server {{
        listen 127.0.0.1:{port};
        root {site}/private;
        index index.html;
    }}
"""


def example_config(site: Path, port: int, portal_port: int) -> str:
    """docs/nginx.conf.example on 127.0.0.1:`port` for `site` and a portal on `portal_port`.

    tests/ops/test_nginx_example.py runs it too, so the placeholders are replaced in this one place."""
    example = EXAMPLE.read_text(encoding="utf-8")
    for placeholder in PLACEHOLDERS:
        if placeholder not in example:
            raise SystemExit(f"{EXAMPLE} no longer contains {placeholder!r}: update bench/serve.py")
    return (example.replace("/srv/club/site", str(site)).replace("127.0.0.1:8000", f"127.0.0.1:{portal_port}")
            .replace("listen 80;", f"listen 127.0.0.1:{port};").replace("club.example.ru", "127.0.0.1"))


def nginx_conf(tmp: Path, site: Path, workers: str, accel_port: int, portal_port: int,
               static_port: int | None = None) -> Path:
    """The main config: non-root paths in tmp, the docs' example server, and (static_port) a plain
    static server of site/private."""
    (tmp / "club.conf").write_text(example_config(site, accel_port, portal_port), encoding="utf-8")
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / "nginx" / name).mkdir(parents=True, exist_ok=True)
    # Started by root, nginx would run its workers as `nobody`, who cannot read a 0700 temp folder.
    user = "user root;" if os.geteuid() == 0 else ""
    static = "" if static_port is None else STATIC_SERVER.format(port=static_port, site=site)
    path = tmp / "nginx.conf"
    path.write_text(MAIN_CONF.format(user=user, workers=workers, tmp=tmp, static=static), encoding="utf-8")
    return path


def start_nginx(conf: Path, log: Path) -> subprocess.Popen:
    subprocess.run(["/usr/sbin/nginx", "-t", "-q", "-c", str(conf), "-e", str(log)], check=True)
    with log.open("a") as out:
        return subprocess.Popen(["/usr/sbin/nginx", "-c", str(conf), "-e", str(log), "-g", "daemon off;"],
                                stdout=out, stderr=subprocess.STDOUT)


def wait_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited:\n{log.read_text()}")
        done = subprocess.run(["curl", "-s", "-o", "/dev/null", url], check=False)
        if done.returncode == 0:
            return
        time.sleep(0.2)
    raise SystemExit(f"{url} did not come up in {timeout:.0f} s:\n{log.read_text()}")


def static_nginx(tmp: Path, name: str, body: bytes, processes: list[subprocess.Popen]) -> str:
    """This bench's nginx config (1 worker, no access log, sendfile) serving `body` as /`name`: the other
    benches' baseline, a static file of the size of the page they measure. Its process joins `processes`."""
    (tmp / "static" / "private").mkdir(parents=True)
    (tmp / "static" / "private" / name).write_bytes(body)
    (tmp / "club.conf").write_text("", encoding="utf-8")  # MAIN_CONF includes it; no portal behind nginx here
    for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / "nginx" / folder).mkdir(parents=True, exist_ok=True)
    port, conf = free_port(), tmp / "nginx.conf"
    static = STATIC_SERVER.format(port=port, site=tmp / "static")
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(MAIN_CONF.format(user=user, workers=1, tmp=tmp, static=static), encoding="utf-8")
    processes.append(start_nginx(conf, tmp / "nginx-error.log"))
    url = f"http://127.0.0.1:{port}/{name}"
    wait_up(url, processes[-1], tmp / "nginx-error.log")
    return url


def clean_up(processes: list[subprocess.Popen], tmp: Path, keep: bool) -> None:
    """The benches' end: stop their servers, the last started first, and remove the folder unless --keep."""
    for process in reversed(processes):
        process.terminate()
        process.wait(timeout=20)
    if keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


def schema_fingerprint(fill_version: int) -> str:
    """Of every registered migration and the fill's own version: a new schema fills the cache again."""
    import hashlib

    import portal.capabilities  # noqa: F401 - registers every capability's migrations
    from portal.core.capability import REGISTRY

    return hashlib.sha256((repr(REGISTRY.migrations()) + str(fill_version)).encode()).hexdigest()[:10]


def cached_database(name: str, size: str, fingerprint: str, fill, rebuild: bool) -> tuple[Path, dict]:
    """A bench's filled SQLite file in .cache/bench-<name>/<size>-<fingerprint>.db, filled once by
    `fill(path) -> dict` (--rebuild: again), and its notes: the fill's seconds and what fill returned."""
    path = REPO / ".cache" / f"bench-{name}" / f"{size}-{fingerprint}.db"
    meta = path.with_suffix(".json")
    if rebuild or not meta.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(size + "-*"):  # older schemas of this size, a broken fill
            stale.unlink()
        print(f"filling {path.name} ...", flush=True)
        clock = time.perf_counter()
        found = fill(path.with_suffix(".partial")) or {}
        path.with_suffix(".partial").rename(path)
        meta.write_text(json.dumps({"fill": time.perf_counter() - clock, **found}), encoding="utf-8")
    return path, json.loads(meta.read_text(encoding="utf-8"))


def fetch(url: str, cookie: str) -> tuple[int, dict[str, str], bytes]:
    """One GET with curl (with the session cookie unless it is empty); status, headers, body."""
    command = ["curl", "-s", "-D", "-", url] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    done = subprocess.run(command, capture_output=True, check=True)
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


SAME_HEADERS = ("content-type", "cache-control", "vary", "content-security-policy", "x-content-type-options",
                "referrer-policy", "x-frame-options", "cross-origin-opener-policy")


def check_full_page(name: str, url: str, cookie: str, page: Path, like: dict[str, str] | None) -> dict[str, str]:
    """The member must get exactly the private file: the full page, not the teaser.

    `like`: headers of the in-process answer that this one must repeat (the accel row); the
    portal's own answer must be private/no-store and vary on Cookie (ASVS 5.0 14.3.2)."""
    status, headers, body = fetch(url, cookie)
    problems = []
    if status != 200:
        problems.append(f"status {status}")
    if body != page.read_bytes() or b"club-teaser" in body:
        problems.append(f"body is not {page} ({len(body)} bytes, teaser: {b'club-teaser' in body})")
    varies = [value.strip() for value in headers.get("vary", "").split(",")]  # also Accept-Encoding, with copies
    if name == "portal" and (headers.get("cache-control") != "private, no-store" or "Cookie" not in varies):
        problems.append(f"cache headers {headers.get('cache-control')!r} / {headers.get('vary')!r}")
    for header in SAME_HEADERS if like is not None else ():
        if headers.get(header) != like.get(header):
            problems.append(f"{header}: {headers.get(header)!r}, in-process {like.get(header)!r}")
    if "x-accel-redirect" in headers:
        problems.append("X-Accel-Redirect reached the client")
    if problems:
        raise SystemExit(f"{name} {url}: " + "; ".join(problems))
    print(f"checked {name}: {url} -> the full page, {len(body)} bytes", flush=True)
    return headers


def check_accel_answer(url: str, cookie: str, page: Path, site: Path) -> None:
    """The accel portal itself must answer with an empty body and X-Accel-Redirect to exactly the page."""
    status, headers, body = fetch(url, cookie)
    expected = ACCEL_PREFIX + quote(page.relative_to(site / "private").as_posix())  # nginx decodes it
    if status != 200 or body or headers.get("x-accel-redirect") != expected:
        raise SystemExit(f"accel portal {url}: status {status}, {len(body)} bytes, "
                         f"X-Accel-Redirect {headers.get('x-accel-redirect')!r} (expected {expected!r})")


def check_example_config(base: str, url_path: str, page: Path, site: Path) -> None:
    """The rest of docs/nginx.conf.example: assets from disk, the portal behind, internal stays internal."""
    asset = min((site / "public").rglob("*.css"))
    same, teaser = asset.read_bytes().__eq__, lambda body: b"club-teaser" in body
    checks = [
        ("an asset from site/public", "/" + asset.relative_to(site / "public").as_posix(), 200, same),
        ("the portal's own CSS (via @portal)", "/_portal/static/portal.css", 200, bool),
        ("the sign-in page", "/account/login", 200, bool),
        ("the teaser for anonymous readers", url_path, 200, teaser),
        ("/_club_private/ asked for directly", ACCEL_PREFIX + page.relative_to(site / "private").as_posix(), 404,
         lambda body: True),
    ]
    for what, path, want_status, body_ok in checks:
        status, _, body = fetch(base + quote(path), "")
        if status != want_status or not body_ok(body):
            raise SystemExit(f"docs/nginx.conf.example, {what}: {path} -> {status}, {len(body)} bytes")
    print("checked docs/nginx.conf.example: assets, portal pages, teaser, internal location", flush=True)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(text: str) -> WrkResult:
    """Requests/s and latency percentiles from `wrk --latency` output (units us, ms, s, m)."""
    def latency(percent: str) -> float:
        found = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M)
        if not found:
            raise ValueError(f"no {percent}% latency in wrk output:\n{text}")
        return float(found.group(1)) * UNITS[found.group(2)]

    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    if not rps:
        raise ValueError(f"no Requests/sec in wrk output:\n{text}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", text))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return WrkResult(float(rps.group(1)), latency("50"), latency("99"), errors)


def run_wrk(url: str, cookie: str, args: argparse.Namespace, duration: str | None = None) -> WrkResult:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration or args.duration}", "--latency",
               "-H", f"Cookie: {cookie}", url]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


def verdict(portal: WrkResult, nginx: WrkResult) -> str:
    ratio = portal.rps / nginx.rps
    ok = ratio >= MIN_RATIO and portal.p99_ms < MAX_P99_MS and portal.errors == 0
    return "PASS" if ok else "FAIL"


def row(name: str, result: WrkResult, nginx: WrkResult, judged: bool) -> str:
    ratio = result.rps / nginx.rps
    mark = verdict(result, nginx) if judged else ""
    return (f"{name:<8} {result.rps:>11,.0f} {result.p50_ms:>9.2f} {result.p99_ms:>9.2f} {ratio:>7.1%} "
            f"{result.errors:>6} {mark}")


def median_result(results: list[WrkResult]) -> WrkResult:
    return WrkResult(statistics.median(r.rps for r in results), statistics.median(r.p50_ms for r in results),
                     statistics.median(r.p99_ms for r in results), sum(r.errors for r in results))


def describe_server() -> str:
    found = {name: importlib.util.find_spec(name) is not None for name in ("uvloop", "httptools")}
    loop = "uvloop" if found["uvloop"] else "asyncio (uvloop not installed)"
    http = "httptools" if found["httptools"] else "h11 (httptools not installed)"
    hint = "" if all(found.values()) else " - pip install 'uvicorn[standard]' for both"
    return f"uvicorn 1 worker, loop {loop}, http {http}{hint}"


def measure(targets: dict[str, str], cookie: str, args: argparse.Namespace) -> dict[str, list[WrkResult]]:
    results: dict[str, list[WrkResult]] = {name: [] for name in targets}
    header = f"{'server':<8} {'requests/s':>11} {'p50 ms':>9} {'p99 ms':>9} {'/nginx':>7} {'errors':>6}"
    for round_ in range(1, args.runs + 1):
        print(f"\nround {round_}/{args.runs}: wrk -t{args.threads} -c{args.connections} -d{args.duration} --latency")
        print(header)
        for name, url in targets.items():
            run_wrk(url, cookie, args, duration="2s")  # warm-up: caches, keep-alive pools, CPU frequency
            results[name].append(run_wrk(url, cookie, args))
            print(row(name, results[name][-1], results["nginx"][-1], judged=name == "portal"), flush=True)
    if args.runs > 1:
        print(f"\nmedian of {args.runs} rounds\n{header}")
        nginx = median_result(results["nginx"])
        for name in targets:
            print(row(name, median_result(results[name]), nginx, judged=name == "portal"))
    return results


def start_servers(tmp: Path, site: Path, args: argparse.Namespace,
                  processes: list[subprocess.Popen]) -> dict[str, int]:
    """Two portals (in-process and accel) and one nginx (static server + the docs' example server)."""
    ports = {name: free_port() for name in ("nginx", "portal", "accel", "accel_portal")}
    for name, accel in (("portal", False), ("accel_portal", True)):
        log = tmp / f"{name}.log"
        processes.append(start_portal(portal_env(tmp, site, ports[name], accel), ports[name], tmp, log))
        wait_up(f"http://127.0.0.1:{ports[name]}/", processes[-1], log)
    conf = nginx_conf(tmp, site, args.nginx_workers, ports["accel"], ports["accel_portal"], ports["nginx"])
    processes.append(start_nginx(conf, tmp / "nginx-error.log"))
    for name in ("nginx", "accel"):
        wait_up(f"http://127.0.0.1:{ports[name]}/", processes[-1], tmp / "nginx-error.log")
    return ports


def main() -> int:
    args = parse_args()
    for tool in ("wrk", "curl", "/usr/sbin/nginx"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (apt-get install wrk curl nginx)")
    tmp = Path(tempfile.mkdtemp(prefix="club-serve-bench-"))
    processes: list[subprocess.Popen] = []
    try:
        site = args.site.resolve() if args.site else build_site(tmp)
        url_path, page = members_page(site)
        cookie = member_cookie(portal_env(tmp, site, 0, accel=False))  # both portals share this database
        ports = start_servers(tmp, site, args, processes)
        names = ("nginx", "portal") if args.skip_accel else ("nginx", "portal", "accel")
        targets = {name: f"http://127.0.0.1:{ports[name]}{quote(url_path)}" for name in names}
        check_full_page("nginx", targets["nginx"], cookie, page, like=None)
        portal_headers = check_full_page("portal", targets["portal"], cookie, page, like=None)
        if not args.skip_accel:
            check_full_page("accel", targets["accel"], cookie, page, like=portal_headers)
            check_accel_answer(f"http://127.0.0.1:{ports['accel_portal']}{quote(url_path)}", cookie, page, site)
            check_example_config(f"http://127.0.0.1:{ports['accel']}", url_path, page, site)
        print(f"\n{describe_server()}; nginx worker_processes {args.nginx_workers}; page {url_path} "
              f"({page.stat().st_size} bytes); target: portal >= {MIN_RATIO:.0%} of nginx, p99 < {MAX_P99_MS} ms")
        results = measure(targets, cookie, args)
        return 0 if verdict(median_result(results["portal"]), median_result(results["nginx"])) == "PASS" else 1
    finally:
        clean_up(processes, tmp, args.keep)


if __name__ == "__main__":
    sys.exit(main())
