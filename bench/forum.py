"""Forum at scale: 1,000,000 posts, 50,000 topics, 20,000 members; wrk on category, topic and search pages.

    python bench/forum.py                                              # the customer's size (cached)
    python bench/forum.py --posts 100000 --topics 5000 --members 2000   # a quick try

Fill (kept in bench/.data/ by size and schema, gitignored; --rebuild): the portal's own migrations, every
registered one, build the schema (so the fill cannot go stale: a changed or added migration changes the
file's name and the fill runs again), then executemany with explicit columns, one transaction per batch:
members (company + phone), 8 categories, topics with Russian lighting titles, 1-4-sentence posts in time
order (post id grows with time), skewed sizes and authors, read marks, consistent counters, `<p>`-escaped
HTML, likes on some posts and an accepted answer in some topics. The search index
comes from portal.forum_search.reindex_all with the portal's own pragmas, timed, and is rebuilt
whenever the indexing code changes. Measure: the demo site built (portal pages render inside its shell, as
members see them), one uvicorn worker on a copy; members sign in through /account/login; each URL checked
once with curl; wrk (Lua) cycles through the first 3 pages of the 8 categories, the first 5 of the latest
topics, ~1,000 topics of >= 20 posts and 100 queries, flat out and paced to a rate, without Accept-Encoding
as wrk sends it, and the topic pages once more with a browser's (brotli); --portal runs another checkout's
portal on the same data (before/after a change); nginx serves a copy of a topic page for scale; at the end
100 replies to one topic at once from 10 members.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import inspect
import json
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import serve  # noqa: E402 - its helpers: servers, curl fetch, wrk output parsing

Result = serve.WrkResult
FILL_VERSION = 4
DATA = REPO / "bench" / ".data"  # the filled files (gitignored)
BENCH_MEMBERS = 11  # ids 1..11: the reader (1) and 10 posters; they have a password and no fill posts
PASSWORD = "bench-forum-password"
TOPIC_RPS, TOPIC_P99, SEARCH_P99 = 1500.0, 30.0, 100.0  # list pages are held to the topic page's targets
CATEGORY_PAGES, LATEST_PAGES = 3, 5  # wrk cycles these first pages of each category and of /forum/latest


def forms(text: str) -> list[tuple[str, ...]]:
    return [tuple(word.split("/")) for word in text.split("|")]


CATEGORIES = [("svetilniki", "Светильники и оптика", 5), ("drajvery", "Драйверы и блоки питания", 3),
              ("upravlenie", "Управление освещением: DALI, датчики", 2), ("proekty", "Проекты и расчёты", 3),
              ("montazh", "Монтаж и пусконаладка", 4), ("garantiya", "Гарантия и сервис", 2),
              ("tendery", "Тендеры и закупки", 1), ("kurilka", "Курилка", 1)]
PRODUCTS = forms(  # singular / plural / genitive plural
    "светильник/светильники/светильников|драйвер/драйверы/драйверов|прожектор/прожекторы/прожекторов|"
    "трековый светильник/трековые светильники/трековых светильников|блок питания/блоки питания/блоков питания|"
    "линейный светильник/линейные светильники/линейных светильников|шинопровод/шинопроводы/шинопроводов|"
    "светодиодная панель/светодиодные панели/светодиодных панелей|датчик движения/датчики движения/датчиков "
    "движения|светодиодная лента/светодиодные ленты/светодиодных лент|аварийный блок/аварийные блоки/аварийных "
    "блоков|контроллер DALI/контроллеры DALI/контроллеров DALI|уличный светильник/уличные светильники/уличных "
    "светильников|профиль для ленты/профили для ленты/профилей для ленты")
PLACES = forms(  # genitive / prepositional
    "склада/складе|офиса/офисе|школы/школе|цеха/цехе|магазина/магазине|гостиницы/гостинице|паркинга/паркинге|"
    "спортзала/спортзале|больницы/больнице|торгового центра/торговом центре|детского сада/детском саду|"
    "ресторана/ресторане|музея/музее|фасада/фасаде|логистического комплекса/логистическом комплексе")
WORDS = {"problem": "мерцает|греется|гудит|не запускается|выгорает через полгода|моргает при включении|даёт пульсацию",
         "brand": "СветПром|Луч-Про|Ампер-Свет|NordLight|Вектор-Л|Гелиос-М|ЛайтКомплект|Фотон-Т",
         "param": "IP65|IP54|IK08|4000K|3000K|CRI 90|Ra 80|UGR<19|100 лм/Вт|DALI-2"}
TITLES = ["{P} для {g}: что выбрать?", "{p} {problem} - в чём причина?", "Монтаж {pg} в {r}",
          "Расчёт освещения {g} в DIALux", "Кто ставил {pp} {brand}?", "{brand} или {brand}: {pp} для {g}",
          "Пульсация у {pg} {brand}", "Гарантия на {pp} {brand}: опыт", "Сроки поставки {pg} {brand}",
          "Нужны {pp} с {param} для {g}", "Замена {pg} в {r} без отключения", "Тендер на освещение {g}"]
SENTENCES = [
    "Поставили партию {pg} в {r}, через месяц пошли жалобы.", "Какие {pp} лучше взять для {g}?",
    "Подскажите, кто работал с {brand}, как у них с гарантией?", "У нас {p} {problem}, драйвер уже меняли.",
    "Смотрите не только на цену, но и на пульсацию и CRI.", "Для {g} делали проект в DIALux, вышло {n} лк.",
    "Монтаж {pg} в {r} занял {n} ч, сложнее всего был подвес на высоте.", "Для {g} берите {pp} с {param}.",
    "Заказчик просит {param}, а в смете заложены дешёвые {pp}.", "По гарантии {brand} меняет {pp} за две недели.",
    "Сроки поставки {pg} сейчас около {n} дн.", "Если {p} {problem}, сначала проверьте блок питания и кабель.",
    "Ставили {pp} {brand} в {r}, всё работает.", "Есть ли у кого-нибудь протоколы испытаний на {pp} {brand}?",
    "Посчитайте освещённость по СП 52.13330.", "Управление по DALI в {r} настроили за день.",
    "Датчики движения в {r} окупились за год.", "Цена на {pp} {brand} выросла на {n}%.",
    "Аварийное освещение в {r} проверяли перед сдачей."]
FIRST = ["Анна", "Мария", "Елена", "Ольга", "Ирина", "Наталья", "Алексей", "Дмитрий", "Сергей", "Андрей", "Игорь"]
LAST = ["Светлов", "Лампов", "Иванов", "Кузнецов", "Смирнов", "Попов", "Волков", "Соколов", "Лебедев", "Орлов"]
QUERIES = ["светильники для склада", "драйвер DALI", "монтаж трековых светильников", "пульсация", "гарантия",
           "расчёт освещения офиса", "датчики движения", "сроки поставки", "IP65", "аварийное освещение",
           "блок питания", "шинопровод", "мерцает", "гудит драйвер", "DIALux", "протоколы испытаний",
           '"аварийный блок"', "трек", "диммирование", "освещённость", "замена драйвера", "тендер на освещение",
           "светодиодная лента профиль", "проверьте кабель", "подвес на высоте", "CRI 90", "4000K", "NordLight"]


class Slots(dict):
    """Template slots, drawn only when the template uses them (str.format_map)."""

    def __missing__(self, key: str) -> str:
        if key in ("p", "pp", "pg", "P"):
            forms_ = self.rng.choice(PRODUCTS)
            return forms_[1].capitalize() if key == "P" else forms_[("p", "pp", "pg").index(key)]
        if key in ("g", "r"):
            return self.rng.choice(PLACES)[key == "r"]
        return str(self.rng.randint(2, 300)) if key == "n" else self.rng.choice(WORDS[key].split("|"))


def phrase(rng: random.Random, templates: list[str]) -> str:
    slots = Slots()
    slots.rng = rng
    text = rng.choice(templates).format_map(slots)
    return text[0].upper() + text[1:]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default in (("posts", 1_000_000), ("topics", 50_000), ("members", 20_000), ("connections", 50),
                          ("threads", 2), ("sample", 1000)):
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--topic-rate", type=float, default=TOPIC_RPS,
                        help="req/s of the paced category, latest and topic rows")
    parser.add_argument("--search-rate", type=float, default=20, help="req/s of the paced search row")
    parser.add_argument("--portal", type=Path, default=REPO, help="serve this checkout's portal (default: "
                        "this one), e.g. main's, for before/after figures on the same data")
    parser.add_argument("--rebuild", action="store_true", help="fill the database again even if cached")
    parser.add_argument("--fill-only", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if args.members < BENCH_MEMBERS + 10 or args.topics < 10 or args.posts < 2 * args.topics:
        parser.error("need >= 21 members, >= 10 topics and posts >= 2 x topics")
    return args


def fingerprint(index: bool) -> str:
    """Of the schema the fill writes (every registered migration, and the fill itself), or of the code that
    decides what the search index holds. Sets are sorted and functions read as source: a set's repr follows
    the per-process string hash and a wrapper's repr is an address, which made every run rebuild the index.
    """
    import portal.capabilities  # noqa: F401 - registers every capability's migrations
    from portal.core.capability import REGISTRY
    from portal.forum import search as forum_search

    parts = [repr(list(REGISTRY.migrations())), str(FILL_VERSION)]
    names = ("reindex_all", "stem_text", "stem_word", "words", "_WORD", "_NOISE", "_MARKUP", "STOPWORDS")
    for name in names if index else ():
        value = getattr(forum_search, name, None)
        if isinstance(value, set | frozenset):
            value = sorted(value)
        if callable(value):  # stem_word is an lru_cache wrapper: its repr is a memory address
            value = inspect.getsource(inspect.unwrap(value))
        parts.append(value if isinstance(value, str) else repr(getattr(value, "pattern", value)))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:10]


def cached_db(args: argparse.Namespace) -> tuple[Path, dict[str, float]]:
    """The filled file for this size and schema; its search index rebuilt when the indexer changed."""
    size = f"forum-{args.posts}p-{args.topics}t-{args.members}m"
    path = DATA / f"{size}-{fingerprint(index=False)}.db"
    meta = path.with_suffix(".json")
    if args.rebuild or not meta.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(size + "-*"):  # older schemas of this size, a broken fill
            stale.unlink()
        print(f"filling {path.name} ...", flush=True)
        timings = fill(path.with_suffix(".partial"), args)
        path.with_suffix(".partial").rename(path)
        meta.write_text(json.dumps(timings), encoding="utf-8")
    timings = json.loads(meta.read_text(encoding="utf-8"))
    if timings.get("indexer") != fingerprint(index=True):
        timings.update({"search index": build_index(path), "indexer": fingerprint(index=True)})
        meta.write_text(json.dumps(timings), encoding="utf-8")
    timings.pop("indexer")
    return path, {**timings, "total": sum(timings.values())}


def fill(path: Path, args: argparse.Namespace) -> dict[str, float]:
    import portal.capabilities  # noqa: F401 - registers every capability's migrations
    from portal.core.db import open_database, upgrade

    timings, rng, clock = {}, random.Random(20261123), time.perf_counter()
    db = open_database(path)
    upgrade(db)  # the whole current schema, as `club serve` would make it
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -1000000", "temp_store = MEMORY"):
        db.conn.execute(f"PRAGMA {pragma}")  # the fill only; the index is built with the portal's pragmas
    fill_members(db.conn, rng, args)
    timings["members"], clock = time.perf_counter() - clock, time.perf_counter()
    fill_posts(db.conn, rng, args.members, *plan(rng, args))
    timings["topics+posts+reads"] = time.perf_counter() - clock
    db.conn.execute("PRAGMA journal_mode = WAL")
    db.conn.close()
    return timings


def build_index(path: Path) -> float:
    """portal.forum_search.reindex_all on a fresh connection (the portal's pragmas): a real rebuild's time."""
    from portal.core.db import open_database
    from portal.forum import search as forum_search

    if not hasattr(forum_search, "reindex_all"):
        print("WARNING: portal.forum_search.reindex_all does not exist: the search index is EMPTY", flush=True)
        return float("nan")
    db, clock = open_database(path), time.perf_counter()  # no migrations: the cache keeps the fill's schema
    print("search index: reindex_all ...", flush=True)
    count = forum_search.reindex_all(db)
    took = time.perf_counter() - clock
    print(f"search index: {count:,} posts in {took:.1f} s", flush=True)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return took


def fill_members(conn: sqlite3.Connection, rng: random.Random, args: argparse.Namespace) -> None:
    """Companies of about 10 members; members with company and phone; 1..BENCH_MEMBERS may sign in."""
    from slugify import slugify

    from portal.core.companies import company_key
    from portal.core.passwords import hash_password

    stems = ("Свет-Монтаж", "ЭлектроПроект", "Луч", "ПромСвет", "Энергосервис")
    companies = [f"{rng.choice(('ООО', 'АО', 'ИП'))} «{rng.choice(stems)}-{i}»" for i in range(args.members // 10)]
    stamp, secret, users = "2024-03-01T09:00:00+00:00", hash_password(PASSWORD), []
    for i in range(1, args.members + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}{'а' if first[-1] == 'а' else ''}"
        users.append((f"member{i}@partner{i % len(companies)}.ru", name, secret if i <= BENCH_MEMBERS else None,
                      stamp, stamp, 1 + i % len(companies), f"+7912{i:07d}", f"{slugify(name)}-{i}", stamp, stamp))
    with conn:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO companies (name, name_key, created_at) VALUES (?, ?, ?)",
                         [(name, company_key(name), stamp) for name in companies])
        conn.executemany("INSERT INTO users (email, name, password_hash, email_confirmed_at, consent_at, company_id, "
                         "phone, handle, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", users)
        conn.executemany("INSERT INTO forum_categories (slug, title, description, position, created_at) "
                         "VALUES (?, ?, ?, ?, ?)", [(slug, title, f"Раздел «{title}»", i, stamp)
                                                    for i, (slug, title, _) in enumerate(CATEGORIES)])


def topic_sizes(rng: random.Random, args: argparse.Namespace) -> list[int]:
    """Skewed (capped Pareto: most topics short, a few of several hundred posts), summing to --posts."""
    weights = [min(rng.paretovariate(1.2), 200.0) for _ in range(args.topics)]
    scale = (args.posts - args.topics) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    for i in rng.sample(range(args.topics), args.posts - sum(sizes)):
        sizes[i] += 1
    return sizes


def plan(rng: random.Random, args: argparse.Namespace) -> tuple[list[tuple], list[tuple]]:
    """Topic rows (ids in time order) and posts as (created_at, topic_id, number, author_id) sorted by time."""
    now, history, authors = time.time() - 86400, 3 * 365 * 86400.0, args.members - BENCH_MEMBERS
    starts = sorted(now - history * rng.random() for _ in range(args.topics))
    categories = rng.choices(range(1, len(CATEGORIES) + 1), [w for *_, w in CATEGORIES], k=args.topics)
    topics, posts = [], []
    for topic_id, (start, size) in enumerate(zip(starts, topic_sizes(rng, args), strict=True), 1):
        span = min(now - start, rng.expovariate(1 / (15 * 86400)) * (1 + size / 20))
        times = [start, *sorted(start + span * rng.random() for _ in range(size - 1))]
        by = [BENCH_MEMBERS + 1 + int(authors * rng.random() ** 2) for _ in range(size)]  # a few write most
        topics.append((categories[topic_id - 1], by[0], phrase(rng, TITLES), size, size, times[-1], by[-1], start))
        posts += zip(times, [topic_id] * size, range(1, size + 1), by, strict=True)
    posts.sort()
    return topics, posts


def fill_posts(conn: sqlite3.Connection, rng: random.Random, members: int, topics: list[tuple],
               posts: list[tuple]) -> None:
    batches = [("INSERT INTO forum_topics (category_id, author_id, title, post_count, last_number, last_post_at, "
                "last_poster_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", topics)]
    reads: dict[tuple[int, int], int] = {}
    likes, solutions = set(), []
    for first in range(0, len(posts), 50_000):
        rows = []
        for post_id, (created, topic_id, number, author) in enumerate(posts[first:first + 50_000], first + 1):
            body = " ".join(phrase(rng, SENTENCES) for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4))))
            rows.append((topic_id, number, author, body, f"<p>{html.escape(body)}</p>", created))
            reads[author, topic_id] = number  # authors have read up to their own post (as add_reply marks)
            if rng.random() < 0.05:  # a post in twenty found useful by one to three members
                likes.update((post_id, BENCH_MEMBERS + 1 + rng.randrange(members - BENCH_MEMBERS))
                             for _ in range(rng.randint(1, 3)))
            if number == 2 and rng.random() < 0.15:  # the first reply answered the question
                solutions.append((topic_id, post_id, topics[topic_id - 1][1], created))
        batches.append(("INSERT INTO forum_posts (topic_id, number, author_id, body, html, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", rows))  # ids in time order: 1, 2, ... as enumerated
    batches.append(("INSERT INTO forum_reads (user_id, topic_id, last_read) VALUES (?, ?, ?)",
                    sorted((user, topic, number) for (user, topic), number in reads.items())))
    batches.append(("INSERT INTO forum_likes (post_id, user_id, created_at) VALUES (?, ?, ?)",
                    [(post_id, user, posts[post_id - 1][0]) for post_id, user in sorted(likes)]))
    batches.append(("INSERT INTO forum_solutions (topic_id, post_id, by_id, created_at) VALUES (?, ?, ?, ?)",
                    solutions))
    for sql, rows in batches:
        with conn:
            conn.execute("BEGIN")
            conn.executemany(sql, rows)


def targets(db_path: Path, args: argparse.Namespace) -> dict:
    """What wrk cycles through, and what each page must show (read from the database, not the page)."""
    rng, conn = random.Random(7), sqlite3.connect(db_path)
    long_topics = conn.execute("SELECT id, title FROM forum_topics WHERE post_count >= 20 AND last_number = "
                               "post_count ORDER BY id").fetchall()  # page 1 holds 20 visible posts
    newest = ("SELECT c.slug, c.title, (SELECT t.title FROM forum_topics t WHERE t.category_id = c.id ORDER BY "
              "t.pinned DESC, t.last_post_at DESC LIMIT 1) FROM forum_categories c ORDER BY c.position")
    found = {"topics": sorted(rng.sample(long_topics, min(args.sample, len(long_topics)))),
             "categories": conn.execute(newest).fetchall(),
             "latest": conn.execute("SELECT title FROM forum_topics ORDER BY last_post_at DESC LIMIT 1").fetchone()[0],
             "emails": [e for (e,) in conn.execute("SELECT email FROM users WHERE id <= ?", [BENCH_MEMBERS])],
             "reply_topic": long_topics[-1][0]}
    conn.close()
    queries, kinds = dict.fromkeys(QUERIES), ["{pp} для {g}", "{p} {brand}", "{p} {problem}", "{pp} {param}",
                                             "{pg} в {r}", "{pp} {brand} для {g}", "{brand} {param}"]
    while len(queries) < 1100:  # the portal caches 128 rankings: a cycle of 1,000 never hits that cache
        queries[phrase(rng, kinds).lower()] = None
    found["queries"], found["new queries"] = list(queries)[:100], list(queries)[100:]
    return found


def http(url: str, cookie: str = "", data: dict | None = None) -> tuple[int, list[str], str]:
    """One request (POST when data is given), redirects not followed: status, Set-Cookie values, body."""
    headers = {"Origin": "/".join(url.split("/")[:3]), **({"Cookie": cookie} if cookie else {})}
    request = urllib.request.Request(url, urllib.parse.urlencode(data).encode() if data else None, headers)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_args, **_kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=120) as response:
            return response.status, response.headers.get_all("Set-Cookie") or [], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get_all("Set-Cookie") or [], exc.read().decode(errors="replace")


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    if not found:
        raise SystemExit("no CSRF token in the form")
    return found.group(1)


def sign_in(base: str, email: str) -> str:
    """Through the real form: GET /account/login (CSRF cookie and token), POST e-mail and password."""
    _, cookies, page = http(base + "/account/login")
    status, cookies, _ = http(base + "/account/login", "; ".join(c.split(";")[0] for c in cookies),
                              {"csrf": csrf_of(page), "email": email, "password": PASSWORD, "next": "/forum/"})
    session = [c.split(";")[0] for c in cookies if "club_session=" in c]
    if status != 303 or not session:
        raise SystemExit(f"sign-in of {email} failed: {status}")
    return session[0]


def check_pages(base: str, cookie: str, found: dict) -> bytes:
    """Each category, three topics and three queries once with curl: 200 and what the page must show."""
    def expect(path: str, *needles: str, posts: int | None = None) -> bytes:
        status, _, body = serve.fetch(base + path, cookie)
        text, article = body.decode(), '<article class="f-post'
        missing = [n for n in needles if n not in text and html.escape(n) not in text]
        if status != 200 or missing or (posts is not None and text.count(article) != posts):
            raise SystemExit(f"{path}: status {status}, missing {missing}, {text.count(article)} posts "
                             f"(the way-in page? {'/account/register?next=' in text})")
        return body

    for slug, title, newest in found["categories"]:
        expect(f"/forum/c/{slug}/", title, newest or "")
    expect("/forum/latest", found["latest"])
    for topic_id, title in found["topics"][:3]:
        page = expect(f"/forum/t/{topic_id}/", title, posts=20)
    for query in found["queries"][:3]:
        expect("/forum/search?q=" + urllib.parse.quote(query), "<mark>", "f-hits")
    print(f"checked: {len(found['categories'])} category pages (title, newest topic), the latest topics (the "
          "newest one), 3 topic pages (title, "
          "20 posts), 3 searches (hits marked)", flush=True)
    return page


def static_nginx(tmp: Path, page: bytes, processes: list[subprocess.Popen]) -> str:
    """bench/serve.py's nginx (1 worker, no access log, sendfile) serving a copy of a topic page."""
    url = serve.static_nginx(tmp, "topic.html", page, processes)
    if serve.fetch(url, "")[2] != page:
        raise SystemExit("nginx does not serve the copied page")
    return url


LUA = """local paths, counter, i, interval, next_at = {%s}, 0, 0, %f, nil
local ffi = require("ffi")
ffi.cdef("typedef struct { long s; long ns; } ts; int clock_gettime(int, ts *);")
local now = ffi.new("ts")
function setup(thread) thread:set("offset", counter); counter = counter + 1 end
function init(args) i = (offset or 0) * 7919 end
function request() i = i + 1; return wrk.format("GET", paths[(i %% #paths) + 1]) end
function delay()  -- paced: the thread sends one request every `interval` ms, whatever the answers do
  if interval == 0 then return 0 end
  ffi.C.clock_gettime(1, now); local t = tonumber(now.s) * 1000 + tonumber(now.ns) / 1e6
  next_at = (next_at or t) + interval; return math.max(0, next_at - t)
end
"""


BROWSER_CODINGS = "gzip, deflate, br, zstd"  # what Chrome sends over HTTPS: the portal answers in brotli


def wrk(url: str, paths: list[str], cookie: str, args: argparse.Namespace, script: Path, rate: float,
        codings: str = "") -> Result:
    """2 s of warm-up, then the measured run; rate > 0 paces the requests (req/s over all threads)."""
    script.write_text(LUA % (",".join(json.dumps(p) for p in paths), 1000 * args.threads / rate if rate else 0),
                      encoding="utf-8")
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", "--latency", "-s", str(script)]
    command += ["-H", f"Cookie: {cookie}"] if cookie else []
    command += ["-H", f"Accept-Encoding: {codings}"] if codings else []
    for duration in ("2s", args.duration):
        done = subprocess.run([*command, f"-d{duration}", url], capture_output=True, text=True, check=True)
    return serve.parse_wrk(done.stdout)


def reply_once(url: str, cookie: str, n: int, barrier: threading.Barrier) -> int:
    """GET the reply form for its CSRF token, wait for the other 99, POST."""
    try:
        token = csrf_of(http(url, cookie)[2])
        barrier.wait(timeout=120)
    except (threading.BrokenBarrierError, SystemExit, OSError):
        barrier.abort()
        return -1
    return http(url, cookie, {"csrf": token, "body": f"Параллельный ответ {n:03d}: проверяем нумерацию."})[0]


def concurrent_replies(base: str, db_path: Path, topic_id: int, cookies: list[str]) -> tuple[bool, str]:
    conn, counters = sqlite3.connect(db_path), "SELECT post_count, last_number FROM forum_topics WHERE id = ?"
    count, last = conn.execute(counters, [topic_id]).fetchone()
    barrier, url = threading.Barrier(100), f"{base}/forum/t/{topic_id}/reply"
    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(lambda n: reply_once(url, cookies[n % len(cookies)], n, barrier), range(100)))
    rows = conn.execute("SELECT id, number, author_id, body FROM forum_posts WHERE topic_id = ? AND number > ? "
                        "ORDER BY number", [topic_id, last]).fetchall()
    indexed = conn.execute("SELECT count(*) FROM forum_search WHERE rowid IN (SELECT value FROM json_each(?))",
                           [json.dumps([r[0] for r in rows])]).fetchone()[0]
    checks = {"100 answered 303": statuses.count(303) == 100, "100 new posts": len(rows) == 100,
              f"numbered {last + 1}..{last + 100}": [r[1] for r in rows] == list(range(last + 1, last + 101)),
              "each body once": sorted(int(re.search(r"\d{3}", r[3]).group()) for r in rows) == list(range(100)),
              "counters +100": conn.execute(counters, [topic_id]).fetchone() == (count + 100, last + 100),
              "10 per member": sorted(Counter(r[2] for r in rows).values()) == [10] * 10, "indexed": indexed == 100}
    conn.close()
    answers = ", ".join(f"{s} x{statuses.count(s)}" for s in sorted(set(statuses)))
    return all(checks.values()), (f"topic {topic_id}; answers {answers}; " +
                                  ", ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in checks.items()))


def cpu_busy(seconds: float = 2.0) -> float:
    """Share of the machine's CPU in use by anyone over a moment (/proc/stat): other work skews the figures."""
    def sample() -> list[int]:
        return [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]  # user nice sys idle..

    before, _, after = sample(), time.sleep(seconds), sample()
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return 1 - (spent[3] + spent[4]) / max(1, sum(spent))


def measure(tmp: Path, db_path: Path, args: argparse.Namespace, processes: list[subprocess.Popen]) -> tuple:
    found, port = targets(db_path, args), serve.free_port()
    site = serve.build_site(tmp)  # the demo site: portal pages render inside its shell, as members see them
    env = serve.portal_env(tmp, site, port, accel=False)
    if args.portal.resolve() != REPO:  # that checkout's templates too (the package club_themes is its themes/)
        (tmp / "shim").mkdir()
        (tmp / "shim" / "club_themes").symlink_to(args.portal.resolve() / "themes")
        env["PYTHONPATH"] = str(tmp / "shim")
    processes.append(serve.start_portal(env, port, tmp, tmp / "portal.log", repo=args.portal.resolve()))
    base = f"http://127.0.0.1:{port}"
    serve.wait_up(base + "/account/login", processes[-1], tmp / "portal.log", timeout=120)
    cookies = [sign_in(base, email) for email in found["emails"]]
    page = check_pages(base, cookies[0], found)
    static = static_nginx(tmp, page, processes)
    notes = {"page": len(page), "busy": cpu_busy(), "version": portal_version(args.portal.resolve())}
    topics = [f"/forum/t/{topic_id}/" for topic_id, _ in found["topics"]]
    search, new = (["/forum/search?q=" + urllib.parse.quote(q) for q in found[k]] for k in ("queries", "new queries"))
    categories = [f"/forum/c/{slug}/?page={n}" for n in range(1, CATEGORY_PAGES + 1) for slug, *_ in
                  found["categories"]]
    latest = [f"/forum/latest?page={n}" for n in range(1, LATEST_PAGES + 1)]
    runs = {"nginx static": (static, ["/topic.html"], 0), "topic page": (base, topics, 0),
            "topic page, brotli": (base, topics, 0),  # as a browser asks for it (not judged: the targets are wrk's)
            "topic page @ rate": (base, topics, args.topic_rate), "category page": (base, categories, 0),
            "category page @ rate": (base, categories, args.topic_rate), "search 100 q": (base, search, 0),
            "search 1000 q": (base, new, 0), "search 1000 q @ rate": (base, new, args.search_rate),
            # last: a slow list (0.4 s a page before issue 18) leaves a queue that would spoil the rows after it
            "latest page": (base, latest, 0), "latest page @ rate": (base, latest, args.topic_rate)}
    results = {}
    for name, (url, paths, rate) in runs.items():
        results[name] = wrk(url, paths, "" if url == static else cookies[0], args, tmp / f"{len(results)}.lua", rate,
                            BROWSER_CODINGS if "brotli" in name else "")
        print(row(name, results[name]), flush=True)
    return results, concurrent_replies(base, db_path, found["reply_topic"], cookies[1:]), notes


def portal_version(repo: Path = REPO) -> str:
    """The commit, and whether portal/ has changes not committed (others may be working on it)."""
    git = [subprocess.run(["git", *command], cwd=repo, capture_output=True, text=True).stdout.strip()
           for command in (["rev-parse", "--short", "HEAD"], ["status", "--porcelain", "portal"])]
    return git[0] + (" + uncommitted changes in portal/" if git[1] else "")


def row(name: str, result: Result, target: str = "", ok: bool | None = None) -> str:
    mark = "" if ok is None else ("PASS" if ok else "FAIL")
    return (f"{name:<21}{result.rps:>9,.0f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}{result.errors:>7}  "
            f"{target:<22}{mark}")


def report(args: argparse.Namespace, db: Path, timings: dict, results: dict[str, Result],
           replies: tuple[bool, str], notes: dict) -> bool:
    topic, search = results["topic page"], results["search 1000 q @ rate"]
    judged = {}
    for page in ("category page", "latest page", "topic page"):  # the list pages in the topic page's class
        flat, paced = results[page], results[page + " @ rate"]
        judged[page] = (">= 1,500 req/s", flat.rps >= TOPIC_RPS and not flat.errors)
        judged[page + " @ rate"] = ("p99 <= 30 ms", paced.p99_ms <= TOPIC_P99 and not paced.errors
                                    and paced.rps >= 0.97 * args.topic_rate)
    judged |= {"search 1000 q @ rate": ("p99 <= 100 ms", search.p99_ms <= SEARCH_P99 and not search.errors
                                and search.rps >= 0.97 * args.search_rate),
              "nginx static": (f"scale ({notes['page'] / 1024:.0f} KB file)", None)}
    print(f"\n{args.posts:,} posts, {args.topics:,} topics, {args.members:,} members: {db.name}, "
          f"{db.stat().st_size / 2**20:,.0f} MB; portal {notes['version']}")
    print("fill: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    print(f"{serve.describe_server()}; wrk -t{args.threads} -c{args.connections} -d{args.duration} --latency; "
          f"CPU busy just before measuring: {notes['busy']:.0%}{' (NOT idle: figures low)' * (notes['busy'] > .1)}")
    print(f"{'':<21}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>7}  target")
    for name, result in results.items():
        print(row(name, result, *judged.get(name, ("", None))))
    print(f"{'100 replies at once':<55}  {'none lost':<22}{'PASS' if replies[0] else 'FAIL'}\n  {replies[1]}")
    print(f"topic page / nginx: {topic.rps / results['nginx static'].rps:.1%}. Unpaced rows: {args.connections} "
          f"connections flat out, p99 mostly queueing (>= {args.connections}/rps); '@ rate': paced to "
          f"{args.topic_rate:g} (category, latest, topic) and {args.search_rate:g} req/s (--topic-rate, "
          "--search-rate). 'search 100 q' "
          "cycles 100 queries (after the first pass the portal's ranking cache answers), '1000 q' 1,000 others; "
          f"'topic page, brotli': with a browser's Accept-Encoding ({BROWSER_CODINGS}), the others without (wrk's)")
    return all(ok for _, ok in judged.values() if ok is not None) and replies[0]


def main() -> int:
    args = parse_args()
    for tool in ("wrk", "curl", "/usr/sbin/nginx"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (apt-get install wrk curl nginx)")
    db, timings = cached_db(args)
    print(f"database: {db} (fill: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()) + ")", flush=True)
    if args.fill_only:
        return 0
    tmp, processes = Path(tempfile.mkdtemp(prefix="club-forum-bench-")), []
    try:
        (tmp / "var").mkdir()
        shutil.copy(db, tmp / "var" / "club.db")
        results, replies, notes = measure(tmp, tmp / "var" / "club.db", args, processes)
    finally:
        serve.clean_up(processes, tmp, args.keep)
    return 0 if report(args, db, timings, results, replies, notes) else 1


if __name__ == "__main__":
    sys.exit(main())
