"""Registering is a race (issue 14): 300 members register for 30 seats at the same moment through HTTP.

    python bench/events.py                          # 300 members, 30 seats, 4 uvicorn workers
    python bench/events.py --members 60 --seats 6   # a quick try

A fresh SQLite file with every migration; the members and their sessions are made with the portal's own
code (portal.core.identity, portal.core.sessions); site/events.json holds one event with --seats seats.
uvicorn runs --workers processes on that file. Each member's own HTTP client GETs the event page (the
form's CSRF token), then all wait at one barrier and POST /account/events/<slug>/register at once.
Checks: every answer is a 303; exactly --seats registered and the rest waiting; positions 1..N with no
gap and no one twice; the seats went to positions 1..seats (arrival order = the order the store took
them). Then the first member cancels through HTTP: exactly one offer, to position seats+1.
Latency p50/p99 of the register POSTs is printed beside nginx serving a static file to the same number
of concurrent GETs from the same client code, in the same run. Exit 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import serve  # noqa: E402 - ports, nginx config and start, CPU and server description
from bench.forum import cpu_busy, portal_version  # noqa: E402

SLUG = "bench-race"
PAGE = f"/account/events/{SLUG}/"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--seats", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4, help="uvicorn worker processes on the one SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if not 0 < args.seats < args.members:
        parser.error("need 0 < seats < members")
    return args


def publish_event(site: Path, seats: int) -> None:
    from site_builder.contract import EventEntry, write_events

    site.mkdir(parents=True, exist_ok=True)
    write_events(site / "events.json", [EventEntry(
        url=f"/events/{SLUG}/", slug=SLUG, source=f"content/events/{SLUG}.md", title="Академия монтажника (бенч)",
        access="public", starts="2099-02-18T09:30:00+05:00", ends="2099-02-18T18:00:00+05:00",
        register_until="2099-02-16T18:00:00+05:00", timezone="Asia/Yekaterinburg", city="Екатеринбург",
        venue="ул. Монтажников, 4", online=False, online_link="", capacity=seats, per_company=None, questions=(),
        cancelled=False, registration=True, revision="r1")])


def make_members(env: dict[str, str], count: int) -> list[tuple[int, str]]:
    """Confirmed people, each with a company and a session made by the portal's code: (user id, cookie)."""
    from starlette.requests import Request
    from starlette.responses import Response

    import portal.capabilities  # noqa: F401 - every capability's migrations
    from portal.core import identity, sessions
    from portal.core.companies import find_or_create_company
    from portal.core.db import connect
    from portal.core.settings import load_settings

    settings = load_settings(env_file=None, environ_=env)
    db, found = connect(settings.database), []
    name = sessions.cookie_name(settings)
    for number in range(count):
        user = identity.create_user(db, name=f"Участник {number:03d}", email=f"m{number:03d}@partner{number}.ru",
                                    password_hash=None, language="ru", consent=True, confirmed=True)
        company = find_or_create_company(db, f"ООО «Партнёр {number}»")
        identity.update_profile(db, user.id, identity.ProfileUpdate(name=user.name, company_id=company.id,
                                                                    phone=f"+7912{number:07d}"))
        response = Response()
        request = Request({"type": "http", "method": "GET", "headers": [], "client": ("127.0.0.1", 1)})
        sessions.start_session(db, settings, request, response, user.id)
        raw = re.search(rf"{re.escape(name)}=([^;]+)", response.headers["set-cookie"]).group(1)
        found.append((user.id, f"{name}={raw}"))
    db.conn.close()
    return found


def start_portal(env: dict[str, str], port: int, workers: int, tmp: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "uvicorn", "--factory", "portal.app:create_app", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log",
               "--no-proxy-headers"]
    path = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    with (tmp / "portal.log").open("w") as out:  # cwd tmp: a developer's .env cannot change what is measured
        return subprocess.Popen(command, env={**env, "PYTHONPATH": path}, cwd=tmp, stdout=out, stderr=subprocess.STDOUT)



def at_once(clients: list[httpx.Client], send) -> list[tuple[int, float]]:
    """Every client sends its one request at the same moment (a barrier): (status, seconds) each."""
    barrier = threading.Barrier(len(clients))

    def one(index: int) -> tuple[int, float]:
        barrier.wait(timeout=120)
        clock = time.perf_counter()
        try:
            status = send(index, clients[index]).status_code
        except httpx.HTTPError:
            status = -1
        return status, time.perf_counter() - clock

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        return list(pool.map(one, range(len(clients))))


def token_of(client: httpx.Client) -> str:
    page = client.get(PAGE)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    if page.status_code != 200 or not found:
        raise SystemExit(f"{PAGE}: status {page.status_code}, no CSRF field")
    return found.group(1)


def percentile(seconds: list[float], share: float) -> float:
    ordered = sorted(seconds)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def rows_of(db_path: Path) -> list[tuple[int, str, int]]:
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT user_id, status, position FROM event_registrations WHERE event = ? "
                            "ORDER BY position", [SLUG]).fetchall()
    finally:
        conn.close()


def race_checks(args: argparse.Namespace, codes: list[int], rows: list[tuple[int, str, int]]) -> dict[str, bool]:
    statuses = [status for _user, status, _position in rows]
    waiting = args.members - args.seats
    return {f"{args.members} answered 303": codes == [303] * args.members,
            f"{args.seats} registered": statuses.count("registered") == args.seats,
            f"{waiting} waiting": statuses.count("waiting") == waiting,
            "no one twice": len({user for user, _s, _p in rows}) == len(rows) == args.members,
            f"positions 1..{args.members}": [p for _u, _s, p in rows] == list(range(1, args.members + 1)),
            "seats to the first arrivals": statuses == ["registered"] * args.seats + ["waiting"] * waiting}


def cancel_checks(args: argparse.Namespace, code: int, rows: list[tuple[int, str, int]]) -> dict[str, bool]:
    offered = [position for _user, status, position in rows if status == "offered"]
    return {"cancel answered 303": code == 303, "exactly one offer": len(offered) == 1,
            f"offered to position {args.seats + 1}": offered == [args.seats + 1],
            "seats still full": sum(status in ("registered", "offered") for _u, status, _p in rows) == args.seats}


def measure(tmp: Path, args: argparse.Namespace, processes: list) -> tuple[dict, dict, dict]:
    port = serve.free_port()
    publish_event(tmp / "site", args.seats)
    env = serve.portal_env(tmp, tmp / "site", port, accel=False)
    members = make_members(env, args.members)
    processes.append(start_portal(env, port, args.workers, tmp))
    base = f"http://127.0.0.1:{port}"
    serve.wait_up(base + "/account/login", processes[-1], tmp / "portal.log", timeout=120)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [httpx.Client(base_url=base, headers={"Cookie": cookie, "Origin": base}, timeout=120, limits=limits)
               for _id, cookie in members]
    plain: list[httpx.Client] = []
    try:
        tokens = [token_of(client) for client in clients]
        size = len(clients[0].get(PAGE).content)
        static = serve.static_nginx(tmp, "page.html", b"<p>static</p>".ljust(size, b" "), processes)
        busy = cpu_busy()
        plain = [httpx.Client(timeout=120, limits=limits) for _ in members]
        nginx = at_once(plain, lambda _i, c: c.get(static))
        race = at_once(clients, lambda i, c: c.post(PAGE + "register", data={"csrf": tokens[i], "who": "me"}))
        checks = race_checks(args, [code for code, _s in race], rows_of(tmp / "var" / "club.db"))
        first = next(i for i, (user, _c) in enumerate(members) if user == rows_of(tmp / "var" / "club.db")[0][0])
        code = clients[first].post(PAGE + "cancel", data={"csrf": tokens[first]}).status_code
        checks.update(cancel_checks(args, code, rows_of(tmp / "var" / "club.db")))
    finally:
        for client in clients + plain:
            client.close()
    notes = {"busy": busy, "page": size, "version": portal_version()}
    return {"nginx static GET": nginx, "register POST": race}, checks, notes


def report(args: argparse.Namespace, timings: dict, checks: dict[str, bool], notes: dict) -> bool:
    print(f"\n{args.members} members for {args.seats} seats at once; portal {notes['version']}, "
          f"{serve.describe_server().replace('1 worker', f'{args.workers} workers')} on one SQLite file; "
          f"CPU busy just before: {notes['busy']:.0%}{' (NOT idle: figures high)' * (notes['busy'] > .1)}")
    print(f"{'':<20}{'requests':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'non-2xx/3xx':>12}")
    for name, results in timings.items():
        seconds = [s for _code, s in results]
        bad = sum(not 200 <= code < 400 for code, _s in results)
        print(f"{name:<20}{len(results):>9}{percentile(seconds, .5):>9.1f}{percentile(seconds, .99):>9.1f}"
              f"{1000 * max(seconds):>9.1f}{bad:>12}")
    nginx, race = ([s for _c, s in timings[name]] for name in ("nginx static GET", "register POST"))
    print(f"register / nginx: p50 x{percentile(race, .5) / percentile(nginx, .5):.0f}, "
          f"p99 x{percentile(race, .99) / percentile(nginx, .99):.0f} "
          f"(nginx: a {notes['page'] / 1024:.0f} KB file, the event page's size, {args.members} GETs at once)")
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return all(checks.values())


def main() -> int:
    args = parse_args()
    if shutil.which("/usr/sbin/nginx") is None or shutil.which("curl") is None:
        raise SystemExit("nginx and curl are needed (apt-get install nginx curl)")
    tmp, processes = Path(tempfile.mkdtemp(prefix="club-events-bench-")), []
    try:
        (tmp / "var").mkdir()
        timings, checks, notes = measure(tmp, args, processes)
    finally:
        serve.clean_up(processes, tmp, args.keep)
    return 0 if report(args, timings, checks, notes) else 1


if __name__ == "__main__":
    sys.exit(main())
