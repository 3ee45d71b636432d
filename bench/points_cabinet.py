"""Points, the ledger at the customer's size (issue 15): 10,000,000 ledger rows for 20,000 companies, then
the cabinet's points page and the staff company page through uvicorn, paced, beside nginx serving a static
file of the page's size in the same run.

    python bench/points_cabinet.py                               # the customer's size (cached)
    python bench/points_cabinet.py --companies 2000 --rows 1000000   # a quick try

Fill (cached in .cache/bench-points/ by size and schema; --rebuild): a database made by portal.core.db with
every migration, then executemany with explicit columns into points_ledger as the ledger writes it: per
company, lots earned month by month (some long expired, with their expire rows), holds that were debited
or released, hand adjustments; busy companies have many times the average (Pareto weights), so the busiest
company's page is the worst case. The representative of the busiest company and of a median one sign in
through /account/login.
Measure: one uvicorn worker; each page once (200, the balance shown); wrk paced to --rate on the cabinet
of the busiest and of the median company and on the staff page cycling through 1,000 companies; nginx
serves a static file of the cabinet page's size, flat out and paced. Target: p99 <= 20 ms paced, no errors.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import serve  # noqa: E402 - servers, curl fetch, wrk output parsing
from bench.forum import PASSWORD, cpu_busy, http, portal_version, sign_in, wrk  # noqa: E402

Result = serve.WrkResult
FILL_VERSION = 2
P99_MS, RATE = 20.0, 50.0
DAY = 86400.0
COLUMNS = "id, company_id, kind, amount, reason, source, ref_id, expires_at, by_id, at"
STAMP = "2024-03-01T09:00:00+00:00"
ROWS_PER_STEP = 1.6  # a step writes a lot, or a hold and its settlement, and now and then an expire row


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default in (("companies", 20_000), ("rows", 10_000_000), ("connections", 10), ("threads", 2),
                          ("sample", 1000)):
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--rate", type=float, default=RATE, help="req/s of the paced rows")
    parser.add_argument("--rebuild", action="store_true", help="fill the database again even if cached")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if args.rows < 20 * args.companies:
        parser.error("need rows >= 20 x companies")
    return args


def cached_db(args: argparse.Namespace) -> tuple[Path, dict]:
    size = f"points-{args.companies}c-{args.rows}r"
    return serve.cached_database("points", size, serve.schema_fingerprint(FILL_VERSION),
                                 lambda partial: fill(partial, args), args.rebuild)


def fill(path: Path, args: argparse.Namespace) -> dict:
    import portal.capabilities  # noqa: F401 - every capability's migrations
    from portal.core.db import connect

    db = connect(path)
    conn, rng = db.conn, random.Random(20261203)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -1000000"):
        conn.execute(f"PRAGMA {pragma}")
    weights = [min(rng.paretovariate(1.2), 60.0) for _ in range(args.companies)]
    total = sum(weights)
    counts = [max(20, int(args.rows * w / total)) for w in weights]
    fill_people(conn, args)
    written, batch, sizes = 0, [], []
    for company, count in enumerate(counts, 1):
        rows = list(company_rows(rng, company, count, written))
        batch.extend(rows)
        written += len(rows)
        sizes.append(len(rows))
        if len(batch) >= 200_000:
            insert(conn, batch)
            batch = []
    insert(conn, batch)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("ANALYZE")
    conn.close()
    ranked = sorted(range(1, args.companies + 1), key=lambda c: sizes[c - 1])
    return {"rows": written, "busiest": ranked[-1], "busiest_rows": sizes[ranked[-1] - 1],
            "median": ranked[len(ranked) // 2], "median_rows": sizes[ranked[len(ranked) // 2] - 1]}


def insert(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    with conn:
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO points_ledger ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)  # noqa: S608


def company_rows(rng: random.Random, company: int, count: int, before: int) -> Iterator[tuple]:
    """About `count` rows of one company over six years, ids from before + 1, as the ledger writes them:
    two-year lots (monthly earns, a few hand grants), holds for requests (most debited, some released at
    once), and for each lot that runs out of time with points left its expire row, oldest first (FIFO)."""
    now, next_id = time.time(), before + 1
    at, step = now - 6 * 365 * DAY, 6 * 365 * DAY * ROWS_PER_STEP / count
    lots: deque[list] = deque()  # [id, points left, expires_at], soonest to expire first
    for _ in range(int(count / ROWS_PER_STEP)):
        at += step
        while lots and lots[0][2] <= at:  # the job's expire rows
            lot_id, left, expires = lots.popleft()
            if left > 0:
                yield (next_id, company, "expire", -left, "expired", "", lot_id, None, None, expires)
                next_id += 1
        kind = rng.choices(("earn", "hold", "adjust"), (6, 3, 1))[0]
        if kind == "hold" and sum(lot[1] for lot in lots) > 2000:
            amount, debited = rng.randrange(500, 2000), rng.random() < 0.8
            yield (next_id, company, "hold", -amount, "Заявка", f"request:{next_id}", None, None, None, at)
            yield (next_id + 1, company, "debit" if debited else "release", 0 if debited else amount,
                   "Выполнено" if debited else "Отклонено", f"request:{next_id}", next_id, None, 1, at)
            next_id += 2
            while debited and amount:  # a spent hold consumes the lots that expire first
                used = min(lots[0][1], amount)
                lots[0][1], amount = lots[0][1] - used, amount - used
                if not lots[0][1]:
                    lots.popleft()
        else:
            amount, hand = rng.randrange(100, 4000), kind == "adjust"
            yield (next_id, company, "adjust" if hand else "earn", amount, "Награда" if hand else "Закупки за месяц",
                   "manual" if hand else f"bench:{next_id}", None, at + 730 * DAY, 1 if hand else None, at)
            lots.append([next_id, amount, at + 730 * DAY])
            next_id += 1


def fill_people(conn: sqlite3.Connection, args: argparse.Namespace) -> None:
    """Staff 1 (signs in), then one person per company, its representative, with a phone: a member."""
    from portal.core.companies import company_key
    from portal.core.passwords import hash_password

    secret = hash_password(PASSWORD)
    with conn:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO users (email, name, password_hash, email_confirmed_at, consent_at, role, created_at, "
                     "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     ("staff1@lior.example", "Менеджер", secret, STAMP, STAMP, "staff", STAMP, STAMP))
        conn.executemany("INSERT INTO companies (name, name_key, account_manager_id, created_at) VALUES (?, ?, ?, ?)",
                         [(f"ООО «Партнёр-{c}»", company_key(f"Партнёр {c}"), 1, STAMP)
                          for c in range(1, args.companies + 1)])
        conn.executemany("INSERT INTO users (email, name, password_hash, email_confirmed_at, consent_at, company_id, "
                         "phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [(f"p{c}@partner{c}.ru", f"Представитель {c}", secret, STAMP, STAMP, c, f"+7912{c:07d}",
                           STAMP, STAMP) for c in range(1, args.companies + 1)])
        conn.execute("UPDATE companies SET representative_id = id + 1")


def check_page(base: str, path: str, cookie: str) -> bytes:
    status, _, body = http(base + path, cookie)
    if status != 200 or "points" not in body:
        raise SystemExit(f"{path}: status {status}")
    return body.encode()


def measure(tmp: Path, found: dict, args: argparse.Namespace, processes: list) -> tuple[dict, dict]:
    port = serve.free_port()
    (tmp / "site").mkdir()
    env = serve.portal_env(tmp, tmp / "site", port, accel=False)
    processes.append(serve.start_portal(env, port, tmp, tmp / "portal.log"))
    base = f"http://127.0.0.1:{port}"
    serve.wait_up(base + "/account/login", processes[-1], tmp / "portal.log", timeout=120)
    busiest, median = found["busiest"], found["median"]
    cookies = {"busiest": sign_in(base, f"p{busiest}@partner{busiest}.ru"),
               "median": sign_in(base, f"p{median}@partner{median}.ru"), "staff": sign_in(base, "staff1@lior.example")}
    page = check_page(base, "/account/points/", cookies["busiest"])
    check_page(base, "/account/points/", cookies["median"])
    sample = sorted(random.Random(7).sample(range(1, args.companies + 1), min(args.sample, args.companies)))
    staff_paths = [f"/staff/points/{company}/" for company in [busiest, *sample]]
    check_page(base, staff_paths[0], cookies["staff"])
    static = serve.static_nginx(tmp, "points.html", page, processes)
    notes = {"page": len(page), "busy": cpu_busy(), "version": portal_version()}
    runs = {"nginx static": (static, ["/points.html"], "", 0),
            "nginx static @ rate": (static, ["/points.html"], "", args.rate),
            "cabinet, busiest @ rate": (base, ["/account/points/"], cookies["busiest"], args.rate),
            "cabinet, median @ rate": (base, ["/account/points/"], cookies["median"], args.rate),
            "cabinet, median": (base, ["/account/points/"], cookies["median"], 0),
            "staff page @ rate": (base, staff_paths, cookies["staff"], args.rate)}
    results = {}
    for name, (url, paths, cookie, rate) in runs.items():
        results[name] = wrk(url, paths, cookie, args, tmp / f"{len(results)}.lua", rate)
        print(row(name, results[name]), flush=True)
    return results, notes


def row(name: str, result: Result, target: str = "", ok: bool | None = None) -> str:
    mark = "" if ok is None else ("PASS" if ok else "FAIL")
    return (f"{name:<26}{result.rps:>9,.0f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}{result.errors:>7}  "
            f"{target:<16}{mark}")


def report(args: argparse.Namespace, db: Path, found: dict, results: dict[str, Result], notes: dict) -> bool:
    judged = {name: (f"p99 <= {P99_MS:g} ms", results[name].p99_ms <= P99_MS and not results[name].errors
                     and results[name].rps >= 0.97 * args.rate) for name in results if "@ rate" in name
              and "nginx" not in name}
    print(f"\n{found['rows']:,} ledger rows for {args.companies:,} companies: {db.name}, "
          f"{db.stat().st_size / 2**20:,.0f} MB (fill {found['fill']:.0f} s); the busiest company has "
          f"{found['busiest_rows']:,} rows, the median {found['median_rows']:,}; portal {notes['version']}")
    print(f"{serve.describe_server()}; wrk -t{args.threads} -c{args.connections} -d{args.duration} --latency; "
          f"CPU busy just before measuring: {notes['busy']:.0%}{' (NOT idle: figures low)' * (notes['busy'] > .1)}")
    print(f"{'':<26}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>7}  target")
    for name, result in results.items():
        print(row(name, result, *judged.get(name, ("", None))))
    nginx = results["nginx static"].rps
    print(f"cabinet (median company) / nginx, flat out: {results['cabinet, median'].rps / nginx:.1%}; "
          f"nginx paced p99 {results['nginx static @ rate'].p99_ms:.1f} ms is the floor of this machine and wrk. "
          f"'@ rate': paced to {args.rate:g} req/s (--rate); page {notes['page'] / 1024:.0f} KB.")
    return all(ok for _, ok in judged.values())


def main() -> int:
    args = parse_args()
    for tool in ("wrk", "/usr/sbin/nginx"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (apt-get install wrk nginx-light)")
    db, found = cached_db(args)
    tmp, processes = Path(tempfile.mkdtemp(prefix="club-points-bench-")), []
    try:
        (tmp / "var").mkdir()
        shutil.copy(db, tmp / "var" / "club.db")
        results, notes = measure(tmp, found, args, processes)
    finally:
        serve.clean_up(processes, tmp, args.keep)
    return 0 if report(args, db, found, results, notes) else 1


if __name__ == "__main__":
    sys.exit(main())
