"""Newsletter sending at scale: `club worker --once` to 10,000 / 50,000 / 100,000 generated recipients.

    python bench/newsletter.py                          # 10k, 50k and 100k recipients (fills cached)
    python bench/newsletter.py --sizes 100000 --concurrency 8
    python bench/newsletter.py --artefact site/mail/newsletters/2026/11/x.json   # a real built e-mail

Fill (cached in .cache/bench-newsletter/ by size and schema; --rebuild): a file made by portal.db
with every migration, members in companies of about 10 with segment, region, role, topics, most of
them members (company + phone) and the rest registered readers, all subscribed and confirmed.
Each run copies the file, queues one members-only newsletter to everyone (portal.newsletters.
queue_newsletter; full text for members, the preview for readers, tracking on) and starts an
aiosmtpd sink in a process of its own (counts messages and distinct Message-IDs, keeps nothing).
Then `club worker --once` runs as a subprocess: wall time from start to exit (Python start-up,
freezing the recipients and sending), the sending time alone (newsletters.started_at ->
finished_at), and the worker's peak RSS (os.wait4's ru_maxrss of that one child).

Targets (issue 5): >= 500 messages/s on this 2-core machine, peak memory < 200 MB at 100,000 and
flat as the list grows. listmonk's defaults (concurrency 10, message rate 10 per worker) come to
about 100 messages/s. The sink shares the two cores with the worker, like a local relay would.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

FILL_VERSION = 1
TARGET_RATE, TARGET_MB, LISTMONK_RATE = 500.0, 200.0, 100.0
SEGMENTS = ("distributors", "designers", "installers", "end_customers")
REGIONS = ("msk", "spb", "ural", "sibir", "yug", "volga")
ROLES = ("director", "service", "sales_head", "sales", "supply")
TOPICS = ("new_products", "promotions", "regulation", "trends", "mounting")
FIRST = ["Анна", "Мария", "Елена", "Ольга", "Ирина", "Наталья", "Алексей", "Дмитрий", "Сергей", "Андрей", "Игорь"]
LAST = ["Светлов", "Лампов", "Иванов", "Кузнецов", "Смирнов", "Попов", "Волков", "Соколов", "Лебедев", "Орлов"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,50000,100000", help="recipients per run, comma-separated")
    parser.add_argument("--concurrency", type=int, default=4, help="CLUB_NEWSLETTER_CONCURRENCY")
    parser.add_argument("--artefact", type=Path, help="a built site/mail/<page>.json (default: a generated one)")
    parser.add_argument("--rebuild", action="store_true", help="fill the databases again even if cached")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--sink", type=int, help=argparse.SUPPRESS)  # internal: run the counting sink on PORT
    parser.add_argument("--sink-report", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


# --- the fill ---------------------------------------------------------------------------------------------
def fingerprint() -> str:
    from portal.core import migrations

    return hashlib.sha256((repr(migrations.MIGRATIONS) + str(FILL_VERSION)).encode()).hexdigest()[:10]


def cached_db(size: int, rebuild: bool) -> tuple[Path, float]:
    path = REPO / ".cache" / "bench-newsletter" / f"recipients-{size}-{fingerprint()}.db"
    meta = path.with_suffix(".json")
    if rebuild or not meta.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f"recipients-{size}-*"):
            stale.unlink()
        print(f"filling {path.name} ...", flush=True)
        started = time.perf_counter()
        fill(path.with_suffix(".partial"), size)
        path.with_suffix(".partial").rename(path)
        meta.write_text(json.dumps({"fill": time.perf_counter() - started}), encoding="utf-8")
    return path, json.loads(meta.read_text(encoding="utf-8"))["fill"]


def fill(path: Path, size: int) -> None:
    from portal.core.companies import company_key
    from portal.core.db import open_database, upgrade

    rng, stamp = random.Random(size), "2025-03-01T09:00:00+00:00"
    db = open_database(path)
    upgrade(db)
    conn = db.conn
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -200000"):
        conn.execute(f"PRAGMA {pragma}")
    companies = [f"{rng.choice(('ООО', 'АО', 'ИП'))} «Свет-{i}»" for i in range(max(1, size // 10))]
    users = []
    for i in range(1, size + 1):
        first = rng.choice(FIRST)
        name = f"{first} {rng.choice(LAST)}{'а' if first[-1] == 'а' else ''}"
        member = rng.random() < 0.7  # the rest are registered readers: they get the preview
        topics = json.dumps(rng.sample(TOPICS, rng.randint(0, 3)))
        users.append((f"reader{i}@partner{i % len(companies)}.ru", name, stamp, stamp,
                      1 + i % len(companies) if member else None, f"+7912{i:07d}" if member else None,
                      rng.choice(SEGMENTS), rng.choice(REGIONS), rng.choice(ROLES), topics, stamp, stamp))
    with conn:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO companies (name, name_key, created_at) VALUES (?, ?, ?)",
                         [(name, company_key(name), stamp) for name in companies])
        conn.executemany("INSERT INTO users (email, name, email_confirmed_at, consent_at, company_id, phone, "
                         "segment, region, job_role, topics, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", users)
        conn.execute("INSERT INTO subscriptions (user_id, list) SELECT id, 'newsletters' FROM users")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()


# --- the letter ---------------------------------------------------------------------------------------------
def generated_artefact():
    """A members-only letter the size of the demo's (about 12 KB of table-layout HTML, 7 links)."""
    from site_builder.contract import MailArtefact, MailVariant

    row = ('<tr><td style="padding:12px 24px;font:16px/1.5 Arial,sans-serif;color:#1f2328">{}</td></tr>')
    para = ("Новая линейка светильников для складов и цехов: IP65, 150 лм/Вт, драйверы с DALI-2 и "
            "пятилетняя гарантия. Подробности, таблицы и сертификаты — в веб-версии письма.")

    def html(body: list[str]) -> str:
        rows = "".join(row.format(p) for p in body)
        return ('<!DOCTYPE html><html lang="ru"><body style="margin:0;background:#f4f5f7">'
                '<span style="display:none">Коротко о новинках</span><table role="presentation" width="100%">'
                f'{row.format("Здравствуйте, {{club:name}}!")}{rows}'
                + "".join(row.format(f'<a href="{{{{club:link:{i}}}}}" style="color:#0b57d0">Ссылка {i}</a>')
                          for i in range(7))
                + row.format('<a href="{{club:unsubscribe}}">Отписаться</a>') + "</table>{{club:pixel}}</body></html>")

    def text(body: list[str]) -> str:
        return ("Здравствуйте, {{club:name}}!\n\n" + "\n\n".join(body) + "\n\n"
                + "\n".join(f"Ссылка {i}: {{{{club:link:{i}}}}}" for i in range(7)) + "\n\nОтписаться: "
                "{{club:unsubscribe}}\n")

    full, preview = [para] * 24, [para] * 4 + ["Полный текст — для участников клуба: {{club:link:0}}"]
    return MailArtefact(page="newsletters/bench/letter", source="content/newsletters/bench.md",
                        url="https://club.example.ru/newsletters/bench/letter/", title="Новинки",
                        subject="Новинки месяца: складские светильники и драйверы DALI-2", preheader="Коротко",
                        date="2026-11-24", language="ru", access="members",
                        audience={"segments": [], "regions": [], "roles": [], "topics": []},
                        links=[f"https://club.example.ru/catalog/{i}/?utm_source=newsletter&n={i}" for i in range(7)],
                        full=MailVariant(html(full), text(full)), preview=MailVariant(html(preview), text(preview)))


def load_artefact(path: Path | None):
    from site_builder.contract import artefact_from_json

    return artefact_from_json(path.read_text(encoding="utf-8"), str(path)) if path else generated_artefact()


# --- the sink -----------------------------------------------------------------------------------------------
MESSAGE_ID = re.compile(rb"\r?\nMessage-ID: (<[^>\r\n]+>)", re.I)


def run_sink(port: int, report: Path) -> None:
    """aiosmtpd that only counts (messages, bytes, distinct Message-IDs); writes report on SIGTERM."""
    import asyncio

    from aiosmtpd.controller import Controller

    class Counter:
        def __init__(self) -> None:
            self.messages, self.bytes, self.ids = 0, 0, set()

        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
            self.messages += 1
            self.bytes += len(envelope.content)
            found = MESSAGE_ID.search(envelope.content, 0, 4096)
            self.ids.add(found.group(1) if found else b"?")
            return "250 OK"

    try:
        import uvloop

        loop = uvloop.new_event_loop()  # a relay written in C would be faster still; the sink must not be the limit
    except ImportError:
        loop = asyncio.new_event_loop()
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port, loop=loop, server_hostname="localhost",
                            ready_timeout=10)
    controller.start()
    done = []
    signal.signal(signal.SIGTERM, lambda *_: done.append(1))
    print("sink ready", flush=True)
    while not done:
        time.sleep(0.05)
    controller.stop()
    report.write_text(json.dumps({"messages": counter.messages, "bytes": counter.bytes,
                                  "distinct_ids": len(counter.ids)}), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_sink(tmp: Path) -> tuple[subprocess.Popen, int, Path]:
    port, report = free_port(), tmp / f"sink-{time.monotonic_ns()}.json"
    sink = subprocess.Popen([sys.executable, __file__, "--sink", str(port), "--sink-report", str(report)],
                            stdout=subprocess.PIPE, text=True)
    if sink.stdout is None or sink.stdout.readline().strip() != "sink ready":
        raise SystemExit("the SMTP sink did not start")
    return sink, port, report


def stop_sink(sink: subprocess.Popen, report: Path) -> dict:
    sink.send_signal(signal.SIGTERM)
    sink.wait(60)
    return json.loads(report.read_text(encoding="utf-8"))


# --- one run ------------------------------------------------------------------------------------------------
def run_size(size: int, args: argparse.Namespace, tmp: Path, artefact) -> dict:
    from portal.core.db import connect
    from portal.newsletters.model import get_newsletter
    from portal.newsletters.queue import queue_newsletter

    cached, fill_seconds = cached_db(size, args.rebuild)
    database = tmp / f"club-{size}.db"
    shutil.copy(cached, database)
    db = connect(database)
    newsletter = queue_newsletter(db, artefact, datetime(2026, 1, 1, tzinfo=UTC), None)
    sink, port, report = start_sink(tmp)
    env = {**os.environ, "CLUB_DATABASE": str(database), "CLUB_SMTP_URL": f"smtp://127.0.0.1:{port}?timeout=30",
           "CLUB_BASE_URL": "https://club.example.ru", "CLUB_SECRET_KEY": "b" * 48, "CLUB_SITE_DIR": str(tmp),
           "CLUB_CONFIG": str(REPO / "mkdocs.yml"), "CLUB_NEWSLETTER_CONCURRENCY": str(args.concurrency)}
    try:
        started = time.perf_counter()
        worker = subprocess.Popen([sys.executable, "-m", "portal.cli", "worker", "--once"], env=env, cwd=tmp,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        output = worker.stdout.read() if worker.stdout else ""
        _, status, usage = os.wait4(worker.pid, 0)  # this child's own peak RSS, not the sink's
        wall = time.perf_counter() - started
        worker.returncode = os.waitstatus_to_exitcode(status)
    finally:
        counted = stop_sink(sink, report)
    done = get_newsletter(db, newsletter.id)
    sent = db.execute("SELECT count(*) FROM newsletter_sends WHERE newsletter_id = ? AND status = 'sent'",
                      [newsletter.id]).fetchone()[0]
    variants = dict(db.execute("SELECT variant, count(*) FROM newsletter_sends GROUP BY variant").fetchall())
    db.conn.close()
    if worker.returncode != 0 or done is None or done.status != "done":
        raise SystemExit(f"club worker --once failed ({worker.returncode}):\n{output}")
    sending = (done.finished_at or 0) - (done.started_at or 0)
    return {"size": size, "sent": sent, "wall": wall, "sending": sending, "peak_mb": usage.ru_maxrss / 1024,
            "sink": counted, "variants": variants, "fill": fill_seconds, "output": output.strip().splitlines()[-1]}


def cpu_busy(seconds: float = 2.0) -> float:
    """Share of the machine's CPU in use by anyone over a moment (/proc/stat): other work skews the figures."""
    def sample() -> list[int]:
        return [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]

    before, _, after = sample(), time.sleep(seconds), sample()
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return 1 - (spent[3] + spent[4]) / max(1, sum(spent))


def portal_version() -> str:
    git = [subprocess.run(["git", *command], cwd=REPO, capture_output=True, text=True).stdout.strip()
           for command in (["rev-parse", "--short", "HEAD"], ["status", "--porcelain", "portal"])]
    return git[0] + (" + uncommitted changes in portal/" if git[1] else "")


def report(results: list[dict], args: argparse.Namespace, busy: float, artefact) -> bool:
    print(f"\nportal {portal_version()}; {os.cpu_count()} CPUs; CLUB_NEWSLETTER_CONCURRENCY={args.concurrency}, "
          f"no rate limit; letter: {artefact.page} ({len(artefact.full.html) / 1024:.0f} KB HTML, "
          f"{len(artefact.links)} links, tracking on)")
    print(f"CPU busy just before measuring: {busy:.0%}{' (NOT idle: figures low)' * (busy > .1)}")
    print(f"{'recipients':>10}{'sent':>9}{'sink':>9}{'ids':>9}{'wall s':>8}{'send s':>8}{'msg/s':>8}"
          f"{'e2e/s':>8}{'peak MB':>9}  full/preview")
    ok = True
    for r in results:
        rate, e2e = r["sent"] / max(r["sending"], 1e-9), r["sent"] / r["wall"]
        exact = r["sent"] == r["size"] == r["sink"]["messages"] == r["sink"]["distinct_ids"]
        ok &= exact and rate >= TARGET_RATE and r["peak_mb"] < TARGET_MB
        print(f"{r['size']:>10,}{r['sent']:>9,}{r['sink']['messages']:>9,}{r['sink']['distinct_ids']:>9,}"
              f"{r['wall']:>8.1f}{r['sending']:>8.1f}{rate:>8,.0f}{e2e:>8,.0f}{r['peak_mb']:>9.0f}  "
              f"{r['variants'].get('full', 0):,}/{r['variants'].get('preview', 0):,}"
              f"{'' if exact else '  COUNTS DIFFER'}")
    last = results[-1]
    print(f"targets: >= {TARGET_RATE:.0f} msg/s (send s: freeze -> done), < {TARGET_MB:.0f} MB peak; "
          f"listmonk defaults ~{LISTMONK_RATE:.0f} msg/s. wall s = `club worker --once` from start to exit "
          f"(start-up and freezing included). Average message {last['sink']['bytes'] / max(1, last['sent']) / 1024:.1f}"
          f" KB. Last worker line: {last['output']}")
    print("RESULT:", "PASS" if ok else "FAIL")
    return ok


def main() -> int:
    args = parse_args()
    if args.sink:
        run_sink(args.sink, args.sink_report)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    artefact = load_artefact(args.artefact)
    for size in sizes:
        cached_db(size, args.rebuild)
    tmp = Path(tempfile.mkdtemp(prefix="bench-newsletter-"))
    try:
        busy = cpu_busy()
        results = []
        for size in sizes:
            results.append(run_size(size, args, tmp, artefact))
            r = results[-1]
            print(f"{size:,}: sent {r['sent']:,} in {r['sending']:.1f} s ({r['sent'] / max(r['sending'], 1e-9):,.0f}"
                  f" msg/s), wall {r['wall']:.1f} s, peak {r['peak_mb']:.0f} MB", flush=True)
        return 0 if report(results, args, busy, artefact) else 1
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
