"""Forum search: SQLite FTS5 over Snowball stems, so «светильник» finds «светильников».

Words are stemmed (Russian Snowball for Cyrillic, English for Latin) at index and at query time;
the index holds only stems, the posts table the text. A query becomes quoted stems, so nothing a
member types is ever read as FTS5 syntax. Callers unindex hidden and deleted posts; search checks
visibility and category again, so a missed call or a moved topic cannot leak a post.

Speed at a million posts: FTS5 has no top-k, so `ORDER BY rank` scores every match, and a common
word matches a third of the forum. Instead matches are read newest first straight off the doclist
(`ORDER BY rowid DESC`; rowid = post id, which grows with time), scored by bm25 in the same pass,
and the newest RANK_WINDOW readable ones are sorted in Python. A narrow query is ranked exactly; a
broad one among its newest RANK_WINDOW matches, and the total it reports is what can be paged.
That ranking is cached per query until the database changes, so paging and repeated queries
(the common ones) cost one small lookup. The last word is widened to a prefix only when whole
words find less than a page: a prefix merges the doclists of every word it starts.
"""

from __future__ import annotations

import json
import re
import threading
import time
import weakref
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import snowballstemmer
from sqlite_utils import Database

RANK_WINDOW = 1000     # readable matches ranked per query (see above); also the most a query reports
SCAN_LIMIT = 4         # read at most this many windows of matches when many sit in unreadable categories
MAX_TERMS = 6          # a pasted paragraph is not a query; each term's doclist is read in full by bm25
PREFIX_MIN = 4         # a last word this long also matches as a prefix when whole words find little
PREFIX_BELOW = 20      # "little": less than a page
SNIPPET = 200          # characters of plain text around the first match
TITLE_WEIGHT = 5.0     # bm25 weight of the title column against 1.0 for the body
CACHE_SECONDS = 60.0   # bounds staleness the database's change counter cannot see (same-connection writes)
CACHE_QUERIES = 128    # rankings kept per database

_WORD = re.compile(r"[0-9a-zа-я]+")                   # on text already lowercased, ё folded to е
_TEXT_WORD = re.compile(r"[0-9a-zA-Zа-яА-ЯёЁ]+")      # the same words in text as written
_CYRILLIC = re.compile(r"[а-я]")
# Markdown/HTML that would index words nobody wrote: link targets, URLs, tags, entities.
_NOISE = re.compile(r"\]\([^)]*\)|https?://\S+|www\.\S+|</?[a-z][^>\n]*>|&#?\w+;", re.I)
_SYNTAX = re.compile(r"[*_`#>~|\[\]]+|^\s*(?:[-+]|\d+\.)\s|!(?=\[)", re.M)  # for readable snippets
_PHRASE = re.compile(r'"([^"]*)"')
_STEMMERS = {"ru": snowballstemmer.stemmer("russian"), "en": snowballstemmer.stemmer("english")}
_STEM_LOCK = threading.Lock()  # a Snowball stemmer keeps its word in instance state: one caller at a time
# Function words: in most posts, so requiring them ("светильники для склада") only loses hits.
_STOPWORDS = ("а без бы в во вот вы да для до его ее если есть же за и из или им их к как ко ли либо мы на "
              "над не нет ни но о об обо он она они оно от по под при про с со так там то тоже у уж уже что "
              "чтобы это я a an and are as at be by for from in is it of on or that the this to with")
STOPWORDS = frozenset(_STOPWORDS.split())
_RANKINGS: weakref.WeakKeyDictionary[Database, dict] = weakref.WeakKeyDictionary()


@lru_cache(maxsize=300_000)
def stem_word(word: str) -> str:
    """Stem of a lowercased, ё-folded word. Cached: forum vocabulary repeats, and Snowball is pure Python."""
    with _STEM_LOCK:
        return _STEMMERS["ru" if _CYRILLIC.search(word) else "en"].stemWord(word)


def words(text: str) -> list[str]:
    """Lowercased, ё-folded words of Markdown text, without link targets, URLs and tags."""
    return _WORD.findall(_NOISE.sub(" ", text).lower().replace("ё", "е"))


def stem_text(text: str) -> str:
    return " ".join(map(stem_word, words(text)))


def index_post(db: Database, post_id: int, title: str, body_markdown: str) -> None:
    """(Re)index one post; pass the topic title for post 1 only, so title hits land on the opening post."""
    db.execute("INSERT OR REPLACE INTO forum_search (rowid, title, body) VALUES (?, ?, ?)",
               [post_id, stem_text(title), stem_text(body_markdown)])
    _RANKINGS.pop(db, None)


def unindex_post(db: Database, post_id: int) -> None:
    db.execute("DELETE FROM forum_search WHERE rowid = ?", [post_id])
    _RANKINGS.pop(db, None)


def reindex_all(db: Database, batch: int = 5000) -> int:
    """Rebuild the index from visible posts (call outside a transaction); returns how many were indexed.

    The table is dropped and created again from its own stored definition: deleting a million rows
    one by one costs as much as indexing them. Each batch is read and written under the write lock,
    so a post hidden or edited meanwhile is never indexed stale; search stays up, partial until done.
    """
    (create_sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'forum_search'").fetchone()
    with db.conn:
        db.conn.execute("BEGIN IMMEDIATE")
        db.conn.execute("DROP TABLE forum_search")
        db.conn.execute(create_sql)
    count, last_id = 0, 0
    while True:
        with db.conn:  # isolation_level=None: without BEGIN every row is a transaction (and an FTS segment)
            db.conn.execute("BEGIN IMMEDIATE")
            rows = db.conn.execute(
                "SELECT p.id, CASE WHEN p.number = 1 THEN t.title ELSE '' END, p.body FROM forum_posts p "
                "JOIN forum_topics t ON t.id = p.topic_id WHERE p.id > ? AND p.deleted_at IS NULL "
                "AND p.hidden_at IS NULL ORDER BY p.id LIMIT ?", [last_id, batch]).fetchall()
            db.conn.executemany("INSERT OR REPLACE INTO forum_search (rowid, title, body) VALUES (?, ?, ?)",
                                [(pid, stem_text(title), stem_text(body)) for pid, title, body in rows])
        if not rows:
            break
        count, last_id = count + len(rows), rows[-1][0]
    db.execute("INSERT INTO forum_search (forum_search) VALUES ('optimize')")  # one b-tree: faster queries
    _RANKINGS.pop(db, None)
    return count


@dataclass(frozen=True)
class Query:
    match: str                  # FTS5 expression of quoted stems; "" when nothing searchable is left
    stems: frozenset[str]       # to mark words in snippets
    widened: str = ""           # the same with the last word also as a prefix ("" when it is too short)
    prefix: str | None = None   # that prefix, when the widened expression is the one used


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'  # stems hold no '"'; belt and braces


def parse_query(query: str) -> Query:
    """Quoted stems ANDed; "quoted words" stay a phrase; stop words dropped unless they are all there is."""
    query = query[:500]
    phrases = [" ".join(map(stem_word, words(text))) for text in _PHRASE.findall(query)]
    loose = words(_PHRASE.sub(" ", query))
    if any(word not in STOPWORDS for word in loose) or any(phrases):
        loose = [word for word in loose if word not in STOPWORDS]
    terms = list(dict.fromkeys([p for p in phrases if p] + [stem_word(word) for word in loose]))[:MAX_TERMS]
    if not terms:
        return Query("", frozenset())
    parts = [_quoted(term) for term in terms]
    stems, widened = frozenset(" ".join(terms).split()), ""
    last = loose[-1] if loose and not query.rstrip().endswith('"') else ""
    if len(last) >= PREFIX_MIN and terms[-1] == stem_word(last):  # as typed: "светил"* finds "светильник"
        typed = _quoted(last) + "*"
        widened = " AND ".join(parts[:-1] + [typed if last == terms[-1] else f"({parts[-1]} OR {typed})"])
    return Query(" AND ".join(parts), stems, widened, last or None)


@dataclass(frozen=True)
class SearchHit:
    post_id: int
    topic_id: int
    number: int                 # link: /forum/t/{topic_id}/?page=page_of(number)#p{number}
    topic_title: str
    category_slug: str
    author_name: str | None
    created_at: float
    snippet_parts: tuple[tuple[str, bool], ...] = ()  # (plain text, is a match): the template escapes

    @property
    def snippet(self) -> str:
        return "".join(text for text, _ in self.snippet_parts)


def search(db: Database, query: str, *, readable_category_ids: Sequence[int], limit: int = 20,
           offset: int = 0) -> tuple[list[SearchHit], int]:
    """Visible posts in readable categories, best bm25 first (title weighs more), newer among ties."""
    parsed = parse_query(query)
    categories = sorted({int(c) for c in readable_category_ids})
    if not parsed.match or not categories or limit <= 0:
        return [], 0
    ranked = _cached_ranking(db, parsed.match, categories)
    if len(ranked) < PREFIX_BELOW and parsed.widened:
        ranked = _cached_ranking(db, parsed.widened, categories)
    else:
        parsed = replace(parsed, prefix=None)
    offset = max(0, offset)
    return _hits(db, list(ranked[offset:offset + limit]), parsed, categories), len(ranked)


def _cached_ranking(db: Database, match: str, categories: list[int]) -> array:
    """The ranking for (query, categories), reused until the database changes or CACHE_SECONDS pass."""
    # data_version moves when another connection (another worker) commits; this module's own
    # writes drop the cache; the clock covers other writes through this connection (a moved topic).
    version = db.execute("PRAGMA data_version").fetchone()[0]
    cache = _RANKINGS.get(db)
    if cache is None or cache["version"] != version or len(cache) > CACHE_QUERIES:
        cache = _RANKINGS[db] = {"version": version}
    key, now = (match, tuple(categories)), time.monotonic()
    if key not in cache or cache[key][0] < now - CACHE_SECONDS:
        cache[key] = (now, _ranking(db, match, categories))
    return cache[key][1]


def _ranking(db: Database, match: str, categories: list[int]) -> array:
    """Post ids of the newest RANK_WINDOW readable matches, best bm25 first (it is negative)."""
    cursor = db.execute(
        "SELECT s.rowid, bm25(forum_search, ?, 1.0), p.created_at, t.category_id FROM forum_search s "
        "JOIN forum_posts p ON p.id = s.rowid JOIN forum_topics t ON t.id = p.topic_id "
        "WHERE forum_search MATCH ? AND p.deleted_at IS NULL AND p.hidden_at IS NULL "
        "ORDER BY s.rowid DESC LIMIT ?", [TITLE_WEIGHT, match, RANK_WINDOW * SCAN_LIMIT])
    readable, found = set(categories), []
    while len(found) < RANK_WINDOW and (rows := cursor.fetchmany(500)):  # stop reading once enough
        found += [(score, -created, -post_id) for post_id, score, created, category in rows
                  if category in readable]
    cursor.close()
    found = sorted(found[:RANK_WINDOW])
    return array("q", [-negative_id for _, _, negative_id in found])


def _hits(db: Database, post_ids: list[int], query: Query, categories: list[int]) -> list[SearchHit]:
    """The page's posts with topic, category and author, checked again (the ranking may be cached)."""
    rows = db.execute(
        "SELECT p.id, p.topic_id, p.number, t.title, c.slug, u.name, p.created_at, p.body FROM forum_posts p "
        "JOIN forum_topics t ON t.id = p.topic_id JOIN forum_categories c ON c.id = t.category_id "
        "LEFT JOIN users u ON u.id = p.author_id WHERE p.id IN (SELECT value FROM json_each(?)) "
        "AND p.deleted_at IS NULL AND p.hidden_at IS NULL AND t.category_id IN (SELECT value FROM json_each(?))",
        [json.dumps(post_ids), json.dumps(categories)]).fetchall()
    by_id = {row[0]: row for row in rows}
    return [SearchHit(*by_id[pid][:7], snippet_parts=snippet(by_id[pid][7], query))
            for pid in post_ids if pid in by_id]


def _matches(word: str, query: Query) -> bool:
    stem = stem_word(word.lower().replace("ё", "е"))
    return stem in query.stems or (query.prefix is not None and stem.startswith(query.prefix))


def plain_text(markdown: str) -> str:
    """Markdown as readable one-line text: link text kept; targets, tags and syntax marks dropped."""
    return " ".join(_SYNTAX.sub(" ", _NOISE.sub(" ", markdown)).split())


def snippet(body_markdown: str, query: Query) -> tuple[tuple[str, bool], ...]:
    """About SNIPPET characters of plain text from just before the first match, as (text, is_match)."""
    text = plain_text(body_markdown[:20_000])  # no match in the first 20k characters: show the start
    first = next((m.start() for m in _TEXT_WORD.finditer(text) if _matches(m.group(), query)), 0)
    start = text.rfind(" ", 0, max(0, first - SNIPPET // 4)) + 1  # a few whole words of context
    end = text.find(" ", start + SNIPPET)
    end = len(text) if end < 0 else end
    window, last = text[start:end], 0
    parts: list[tuple[str, bool]] = [("…", False)] if start else []
    for m in _TEXT_WORD.finditer(window):
        if _matches(m.group(), query):
            parts += [(window[last:m.start()], False), (m.group(), True)]
            last = m.end()
    parts.append((window[last:] + ("…" if end < len(text) else ""), False))
    return tuple(part for part in parts if part[0])
