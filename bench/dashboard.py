"""The staff dashboard (`/staff/`, issue 17) for a quarter over a club of the customer's size, through HTTP.

    python bench/dashboard.py               # 100,000 members, 10,000,000 newsletter sends… (filled once, cached)
    python bench/dashboard.py --scale 0.05  # a quick try on a twentieth of it

Fill (cached in .cache/bench-dashboard/ by scale and schema; --rebuild): a file made by portal.db.connect
(every migration), then generated SQL (recursive CTEs, explicit columns) spreading six years of data:
20,000 companies (every 50th merged into its neighbour), 100,000 members (a tenth unconfirmed, 70 % with
company and phone), 50,000 forum topics with ~1,000,000 posts (every tenth topic unanswered), 200
newsletters x 50,000 sends = 10,000,000 with ~3,000,000 tracking events, 5,000,000 purchases
(points_shipments) and 100,000 event registrations; then the finished newsletters' tallies, as the
portal keeps them (the first look after a newsletter finishes makes its tally once).

Measure: one uvicorn worker on a copy of the file, an admin's session made with the portal's code, every
panel of every capability (whatever is registered). Cold: the first request after the server starts,
and the first request after new data (a registration, forum posts, newsletter events written by another
connection, as another worker would). Warm: the same page again, nothing changed. Beside it, a plain
`SELECT count(*)` of each big table, to show what scanning them would cost.
Targets: cold p99 <= 300 ms, warm p99 <= 50 ms.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import serve  # noqa: E402 - servers, the cached database
from bench.forum import cpu_busy, portal_version  # noqa: E402

FILL_VERSION = 1
COLD_MS, WARM_MS = 300.0, 50.0
PAGE = "/staff/?period=quarter&at=2026-08-15"
START, SPAN = 1609459200, 6 * 365 * 86400          # 2021-01-01 UTC, six years: the measured quarter is inside
SIZES = {"companies": 20_000, "users": 100_000, "topics": 50_000, "replies": 21, "newsletters": 200,
         "recipients": 50_000, "shipments": 5_000_000, "registrations": 100_000}
SEGMENTS = ("distributors", "designers", "installers", "end_customers")
REGIONS = ("central", "northwest", "south", "north_caucasus", "volga", "ural", "siberia", "far_east")


def series(count: int) -> str:
    return f"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {count - 1}) "


def pick(values: tuple[str, ...], expression: str) -> str:
    """SQL choosing one of `values` by `expression` (an integer)."""
    cases = " ".join(f"WHEN {index} THEN '{value}'" for index, value in enumerate(values))
    return f"CASE ({expression}) % {len(values)} {cases} END"


def iso(expression: str) -> str:
    return f"strftime('%Y-%m-%dT%H:%M:%S+00:00', {expression}, 'unixepoch')"


def fill_people(db: sqlite3.Connection, size: dict[str, int]) -> None:
    companies, users = size["companies"], size["users"]
    db.execute(f"INSERT INTO companies (id, name, name_key, created_at, segment, region, merged_into) "  # noqa: S608
               f"{series(companies)} SELECT i + 1, 'Компания ' || i, 'k' || i, {iso(START)}, "
               f"{pick(SEGMENTS, 'i')}, {pick(REGIONS, 'i / 4')}, CASE WHEN i % 50 = 1 THEN i END FROM n")
    at = f"{START} + i * {SPAN // users}"
    db.execute(f"INSERT INTO users (id, email, name, created_at, updated_at, email_confirmed_at, company_id, phone, "  # noqa: S608
               f"suspended_at, segment, region) {series(users)} SELECT i + 1, 'm' || i || '@bench.example', "
               f"'Участник ' || i, {iso(at)}, {iso(at)}, CASE WHEN i % 10 != 0 THEN {iso(at + ' + 600')} END, "
               f"CASE WHEN i % 10 < 7 THEN 1 + i % {companies} END, CASE WHEN i % 10 < 7 THEN '+7900' || i END, "
               f"CASE WHEN i % 100 = 5 THEN {iso(at + ' + 86400')} END, {pick(SEGMENTS, 'i / 3')}, "
               f"{pick(REGIONS, 'i / 7')} FROM n")


def fill_forum(db: sqlite3.Connection, size: dict[str, int]) -> None:
    topics, users, replies = size["topics"], size["users"], size["replies"]
    db.execute("INSERT INTO forum_categories (id, slug, title, created_at) VALUES " + ", ".join(
        f"({k + 1}, 'c{k}', 'Раздел {k + 1}', '2021-01-01')" for k in range(8)))
    topic_at = f"{START} + i * {SPAN // topics}"
    db.execute(f"INSERT INTO forum_topics (id, category_id, author_id, title, post_count, last_number, last_post_at, "  # noqa: S608
               f"created_at) {series(topics)} SELECT i + 1, 1 + i % 8, 1 + (i * 7919) % {users}, 'Тема ' || i, 1, 1, "
               f"{topic_at}, {topic_at} FROM n")
    total = topics * (replies + 1)
    db.execute(f"INSERT INTO forum_posts (topic_id, number, author_id, body, html, created_at, deleted_at) "  # noqa: S608
               f"{series(total)} SELECT 1 + i % {topics}, 1 + i / {topics}, 1 + (i * 104729) % {users}, 'текст', "
               f"'<p>текст</p>', {START} + (i % {topics}) * {SPAN // topics} + (i / {topics}) * 5400 * (1 + i % 3), "
               f"CASE WHEN i % 97 = 0 AND i >= {topics} THEN 1.0 END FROM n "
               f"WHERE NOT (i % {topics} % 10 = 0 AND i >= {topics})")


def fill_newsletters(db: sqlite3.Connection, size: dict[str, int]) -> None:
    letters, recipients = size["newsletters"], size["recipients"]
    topics = ("[]", '["products"]', '["promotions"]', '["regulation", "design"]')
    for k in range(letters):
        at = START + k * SPAN // letters
        db.execute("INSERT INTO newsletters (id, page, url, subject, access, audience, mail, scheduled_at, status, "
                   "created_at, started_at, finished_at) VALUES (?, ?, ?, ?, 'members', ?, '{}', ?, 'done', "
                   "'2021-01-01T00:00:00+00:00', ?, ?)",
                   [k + 1, f"newsletters/{k}", f"/newsletters/{k}/", f"Рассылка {k}",
                    f'{{"topics": {topics[k % 4]}}}', at, at, at + 3600])
    total = letters * recipients
    db.execute(f"INSERT INTO newsletter_sends (newsletter_id, user_id, email, name, variant, tracking, status, "  # noqa: S608
               f"sent_at) {series(total)} SELECT 1 + i / {recipients}, 1 + (i % {recipients}) * 2, "
               f"'m' || i || '@bench.example', 'Участник', 'full', i % 20 != 0, "
               f"CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'sent' END, "
               f"{START} + (i / {recipients}) * {SPAN // letters} + (i % {recipients}) * 0.05 FROM n")
    db.execute("INSERT INTO newsletter_events (send_id, kind, at) SELECT id, 'open', sent_at + 600 "
               "FROM newsletter_sends WHERE id % 4 = 0 AND tracking = 1 AND status = 'sent'")
    db.execute("INSERT INTO newsletter_events (send_id, kind, at) SELECT id, 'click', sent_at + 700 "
               "FROM newsletter_sends WHERE id % 20 = 0 AND tracking = 1 AND status = 'sent'")


def fill_the_rest(db: sqlite3.Connection, size: dict[str, int]) -> None:
    shipments, companies, users = size["shipments"], size["companies"], size["users"]
    db.execute(f"INSERT INTO points_shipments (company_id, inn, doc_date, document, amount_kopecks, product_group, "  # noqa: S608
               f"kind, file, line, imported_at) {series(shipments)} SELECT 1 + i % {companies}, '77' || (i % "
               f"{companies}), date({START} + i * {SPAN // shipments}, 'unixepoch'), 'D' || (i / 5), "
               f"1000 + (i * 7919) % 10000000, {pick(('A', 'B', 'C'), 'i')}, 'shipment', 'bench.csv', i, "
               f"{START} FROM n")
    count = size["registrations"]
    db.execute(f"INSERT INTO event_registrations (event, user_id, status, position, created_at, updated_at) "  # noqa: S608
               f"{series(count)} SELECT 'event-' || (i / 200), 1 + (i % 200) * {users // 200} + (i / 200) % "
               f"{users // 200}, 'registered', i % 200, {START} + i * {SPAN // count}, {START} + i * {SPAN // count} "
               f"FROM n")


def fill(path: Path, size: dict[str, int]) -> dict:
    import portal.capabilities  # noqa: F401 - every capability's migrations
    from portal.core.db import connect
    from portal.newsletters import tallies

    connect(path).conn.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    for step in (fill_people, fill_forum, fill_newsletters, fill_the_rest):
        clock = time.perf_counter()
        with db:
            db.execute("BEGIN")
            step(db, size)
        print(f"  {step.__name__}: {time.perf_counter() - clock:.0f} s", flush=True)
    db.execute("ANALYZE")
    db.close()
    portal_db = connect(path)
    upto = tallies.last_event(portal_db)
    tallies.refresh(portal_db, upto)
    for newsletter_id, status in portal_db.execute("SELECT id, status FROM newsletters").fetchall():
        tallies.tally(portal_db, newsletter_id, status, upto)
    portal_db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    portal_db.conn.close()
    return {}


def admin_cookie(env: dict[str, str]) -> str:
    """An admin and a session for them, made with the portal's own code (as serve.member_cookie does)."""
    import re

    from starlette.requests import Request
    from starlette.responses import Response

    from portal.core import identity, sessions
    from portal.core.db import connect
    from portal.core.settings import load_settings

    settings = load_settings(env_file=None, environ_=env)
    db = connect(settings.database)
    user = identity.create_user(db, name="Ольга Кураторова", email="olga@club.example", password_hash=None,
                                language="ru", consent=True, confirmed=True, role="admin")
    response = Response()
    request = Request({"type": "http", "method": "GET", "headers": [], "client": ("127.0.0.1", 1)})
    sessions.start_session(db, settings, request, response, user.id)
    db.conn.close()
    name = sessions.cookie_name(settings)
    return f"{name}={re.search(rf'{re.escape(name)}=([^;]+)', response.headers['set-cookie']).group(1)}"


def timed(url: str, cookie: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    clock = time.perf_counter()
    with urllib.request.urlopen(request) as answer:  # noqa: S310 - our own server on 127.0.0.1
        body = answer.read()
        if answer.status != 200 or b'id="panel-members"' not in body:
            raise SystemExit(f"{url}: {answer.status}, no members panel")
    return (time.perf_counter() - clock) * 1000


def new_data(path: Path, round_: int) -> None:
    """What another worker writes meanwhile: a registration, two forum posts, ten newsletter events."""
    db = sqlite3.connect(path, isolation_level=None)
    now = START + SPAN - 86400
    with db:
        db.execute("BEGIN")
        db.execute("INSERT INTO users (email, name, created_at, updated_at) VALUES (?, 'Новый', "
                   "'2026-08-15T10:00:00+00:00', '2026-08-15T10:00:00+00:00')", [f"new{round_}@bench.example"])
        for number in (1000 + 2 * round_, 1001 + 2 * round_):
            db.execute("INSERT INTO forum_posts (topic_id, number, author_id, body, html, created_at) "
                       "VALUES (1, ?, 2, 'ещё', '<p>ещё</p>', ?)", [number, now])
        db.executemany("INSERT INTO newsletter_events (send_id, kind, at) VALUES (?, 'click', ?)",
                       [(1 + (round_ * 10 + k) * 37, now) for k in range(10)])
    db.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def plain_counts(path: Path) -> dict[str, float]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    found = {}
    for table in ("users", "forum_posts", "newsletter_sends", "newsletter_events", "points_shipments"):
        clock = time.perf_counter()
        db.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 - the bench's own names
        found[table] = (time.perf_counter() - clock) * 1000
    db.close()
    return found


def start(tmp: Path, env: dict[str, str], port: int, processes: list) -> str:
    processes.append(serve.start_portal(env, port, tmp, tmp / "portal.log"))
    base = f"http://127.0.0.1:{port}"
    serve.wait_up(base + "/account/login", processes[-1], tmp / "portal.log", timeout=120)
    return base


def stop(processes: list) -> None:
    process = processes.pop()
    process.terminate()
    process.wait(timeout=30)


def measure(tmp: Path, source: Path, args: argparse.Namespace, processes: list) -> dict[str, list[float]]:
    (tmp / "var").mkdir()
    (tmp / "site").mkdir()
    port = serve.free_port()
    env = serve.portal_env(tmp, tmp / "site", port, accel=False)
    shutil.copy(source, env["CLUB_DATABASE"])
    cookie = admin_cookie(env)
    found: dict[str, list[float]] = {"cold, after start": [], "cold, after new data": [], "warm": []}
    for _ in range(args.starts):
        base = start(tmp, env, port, processes)
        found["cold, after start"].append(timed(base + PAGE, cookie))
        stop(processes)
    base = start(tmp, env, port, processes)
    timed(base + PAGE, cookie)
    for round_ in range(args.rounds):
        new_data(Path(env["CLUB_DATABASE"]), round_)
        found["cold, after new data"].append(timed(base + PAGE, cookie))
    timed(base + PAGE, cookie)
    found["warm"] = [timed(base + PAGE, cookie) for _ in range(args.warm)]
    return found


def report(found: dict[str, list[float]], counts: dict[str, float], notes: dict) -> bool:
    print(f"\nportal {notes['version']}, one uvicorn worker; {serve.describe_server()}; CPU busy before: "
          f"{notes['busy']:.0%}{' (NOT idle: figures high)' * (notes['busy'] > .1)}")
    print(f"GET {PAGE} (every registered panel, the quarter, the one before and a year before)")
    print(f"{'':<24}{'n':>5}{'p50 ms':>9}{'p99 ms':>9}  target")
    passed = True
    for name, values in found.items():
        limit = WARM_MS if name == "warm" else COLD_MS
        p99 = percentile(values, 0.99)
        passed &= p99 <= limit
        print(f"{name:<24}{len(values):>5}{statistics.median(values):>9.1f}{p99:>9.1f}  p99 <= {limit:g} ms  "
              f"{'PASS' if p99 <= limit else 'FAIL'}")
    print("plain SELECT count(*), for scale: " + ", ".join(f"{table} {ms:.0f} ms" for table, ms in counts.items()))
    return passed


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="a share of the customer's size (0.05: a try)")
    parser.add_argument("--rebuild", action="store_true", help="fill the cached database again")
    parser.add_argument("--starts", type=int, default=3, help="server starts measured cold")
    parser.add_argument("--rounds", type=int, default=30, help="requests after new data")
    parser.add_argument("--warm", type=int, default=200, help="requests with nothing changed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    size = {name: max(1, int(value * args.scale)) if name not in ("replies", "newsletters") else value
            for name, value in SIZES.items()}
    size["users"] = max(size["users"], 2 * size["recipients"])
    path, _ = serve.cached_database("dashboard", f"x{args.scale:g}", serve.schema_fingerprint(FILL_VERSION),
                                    lambda target: fill(target, size), args.rebuild)
    counts = plain_counts(path)
    tmp, processes = Path(tempfile.mkdtemp(prefix="club-dashboard-bench-")), []
    try:
        notes = {"busy": cpu_busy(), "version": portal_version()}
        found = measure(tmp, path, args, processes)
    finally:
        serve.clean_up(processes, tmp, args.keep)
    return 0 if report(found, counts, notes) else 1


if __name__ == "__main__":
    sys.exit(main())
