"""The partner health table at the customer's size: 20,000 companies, each with a year and a half of purchases,
points, requests and event visits; how long building, filtering and sorting the whole table takes.

    python bench/health_table.py                      # 20,000 companies
    python bench/health_table.py --companies 2000     # a quick try

Fill: a fresh database (every migration) in a temporary folder, executemany with explicit columns: per company
--lines purchase lines over 18 months, four ledger rows, two requests (one open), one event visit; a fifth of
the companies merged duplicates. Measure: the companies alone (core.companies.roster, the baseline: one
query), then the table (roster + one query per column), the drifting filter and a sort, each the best of
--repeat runs. The table should stay a small multiple of the baseline: queries per column, never per row.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import portal.capabilities  # noqa: E402,F401 - registers every capability (migrations, columns)
from portal.core.capability import REGISTRY  # noqa: E402
from portal.core.companies import roster  # noqa: E402
from portal.core.db import connect  # noqa: E402
from portal.core.settings import load_settings  # noqa: E402
from portal.staff import health_table as table  # noqa: E402


def fill(db, companies: int, lines: int, now: float) -> None:
    rng, today = random.Random(17), date.today()
    db.conn.execute("BEGIN")
    db.conn.executemany("INSERT INTO users (id, name, email, role, created_at, updated_at) "
                        "VALUES (?, ?, ?, 'staff', '2026', '2026')",
                        [(n, f"Менеджер {n}", f"m{n}@club.example") for n in range(1, 21)])
    db.conn.executemany(
        "INSERT INTO companies (id, name, name_key, segment, region, account_manager_id, last_contact_at, created_at, "
        "merged_into) VALUES (?, ?, ?, ?, ?, ?, ?, '2025-01-01', ?)",
        [(n, f"ООО «Компания {n}»", f"компания {n}", rng.choice(("installers", "designers")),
          rng.choice(("central", "volga")), rng.randint(1, 20), now - rng.randint(0, 400) * 86400.0,
          n - 1 if n % 5 == 0 else None) for n in range(1, companies + 1)])
    db.conn.executemany(
        "INSERT INTO points_shipments (company_id, inn, doc_date, document, amount_kopecks, kind, file, line, "
        "imported_at) VALUES (?, '', ?, ?, ?, 'shipment', 'bench', 0, 0)",
        [(n, (today - timedelta(days=rng.randint(0, 540))).isoformat(), f"{n}-{k}", rng.randint(1, 10**8))
         for n in range(1, companies + 1) for k in range(lines)])
    db.conn.executemany("INSERT INTO points_ledger (company_id, kind, amount, expires_at, at) VALUES (?, ?, ?, ?, ?)",
                        [(n, kind, amount, now + 3e7 if amount > 0 else None, now - 1e6)
                         for n in range(1, companies + 1)
                         for kind, amount in (("earn", 100), ("earn", 50), ("adjust", -30), ("hold", -20))])
    db.conn.executemany(
        "INSERT INTO feedback_requests (kind, subject, body, html, company_id, status, nonce, created_at, updated_at) "
        "VALUES ('question', 's', 'b', 'b', ?, ?, ?, ?, ?)",
        [(n, status, f"{n}-{status}", now - 1e6, now - 1e6) for n in range(1, companies + 1)
         for status in ("new", "closed")])
    db.conn.executemany("INSERT INTO users (id, name, email, company_id, created_at, updated_at) "
                        "VALUES (?, 'p', ?, ?, '2026', '2026')",
                        [(100 + n, f"p{n}@x.ru", n) for n in range(1, companies + 1)])
    db.conn.executemany(
        "INSERT INTO event_registrations (id, event, user_id, company_id, status, position, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, 'registered', ?, ?, ?)",
        [(n, f"e{n % 30}", 100 + n, n, n, now - 2e6, now - 2e6) for n in range(1, companies + 1)])
    db.conn.executemany("INSERT INTO event_attendance (registration_id, event, present, at) VALUES (?, ?, 1, ?)",
                        [(n, f"e{n % 30}", now - 1e6) for n in range(1, companies + 1)])
    db.conn.execute("COMMIT")


def best(repeat: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companies", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    now = time.time()
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(env_file=None, environ_={
            "CLUB_DATABASE": f"{folder}/club.db", "CLUB_SITE_DIR": folder, "CLUB_BASE_URL": "http://127.0.0.1",
            "CLUB_CONFIG": str(REPO / "mkdocs.yml")})
        db = connect(settings.database)
        fill(db, args.companies, args.lines, now)
        columns = table.columns_of(REGISTRY)
        base, companies = best(args.repeat, lambda: roster(db))
        built, rows = best(args.repeat, lambda: table.rows(db, settings, columns, now))
        for column in columns:
            spent, _ = best(1, lambda column=column: column.values(db, settings, now))
            print(f"  column {column.key:<18} {spent:8.1f} ms")
        query = table.Query(drifting=True, sort="purchases_trend", desc=True)
        kinds = {column.key: column.kind for column in columns}
        shaped, found = best(args.repeat, lambda: table.ordered(table.select(rows, query, now), query, kinds))
        print(f"companies {len(companies)}, columns {len(columns)}, drifting {len(found)}")
        print(f"roster (baseline) {base:8.1f} ms")
        print(f"whole table       {built:8.1f} ms  ({built / base:.1f}x the baseline)")
        print(f"filter + sort     {shaped:8.1f} ms")


if __name__ == "__main__":
    main()
