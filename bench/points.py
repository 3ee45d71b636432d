"""Points, purchases in (issue 15): import shipment files of growing size, then accrue a month.

    python bench/points.py                      # 100,000 and 1,000,000 rows for 20,000 companies
    python bench/points.py --rows 20000,200000  # a quicker try

For each size a fresh SQLite file with every migration and --companies companies (1% of the file's INNs
match none and are kept aside), and a CSV as the accounting system exports it (UTF-8, ';', decimal comma,
spaces between thousands, dates DD.MM.YYYY) in a temporary folder. `club points import` runs in a child
process of its own (`portal.points.shipments`, the code the command runs), so its peak memory (ru_maxrss)
is the import's alone: it should stay flat as the file grows. The same file is imported a second time
(every line unchanged). Then the month is accrued (through the ledger when it is there, else a stub that
counts). Target: >= 50,000 rows/s; peak memory flat in the file size. Exit 1 when the rate is missed.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_ROWS_PER_SECOND = 50_000
GROUPS = ("Светильники", "Трековые системы", "Лампы", "Драйверы", "Кабель")
WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn(number: int) -> str:
    body = f"{number:09d}"
    return body + str(sum(w * int(d) for w, d in zip(WEIGHTS, body, strict=True)) % 11 % 10)


def make_companies(database: Path, count: int) -> None:
    import portal.capabilities  # noqa: F401 - every capability's migrations
    from portal.core.companies import find_or_create_company
    from portal.core.db import connect

    db = connect(database)
    with db.conn:
        db.conn.execute("BEGIN")
        for number in range(count):
            find_or_create_company(db, f"ООО «Партнёр {number}»", inn(100_000_000 + number))
    db.conn.close()


def write_file(path: Path, rows: int, companies: int) -> None:
    rng = random.Random(15)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("ИНН;Дата;Номер документа;Сумма, руб.;Товарная группа\n")
        for number in range(rows):
            who = rng.randrange(companies) if rng.random() > 0.01 else companies + rng.randrange(100)
            roubles = rng.randrange(1_000, 2_000_000)
            amount = f"{roubles:,}".replace(",", " ") + f",{rng.randrange(100):02d}"
            out.write(f"{inn(100_000_000 + who)};{rng.randrange(1, 31):02d}.11.2026;УПД-{number};"
                      f"\"{amount}\";{rng.choice(GROUPS)}\n")


def child_import(file: str, database: str) -> None:
    """In a process of its own: import the file; print seconds, counts and this process's peak memory."""
    import portal.capabilities  # noqa: F401
    from portal.core.db import connect
    from portal.points import shipments
    from portal.points.shipments_file import read_file

    db = connect(database)
    before = high_water()
    started = time.perf_counter()
    report = shipments.import_rows(db, read_file(Path(file)), file, time.time(), by="bench")
    seconds = time.perf_counter() - started
    peak = high_water()
    print(json.dumps({"seconds": seconds, "new": report.new, "unchanged": report.unchanged,
                      "unmatched": report.unmatched, "problems": report.problem_count,
                      "peak_kb": peak, "start_kb": before}))


def high_water() -> int:
    """Peak resident memory of this process in KiB: VmHWM (ru_maxrss would keep the parent's peak across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def calibrate() -> float:
    """Seconds for sum(range(10**7)): about 0.15 s on an idle modern core; more means a busy machine."""
    started = time.perf_counter()
    sum(range(10**7))
    return time.perf_counter() - started


def run_import(file: Path, database: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", str(file), str(database)], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def accrue(database: Path) -> tuple[float, str]:
    import portal.capabilities  # noqa: F401
    from portal.core.db import connect
    from portal.points import accrual

    try:
        from portal.points import ledger  # the ledger part of issue 15, when it is there
        earn, how = ledger.earn, "ledger.earn"
    except ImportError:
        calls = []
        earn, how = (lambda db, company_id, amount, **kw: calls.append(amount)), "a stub (no ledger yet)"
    db = connect(database)
    started = time.perf_counter()
    report = accrual.accrue(db, "2026-11", accrual.Rule(), time.time(), earn=earn)
    seconds = time.perf_counter() - started
    db.conn.close()
    return seconds, f"{report.line()} — through {how}"


def bench(rows: int, companies: int, folder: Path) -> bool:
    database, file = folder / f"club-{rows}.db", folder / f"shipments-{rows}.csv"
    make_companies(database, companies)
    write_file(file, rows, companies)
    size = file.stat().st_size / 1e6
    first = run_import(file, database)
    second = run_import(file, database)
    rate, again = rows / first["seconds"], rows / second["seconds"]
    print(f"{rows:>9,} rows ({size:,.0f} MB): import {first['seconds']:6.1f} s = {rate:>8,.0f} rows/s, peak "
          f"{first['peak_kb'] / 1024:5.0f} MB (at start {first['start_kb'] / 1024:.0f} MB); {first['new']:,} new, "
          f"{first['unmatched']:,} kept aside; again {second['seconds']:.1f} s = {again:,.0f} rows/s, "
          f"{second['unchanged']:,} unchanged")
    seconds, line = accrue(database)
    print(f"{'':>9}  accrue 2026-11 in {seconds:.1f} s: {line}")
    return rate >= TARGET_ROWS_PER_SECOND


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child_import(sys.argv[2], sys.argv[3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="100000,1000000", help="file sizes, comma-separated")
    parser.add_argument("--companies", type=int, default=20_000)
    args = parser.parse_args()
    sizes = [int(value) for value in args.rows.split(",")]
    print(f"this machine now: sum(range(10**7)) in {calibrate():.2f} s (about 0.15 s on an idle modern core)")
    with tempfile.TemporaryDirectory(prefix="club-points-bench-") as folder:
        fast = [bench(rows, args.companies, Path(folder)) for rows in sizes]
    print(f"target >= {TARGET_ROWS_PER_SECOND:,} rows/s: {'met' if all(fast) else 'MISSED'}")
    return 0 if all(fast) else 1


if __name__ == "__main__":
    sys.exit(main())
