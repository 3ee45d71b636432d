"""Forum search: SQLite FTS5 over Snowball stems, so «светильник» finds «светильников».

Words are stemmed (Russian Snowball for Cyrillic, English for Latin) at index and at query time;
the index holds only stems, the posts table the text. A query becomes quoted stems, so nothing a
member types is ever read as FTS5 syntax. Callers unindex hidden and deleted posts; search checks
visibility and category again, so a missed call or a moved topic cannot leak a post.

Speed at a million posts (portal/forum_ranking.py): matches are read newest first straight off
the index and only the newest RANK_WINDOW readable ones are ranked, so the total a query reports is
capped ("1000+"); a time budget returns what was found by then rather than a slow page; pages run
each search in a worker thread on a connection of its own, so a slow one cannot stall other
requests; snippets are made for the shown page only. The last word is widened to a prefix only when
whole words find less than a page: a prefix merges the doclists of every word it starts.
"""

from __future__ import annotations

import json
import re
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial

import anyio.to_thread
import snowballstemmer
from sqlite_utils import Database

from portal.core.db import database_file, open_reader
from portal.forum import ranking as forum_ranking
from portal.forum.files import SEARCHABLE_SQL
from portal.forum.ranking import Term

RANK_WINDOW = 1000     # readable matches ranked per query (see above); also the most a query reports
MAX_TERMS = 6          # a pasted paragraph is not a query
PREFIX_MIN = 4         # a last word this long also matches as a prefix when whole words find little
PREFIX_BELOW = 20      # "little": less than a page
STEM_PREFIX_MIN = 5    # a stem this long widens as itself: «мерцает» (мерца*) finds «мерцание» (мерцан)
SNIPPET = 200          # characters of plain text around the first match
BUDGET = 0.06          # seconds a query may spend in SQLite before it returns what it has (partial)
SEARCH_THREADS = 2     # searches at once per process; more wait for a turn (two cores)

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
_SLOTS = threading.BoundedSemaphore(SEARCH_THREADS)
_READERS: weakref.WeakKeyDictionary[Database, list[Database]] = weakref.WeakKeyDictionary()
_READERS_LOCK = threading.Lock()


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
    forum_ranking.clear(db)


def unindex_post(db: Database, post_id: int) -> None:
    db.execute("DELETE FROM forum_search WHERE rowid = ?", [post_id])
    forum_ranking.clear(db)


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
                f"SELECT p.id, CASE WHEN p.number = 1 THEN t.title ELSE '' END, {SEARCHABLE_SQL} "  # noqa: S608
                "FROM forum_posts p "
                "JOIN forum_topics t ON t.id = p.topic_id WHERE p.id > ? AND p.deleted_at IS NULL "
                "AND p.hidden_at IS NULL ORDER BY p.id LIMIT ?", [last_id, batch]).fetchall()
            db.conn.executemany("INSERT OR REPLACE INTO forum_search (rowid, title, body) VALUES (?, ?, ?)",
                                [(pid, stem_text(title), stem_text(body)) for pid, title, body in rows])
        if not rows:
            break
        count, last_id = count + len(rows), rows[-1][0]
    db.execute("INSERT INTO forum_search (forum_search) VALUES ('optimize')")  # one b-tree: faster queries
    forum_ranking.clear(db)
    return count


@dataclass(frozen=True)
class Query:
    terms: tuple[str, ...]      # stems, or phrases of stems ("аварийн блок"), every one required
    stems: frozenset[str]       # to mark words in snippets
    prefix: str | None = None   # what the last word may also match as a prefix (widening())

    def ranked_terms(self, widened: bool = False) -> list[Term]:
        found = [Term(term, _quoted(term)) for term in self.terms]
        if widened and self.prefix:  # as typed: "светил"* finds "светильник"
            typed, last = _quoted(self.prefix) + "*", self.terms[-1]
            found[-1] = Term(last, typed if self.prefix == last else f"({_quoted(last)} OR {typed})", self.prefix)
        return found


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'  # stems hold no '"'; belt and braces


def parse_query(query: str) -> Query:
    """Stems ANDed; "quoted words" stay a phrase; stop words dropped unless they are all there is."""
    query = query[:500]
    phrases = [" ".join(map(stem_word, words(text))) for text in _PHRASE.findall(query)]
    loose = words(_PHRASE.sub(" ", query))
    if any(word not in STOPWORDS for word in loose) or any(phrases):
        loose = [word for word in loose if word not in STOPWORDS]
    terms = tuple(dict.fromkeys([p for p in phrases if p] + [stem_word(word) for word in loose]))[:MAX_TERMS]
    if not terms:
        return Query((), frozenset())
    last = loose[-1] if loose and not query.rstrip().endswith('"') else ""
    widens = len(last) >= PREFIX_MIN and terms[-1] == stem_word(last)
    return Query(terms, frozenset(" ".join(terms).split()), widening(last, terms[-1]) if widens else None)


def widening(typed: str, stem: str) -> str:
    """The prefix a last word widens to: its stem when that is long enough to mean something, so a verb
    finds its noun (Snowball stems «мерцает» to мерца, «мерцание» to мерцан; issue 18); else as typed
    («светил»: its stem свет would find every светлый and светодиод)."""
    return stem if len(stem) >= STEM_PREFIX_MIN and typed.startswith(stem) else typed


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


@dataclass(frozen=True)
class Found:
    hits: list[SearchHit] = field(default_factory=list)  # the asked-for page
    total: int = 0              # ranked matches (at most RANK_WINDOW)
    capped: bool = False        # more matches exist than were ranked: shown as "1000+"
    partial: bool = False       # the time budget ran out: what was found by then


def search(db: Database, query: str, *, readable_category_ids: Sequence[int], limit: int = 20,
           offset: int = 0) -> tuple[list[SearchHit], int]:
    """Visible posts in readable categories, best first (title weighs more), newer among ties."""
    found = find(db, query, readable_category_ids=readable_category_ids, limit=limit, offset=offset)
    return found.hits, found.total


def find(db: Database, query: str, *, readable_category_ids: Sequence[int], limit: int = 20, offset: int = 0,
         budget: float | None = None) -> Found:
    """As search(), saying also whether the total is capped and whether time ran out."""
    parsed = parse_query(query)
    categories = sorted({int(c) for c in readable_category_ids})
    if not parsed.terms or not categories or limit <= 0:
        return Found()
    deadline = time.monotonic() + (BUDGET if budget is None else budget)
    ranking = forum_ranking.rank(db, parsed.ranked_terms(), categories, window=RANK_WINDOW, deadline=deadline)
    if len(ranking.post_ids) < PREFIX_BELOW and parsed.prefix and not ranking.partial:
        ranking = forum_ranking.rank(db, parsed.ranked_terms(widened=True), categories, window=RANK_WINDOW,
                                     deadline=deadline)
    else:
        parsed = replace(parsed, prefix=None)  # snippets mark whole words only
    offset = max(0, offset)
    hits = _hits(db, list(ranking.post_ids[offset:offset + limit]), parsed, categories)
    return Found(hits, len(ranking.post_ids), ranking.capped, ranking.partial)


async def find_off_loop(db: Database, query: str, **kwargs) -> Found:
    """find() in a worker thread on a read-only connection of its own: the event loop serves other
    requests meanwhile (SQLite releases the GIL while it works). In-memory databases run here."""
    if not database_file(db):
        return find(db, query, **kwargs)
    return await anyio.to_thread.run_sync(partial(_find_on_reader, db, query, **kwargs))


def _find_on_reader(db: Database, query: str, **kwargs) -> Found:
    with _SLOTS:  # at most SEARCH_THREADS at once: more would only share the same two cores
        with _READERS_LOCK:
            pool = _READERS.setdefault(db, [])
            reader = pool.pop() if pool else open_reader(db)
        try:
            return find(reader, query, **kwargs)
        finally:
            with _READERS_LOCK:
                pool.append(reader)


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
