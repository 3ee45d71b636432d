"""Staff inbox and company timelines at the customer's size: 20,000 companies, 100,000 requests, 1,000,000
timeline events; wrk on /staff/feedback/ (several filters) and /staff/companies/<id>, paced, beside nginx.

    python bench/feedback.py                                    # the customer's size (cached)
    python bench/feedback.py --companies 2000 --requests 10000 --events 100000   # a quick try

Fill (cached in .cache/bench-feedback/ by size and schema; --rebuild): a database made by portal.core.db
with every migration, then executemany with explicit columns: 20 staff, three people per company (the
first its representative), companies across the club's segments and regions with an account manager,
requests of every kind and status (owners, first replies, closed ones), and the timeline's events split
between requests, their replies and notes, the contact schedule and the companies' change log, so that
requests + messages + contacts + changes = --events. Busy companies have many times the average.
Measure: one uvicorn worker on a copy; a manager signs in through /account/login; each page is checked
once (status 200 and what it must show); wrk (Lua) cycles through inbox filters and 1,000 company cards,
flat out and paced to --rate; nginx serves a static file of the same size as a company card.
Target: p99 under 100 ms paced, no errors.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import serve  # noqa: E402 - servers, curl fetch, wrk output parsing

# The forum bench's wrk pacing and sign-in; the bench's manager has the forum bench's password.
from bench.forum import PASSWORD, cpu_busy, http, portal_version, sign_in, wrk  # noqa: E402

Result = serve.WrkResult
FILL_VERSION = 2
P99_MS, RATE = 100.0, 50.0
STAFF = 20
KINDS = ("complaint", "question", "advice", "idea", "other")
STATUSES = ("new", "in_progress", "waiting", "answered", "closed")
SEGMENTS = ("distributors", "designers", "installers", "end_customers")
REGIONS = ("central", "northwest", "south", "volga", "ural", "siberia", "far_east")
SUBJECTS = ("Драйвер {m} мерцает при диммировании", "Нужен расчёт освещённости для {o}",
            "Срок поставки {m} в {c}", "Идея: {m} с датчиком присутствия", "Файлы IES для {m}",
            "Гарантийная замена {m}", "Как подключить {m} к DALI", "Сертификат на {m} для {o}")
MODELS = ("LN-40 Office", "Track-30", "Street-120", "Panel 595", "Downlight 18", "Linea 1500", "Flood 200")
OBJECTS = ("школы", "склада", "офиса", "паркинга", "торгового зала", "больницы")
CITIES = ("Казань", "Самару", "Екатеринбург", "Краснодар", "Новосибирск", "Тверь")
CHANNELS = ("call", "meeting", "email", "visit", "other")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default in (("companies", 20_000), ("requests", 100_000), ("events", 1_000_000),
                          ("connections", 20), ("threads", 2), ("sample", 1000)):
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--rate", type=float, default=RATE, help="req/s of the paced rows")
    parser.add_argument("--rebuild", action="store_true", help="fill the database again even if cached")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if args.events < 3 * args.requests or args.companies < 10:
        parser.error("need events >= 3 x requests and >= 10 companies")
    return args


def cached_db(args: argparse.Namespace) -> tuple[Path, float]:
    size = f"feedback-{args.companies}c-{args.requests}r-{args.events}e"
    path, notes = serve.cached_database("feedback", size, serve.schema_fingerprint(FILL_VERSION),
                                       lambda partial: fill(partial, args), args.rebuild)
    return path, notes["fill"]


def fill(path: Path, args: argparse.Namespace) -> None:
    import portal.capabilities  # noqa: F401 - every capability's migrations
    from portal.core.db import connect

    db = connect(path)
    conn, rng = db.conn, random.Random(20261203)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -1000000"):
        conn.execute(f"PRAGMA {pragma}")
    weights = [min(rng.paretovariate(1.3), 40.0) for _ in range(args.companies)]  # busy companies
    fill_people(conn, rng, args)
    requests = fill_requests(conn, rng, args, weights)
    rest = args.events - args.requests
    messages, changes = int(rest * 0.4), int(rest * 0.1)
    fill_messages(conn, rng, requests, messages)
    fill_contacts(conn, rng, args, weights, rest - messages - changes)
    fill_changes(conn, rng, args, weights, changes)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("ANALYZE")
    conn.close()


def insert(conn: sqlite3.Connection, sql: str, rows: list[tuple]) -> None:
    with conn:
        conn.execute("BEGIN")
        conn.executemany(sql, rows)


def fill_people(conn: sqlite3.Connection, rng: random.Random, args: argparse.Namespace) -> None:
    """Staff 1..20 (1 signs in), then three people per company; companies with a representative and manager."""
    from portal.core.companies import company_key
    from portal.core.passwords import hash_password

    stamp, secret = "2024-03-01T09:00:00+00:00", hash_password(PASSWORD)
    staff = [(f"staff{i}@lior.example", f"Менеджер {i}", secret if i == 1 else None, stamp, stamp, "staff", stamp,
              stamp) for i in range(1, STAFF + 1)]
    insert(conn, "INSERT INTO users (email, name, password_hash, email_confirmed_at, consent_at, role, created_at, "
                 "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", staff)
    now = time.time()
    companies = [(f"ООО «Партнёр-{i}»", company_key(f"Партнёр {i}"), rng.choice(SEGMENTS), rng.choice(REGIONS),
                  1 + i % STAFF, now - rng.random() * 200 * 86400, stamp) for i in range(1, args.companies + 1)]
    insert(conn, "INSERT INTO companies (name, name_key, segment, region, account_manager_id, last_contact_at, "
                 "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", companies)
    people = [(f"p{c}-{k}@partner{c}.ru", f"Сотрудник {k} компании {c}", stamp, stamp, c, f"+7912{c:05d}{k:02d}",
               stamp, stamp) for c in range(1, args.companies + 1) for k in range(3)]
    insert(conn, "INSERT INTO users (email, name, email_confirmed_at, consent_at, company_id, phone, created_at, "
                 "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", people)
    conn.execute("UPDATE companies SET representative_id = (SELECT min(id) FROM users u WHERE u.company_id = "
                 "companies.id)")
    conn.commit()


def subject(rng: random.Random) -> str:
    return rng.choice(SUBJECTS).format(m=rng.choice(MODELS), o=rng.choice(OBJECTS), c=rng.choice(CITIES))


def fill_requests(conn: sqlite3.Connection, rng: random.Random, args: argparse.Namespace,
                  weights: list[float]) -> list[tuple[int, int, float]]:
    """Requests in time order; returns (id, company, created_at) for the messages."""
    from zoneinfo import ZoneInfo

    from portal.feedback import hours

    now, made = time.time(), []
    clock = hours.reply_clock(hours.DEFAULT_HOURS, ZoneInfo("Europe/Moscow"))
    companies = rng.choices(range(1, args.companies + 1), weights, k=args.requests)
    times = sorted(now - rng.random() * 2 * 365 * 86400 for _ in range(args.requests))
    rows = []
    for number, (company, created) in enumerate(zip(companies, times, strict=True), 1):
        status = rng.choices(STATUSES, (2, 2, 1, 3, 12))[0] if now - created > 30 * 86400 else rng.choice(STATUSES)
        replied = None if status == "new" else created + rng.expovariate(1 / (6 * 3600))
        body = f"Здравствуйте! {subject(rng)}. Объект в работе, просим ответить до конца недели."
        work = None if replied is None else clock(created, replied)  # as the portal counts it at the reply
        rows.append((rng.choice(KINDS), subject(rng), body, f"<p>{body}</p>", None, 20 + 3 * (company - 1) + 1,
                     company, status, None if status == "new" else 1 + number % STAFF, f"bench-{number}",
                     rng.randrange(0, 30), created, replied or created, replied, work,
                     replied if status == "closed" else None))
        made.append((number, company, created))
    insert(conn, "INSERT INTO feedback_requests (kind, subject, body, html, page, author_id, company_id, status, "
                 "owner_id, nonce, supporters, created_at, updated_at, first_reply_at, first_reply_work, closed_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return made


def fill_messages(conn: sqlite3.Connection, rng: random.Random, requests: list[tuple[int, int, float]],
                  count: int) -> None:
    rows = []
    for _ in range(count):
        request, company, created = rng.choice(requests)
        side = rng.choice(("staff", "staff", "partner"))
        body = "Спасибо, передали инженерам; расчёт пришлём во вложении." if side == "staff" else "Ждём ответа."
        rows.append((request, 1 + request % STAFF if side == "staff" else 20 + 3 * (company - 1) + 1, side,
                     int(side == "staff" and rng.random() < 0.2), body, f"<p>{body}</p>",
                     created + rng.random() * 10 * 86400))
    insert(conn, "INSERT INTO feedback_messages (request_id, author_id, side, internal, body, html, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def fill_contacts(conn: sqlite3.Connection, rng: random.Random, args: argparse.Namespace, weights: list[float],
                  count: int) -> None:
    now, rows = time.time(), []
    for company in rng.choices(range(1, args.companies + 1), weights, k=count):
        at = now + (rng.random() * 2 * 365 - 2 * 365 + 30) * 86400
        done = at if at < now else None
        rows.append((company, 1 + company % STAFF, rng.choice(CHANNELS), None if done else at, done,
                     f"Обсудить {rng.choice(MODELS)}", "Договорились" if done else "", 1 + company % STAFF, now))
    insert(conn, "INSERT INTO company_contacts (company_id, staff_id, channel, planned_at, done_at, note, outcome, "
                 "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def fill_changes(conn: sqlite3.Connection, rng: random.Random, args: argparse.Namespace, weights: list[float],
                 count: int) -> None:
    now = time.time()
    rows = [(company, "manager", str(1 + (company + 1) % STAFF), str(1 + company % STAFF), 1,
             now - rng.random() * 700 * 86400, "")
            for company in rng.choices(range(1, args.companies + 1), weights, k=count)]
    insert(conn, "INSERT INTO company_changes (company_id, kind, old, new, by_id, at, note) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def targets(db_path: Path, args: argparse.Namespace) -> dict:
    """Company cards to cycle through (the busiest first, then a sample) and inbox filters."""
    rng, conn = random.Random(7), sqlite3.connect(db_path)
    busiest = [row[0] for row in conn.execute("SELECT company_id FROM feedback_requests GROUP BY company_id "
                                              "ORDER BY count(*) DESC LIMIT 10")]
    sample = sorted(set(busiest + rng.sample(range(1, args.companies + 1), min(args.sample, args.companies))))
    names = {cid: conn.execute("SELECT name FROM companies WHERE id = ?", [cid]).fetchone()[0] for cid in busiest}
    conn.close()
    inbox = ["/staff/feedback/", "/staff/feedback/?status=new", "/staff/feedback/?status=in_progress",
             "/staff/feedback/?kind=idea&sort=support", "/staff/feedback/?segment=installers",
             "/staff/feedback/?owner=3", "/staff/feedback/?status=answered&kind=question",
             "/staff/feedback/?page=20"]
    inbox += ["/staff/feedback/?" + urllib.parse.urlencode({"company": names[cid]}) for cid in busiest[:3]]
    return {"cards": [f"/staff/companies/{cid}" for cid in sample], "busiest": busiest, "names": names,
            "inbox": inbox}


def check_pages(base: str, cookie: str, found: dict) -> bytes:
    """Each inbox filter and the busiest company's card once: 200, and the card shows its name and timeline."""
    for path in found["inbox"]:
        status, _, body = serve.fetch(base + path, cookie)
        if status != 200 or "/staff/feedback/" not in body.decode():
            raise SystemExit(f"{path}: status {status}")
    busiest = found["busiest"][0]
    status, _, card = serve.fetch(f"{base}/staff/companies/{busiest}", cookie)
    text = card.decode()
    if status != 200 or found["names"][busiest].replace("«", "&laquo;") not in text and \
            found["names"][busiest] not in text or text.count("<li><time") < 20:
        raise SystemExit(f"company card {busiest}: status {status}, {text.count('<li><time')} timeline entries")
    print(f"checked: {len(found['inbox'])} inbox filters, the busiest company's card "
          f"({text.count('<li><time')} timeline entries)", flush=True)
    return card



def measure(tmp: Path, db_path: Path, args: argparse.Namespace, processes: list) -> tuple[dict, dict]:
    found, port = targets(db_path, args), serve.free_port()
    (tmp / "site").mkdir()
    env = serve.portal_env(tmp, tmp / "site", port, accel=False)
    processes.append(serve.start_portal(env, port, tmp, tmp / "portal.log"))
    base = f"http://127.0.0.1:{port}"
    serve.wait_up(base + "/account/login", processes[-1], tmp / "portal.log", timeout=120)
    cookie = sign_in(base, "staff1@lior.example")
    if http(base + "/staff/feedback/", cookie)[0] != 200:
        raise SystemExit("the bench's manager cannot open /staff/feedback/")
    card = check_pages(base, cookie, found)
    static = serve.static_nginx(tmp, "card.html", card, processes)
    notes = {"page": len(card), "busy": cpu_busy(), "version": portal_version()}
    runs = {"nginx static": (static, ["/card.html"], 0), "inbox": (base, found["inbox"], 0),
            "inbox @ rate": (base, found["inbox"], args.rate), "company card": (base, found["cards"], 0),
            "company card @ rate": (base, found["cards"], args.rate)}
    results = {}
    for name, (url, paths, rate) in runs.items():
        results[name] = wrk(url, paths, "" if url == static else cookie, args, tmp / f"{len(results)}.lua", rate)
        print(row(name, results[name]), flush=True)
    return results, notes


def row(name: str, result: Result, target: str = "", ok: bool | None = None) -> str:
    mark = "" if ok is None else ("PASS" if ok else "FAIL")
    return (f"{name:<21}{result.rps:>9,.0f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}{result.errors:>7}  "
            f"{target:<22}{mark}")


def report(args: argparse.Namespace, db: Path, fill_seconds: float, results: dict[str, Result], notes: dict) -> bool:
    judged = {name: ("p99 < 100 ms", results[name].p99_ms < P99_MS and not results[name].errors
                     and results[name].rps >= 0.97 * args.rate) for name in ("inbox @ rate", "company card @ rate")}
    judged["nginx static"] = (f"scale ({notes['page'] / 1024:.0f} KB file)", None)
    print(f"\n{args.companies:,} companies, {args.requests:,} requests, {args.events:,} timeline events: {db.name}, "
          f"{db.stat().st_size / 2**20:,.0f} MB (fill {fill_seconds:.0f} s); portal {notes['version']}")
    print(f"{serve.describe_server()}; wrk -t{args.threads} -c{args.connections} -d{args.duration} --latency; "
          f"CPU busy just before measuring: {notes['busy']:.0%}{' (NOT idle: figures low)' * (notes['busy'] > .1)}")
    print(f"{'':<21}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>7}  target")
    for name, result in results.items():
        print(row(name, result, *judged.get(name, ("", None))))
    nginx = results["nginx static"].rps
    print(f"inbox / nginx: {results['inbox'].rps / nginx:.1%}; company card / nginx: "
          f"{results['company card'].rps / nginx:.1%}. Unpaced rows: {args.connections} connections flat out "
          f"(p99 mostly queueing); '@ rate': paced to {args.rate:g} req/s (--rate).")
    return all(ok for _, ok in judged.values() if ok is not None)


def main() -> int:
    args = parse_args()
    for tool in ("wrk", "curl", "/usr/sbin/nginx"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (apt-get install wrk curl nginx)")
    db, fill_seconds = cached_db(args)
    tmp, processes = Path(tempfile.mkdtemp(prefix="club-feedback-bench-")), []
    try:
        (tmp / "var").mkdir()
        shutil.copy(db, tmp / "var" / "club.db")
        results, notes = measure(tmp, tmp / "var" / "club.db", args, processes)
    finally:
        serve.clean_up(processes, tmp, args.keep)
    return 0 if report(args, db, fill_seconds, results, notes) else 1


if __name__ == "__main__":
    sys.exit(main())
