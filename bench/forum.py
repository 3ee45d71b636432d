"""Forum at scale: 1,000,000 posts in 50,000 topics by 20,000 members, measured with wrk in one run.

    python bench/forum.py                       # the customer's size (fill ~ several minutes, cached)
    python bench/forum.py --posts 100000 --topics 5000 --members 2000   # a quick try

Rows: nginx serving a static file of the topic page's size (for scale), the category page, a
topic page with 20 posts (cycling through 1,000 topics so no single page stays hot), and search
(cycling through 100 queries). Targets: topic page >= 1,500 requests/s per worker with p99 <= 30
ms; search p99 <= 100 ms; 100 replies posted at once by 10 members all land, numbered 1..N with
no gaps. One uvicorn worker; wrk, the servers and this script share the machine's two cores.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import html
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.serve import WrkResult, free_port, parse_wrk, portal_env, start_portal, wait_up  # noqa: E402

WORDS = str.split("светильник светильники драйвер драйвера монтаж монтажа проект проекта освещение освещения "
                  "склад склада "
         "офис офиса школа школы гостиница панель панели линия линии датчик датчики управление DALI трек трековый "
         "прожектор уличный тендер цена цены заказчик заказчика расчёт расчёта яркость пульсация модуль профиль "
         "кабель питание подключение схема схемы гарантия сроки поставка остатки акция новинка")
QUERIES = ["светильники для склада", "драйвер DALI", "монтаж трека", "пульсация", "расчёт освещения офиса",
           "тендер", "датчики", "гарантия на драйвер", "уличный прожектор", "поставка сроки"] * 10
CATEGORIES = 8


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--topics", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true", help="fill the database again even if cached")
    return parser.parse_args()


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 14))
    return " ".join(words).capitalize() + "."


def fill(path: Path, args: argparse.Namespace) -> None:
    """Bulk rows with explicit columns; HTML pre-rendered cheaply (plain text bodies)."""
    from portal.db import connect
    from portal.forum_search import reindex_all

    db = connect(path)
    conn, rng, now = db.conn, random.Random(1), time.time()
    conn.execute("PRAGMA synchronous = OFF")
    started = time.perf_counter()
    with conn:
        conn.execute("INSERT INTO companies (name, name_key, created_at) VALUES ('ООО Бенч', 'бенч', '2026-01-01')")
        conn.executemany("INSERT INTO users (email, name, email_confirmed_at, consent_at, company_id, phone, "
                         "handle, created_at, updated_at) VALUES (?, ?, '2026-01-01', '2026-01-01', 1, "
                         "'+79123456789', ?, '2026-01-01', '2026-01-01')",
                         [(f"m{i}@bench.example", f"Участник {i}", f"m{i}") for i in range(args.members)])
        conn.executemany("INSERT INTO forum_categories (slug, title, description, position, created_at) "
                         "VALUES (?, ?, '', ?, '2026-01-01')", [(f"c{i}", f"Раздел {i}", i) for i in range(CATEGORIES)])
    counts = topic_sizes(rng, args)
    post_id = 0
    for first in range(0, args.topics, 2000):
        topics, posts = [], []
        for topic in range(first, min(first + 2000, args.topics)):
            start = now - rng.uniform(0, 365 * 86400)
            authors = [rng.randrange(args.members) + 1 for _ in range(counts[topic])]
            for number, author in enumerate(authors, 1):
                body = " ".join(sentence(rng) for _ in range(rng.randint(1, 4)))
                posts.append((topic + 1, number, author, body, f"<p>{html.escape(body)}</p>", start + number * 60))
            post_id += len(authors)
            topics.append((topic % CATEGORIES + 1, authors[0], " ".join(rng.choices(WORDS, k=5)).capitalize(),
                           len(authors), len(authors), start + len(authors) * 60, authors[-1], start))
        with conn:
            conn.executemany("INSERT INTO forum_topics (category_id, author_id, title, post_count, last_number, "
                             "last_post_at, last_poster_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", topics)
            conn.executemany("INSERT INTO forum_posts (topic_id, number, author_id, body, html, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", posts)
    print(f"fill: {args.members:,} members, {args.topics:,} topics, {post_id:,} posts in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    indexed = reindex_all(db)
    print(f"search index: {indexed:,} posts in {time.perf_counter() - started:.0f} s", flush=True)
    conn.execute("ANALYZE")
    conn.close()


def topic_sizes(rng: random.Random, args: argparse.Namespace) -> list[int]:
    """Posts per topic: skewed (most short, a few long), summing to --posts."""
    weights = [rng.paretovariate(1.5) for _ in range(args.topics)]
    scale = (args.posts - args.topics) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    sizes[0] += args.posts - sum(sizes)  # the remainder to the first topic
    return sizes


def sessions_for(env: dict[str, str], user_ids: list[int]) -> list[str]:
    from starlette.requests import Request
    from starlette.responses import Response

    from portal import sessions
    from portal.db import connect
    from portal.settings import load_settings

    settings = load_settings(env_file=None, environ_=env)
    db, cookies = connect(settings.database), []
    for user_id in user_ids:
        response = Response()
        request = Request({"type": "http", "method": "GET", "headers": [], "client": ("127.0.0.1", 1)})
        sessions.start_session(db, settings, request, response, user_id)
        raw = re.search(r"club_session=([^;]+)", response.headers["set-cookie"]).group(1)
        cookies.append(f"club_session={raw}")
    db.conn.close()
    return cookies


def lua_cycle(folder: Path, name: str, paths: list[str]) -> Path:
    script = folder / f"{name}.lua"
    quoted = ",\n".join(f'"{path}"' for path in paths)
    script.write_text(f"local paths = {{\n{quoted}\n}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n"
                      "  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n", encoding="utf-8")
    return script


def wrk(url: str, cookie: str, args: argparse.Namespace, script: Path | None = None) -> WrkResult:
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}", "--latency", "-H", f"Cookie: {cookie}"]
    command += ["-s", str(script)] if script else []
    return parse_wrk(subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout)


def get(url: str, cookie: str) -> str:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        return response.read().decode()


def post_reply(base: str, topic_id: int, cookie: str, n: int) -> int:
    form = get(f"{base}/forum/t/{topic_id}/reply", cookie)
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrf": token, "body": f"Параллельный ответ номер {n}"}).encode()
    request = urllib.request.Request(f"{base}/forum/t/{topic_id}/reply", data=data, headers={"Cookie": cookie})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_args, **_kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def concurrent_replies(base: str, db_path: Path, cookies: list[str]) -> str:
    import sqlite3

    conn = sqlite3.connect(db_path)
    topic_id, before = conn.execute("SELECT id, last_number FROM forum_topics ORDER BY id DESC LIMIT 1").fetchone()
    with concurrent.futures.ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(lambda n: post_reply(base, topic_id, cookies[n % len(cookies)], n), range(100)))
    numbers = [row[0] for row in conn.execute("SELECT number FROM forum_posts WHERE topic_id = ? AND number > ? "
                                              "ORDER BY number", [topic_id, before])]
    conn.close()
    ok = statuses.count(303) == 100 and numbers == list(range(before + 1, before + 101))
    return f"{statuses.count(303)}/100 accepted, {len(numbers)} stored, numbers contiguous: " \
           f"{numbers == list(range(before + 1, before + 101))} -> {'PASS' if ok else 'FAIL'}"


def static_nginx(folder: Path, page: str) -> tuple[subprocess.Popen, str]:
    (folder / "www").mkdir()
    (folder / "www" / "page.html").write_text(page, encoding="utf-8")
    port, user = free_port(), "user root;" if os.geteuid() == 0 else ""  # root: workers may read tmp
    conf = folder / "nginx.conf"
    conf.write_text(f"{user}\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/nginx.log warn;\n"
                    "events { worker_connections 1024; }\nhttp { access_log off; sendfile on; "
                    f"client_body_temp_path {folder}/cb; proxy_temp_path {folder}/px; fastcgi_temp_path {folder}/fc; "
                    f"uwsgi_temp_path {folder}/uw; scgi_temp_path {folder}/sc; "
                    f"server {{ listen 127.0.0.1:{port}; root {folder}/www; }} }}\n", encoding="utf-8")
    process = subprocess.Popen(["/usr/sbin/nginx", "-c", str(conf), "-e", str(folder / "nginx.log"), "-g",
                                "daemon off;"])
    return process, f"http://127.0.0.1:{port}/page.html"


def row(name: str, result: WrkResult, target: str, ok: bool | None) -> str:
    mark = "" if ok is None else ("PASS" if ok else "FAIL")
    return f"{name:<16}{result.rps:>10,.0f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}  {target:<28}{mark}"


def main() -> int:
    args = parse_args()
    cache = REPO / ".cache" / "bench-forum" / f"v2-{args.posts}-{args.topics}-{args.members}.db"
    if args.rebuild or not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        for stale in cache.parent.glob(cache.name + "*"):
            stale.unlink()
        fill(cache, args)
    with tempfile.TemporaryDirectory() as folder:
        return run(Path(folder), cache, args)


def run(tmp: Path, cache: Path, args: argparse.Namespace) -> int:
    import shutil

    (tmp / "var").mkdir()
    shutil.copy(cache, tmp / "var" / "club.db")
    port = free_port()
    env = portal_env(tmp, REPO / "site", port, accel=False)
    cookies = sessions_for(env, list(range(1, 11)))
    portal = start_portal(env, port, tmp, tmp / "portal.log")
    base = f"http://127.0.0.1:{port}"
    nginx = None
    try:
        wait_up(base + "/account/login", portal, tmp / "portal.log", timeout=60)
        topic_ids = list(range(1, min(args.topics, 1000) + 1))
        page = get(f"{base}/forum/t/1/", cookies[0])
        assert 'class="f-post"' in page, "the topic page is not the members' view"
        assert "Раздел" in get(f"{base}/forum/c/c0/", cookies[0])
        assert "f-hits" in get(f"{base}/forum/search?q=" + urllib.parse.quote(QUERIES[0]), cookies[0])
        nginx, static_url = static_nginx(tmp, page)
        time.sleep(0.5)
        results = {
            "nginx static": wrk(static_url, "", args),
            "category page": wrk(f"{base}/forum/c/c0/", cookies[0], args),
            "topic page": wrk(base + "/", cookies[0], args, lua_cycle(tmp, "topics",
                                                                      [f"/forum/t/{i}/" for i in topic_ids])),
            "search": wrk(base + "/", cookies[0], args, lua_cycle(tmp, "search", [
                "/forum/search?q=" + urllib.parse.quote(q) for q in QUERIES])),
        }
        replies = concurrent_replies(base, tmp / "var" / "club.db", cookies)
    finally:
        for process in (portal, nginx):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)
    report(results, replies, args)
    return 0


def report(results: dict[str, WrkResult], replies: str, args: argparse.Namespace) -> None:
    topic, search = results["topic page"], results["search"]
    print(f"\n{args.posts:,} posts, {args.topics:,} topics, {args.members:,} members; one uvicorn worker; "
          f"wrk -t2 -c{args.connections} -d{args.duration}")
    print(f"{'':<16}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}  target")
    print(row("nginx static", results["nginx static"], "for scale", None))
    print(row("category page", results["category page"], "-", None))
    print(row("topic page", topic, ">= 1,500 req/s, p99 <= 30 ms", topic.rps >= 1500 and topic.p99_ms <= 30))
    print(row("search", search, "p99 <= 100 ms", search.p99_ms <= 100))
    print(f"topic page / nginx: {topic.rps / results['nginx static'].rps:.1%}")
    print(f"100 concurrent replies: {replies}")


if __name__ == "__main__":
    sys.exit(main())
