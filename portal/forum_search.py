"""Forum search: SQLite FTS5 over Snowball stems, so «светильник» finds «светильников».

Words are stemmed (Russian Snowball for Cyrillic, English for Latin) at index and at query time;
the index holds stems, the posts table the text. A query is turned into quoted stems, so nothing
a member types is ever read as FTS5 syntax.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from sqlite_utils import Database

_WORD = re.compile(r"[0-9a-zа-яё]+", re.I)
_CYRILLIC = re.compile(r"[а-яё]")
_MARKUP = re.compile(r"[*_`>#~\[\]()!|]+|https?://\S+")
_STEMMERS = {"ru": snowballstemmer.stemmer("russian"), "en": snowballstemmer.stemmer("english")}
SNIPPET = 200
RANK_WINDOW = 5000  # newest matches ranked by relevance; older ones only when the query is narrower
MAX_COUNT = 1000  # "found: 1000+" is enough to know a query is too broad


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    word = word.lower().replace("ё", "е")
    return _STEMMERS["ru" if _CYRILLIC.search(word) else "en"].stemWord(word)


def words(text: str) -> list[str]:
    return _WORD.findall(_MARKUP.sub(" ", text))


def stem_text(text: str) -> str:
    return " ".join(stem_word(word) for word in words(text))


def index_post(db: Database, post_id: int, title: str, body_markdown: str) -> None:
    """(Re)index one post; the opening post carries the topic's title, so title hits land on it."""
    db.execute("DELETE FROM forum_search WHERE rowid = ?", [post_id])
    db.execute("INSERT INTO forum_search (rowid, title, body) VALUES (?, ?, ?)",
               [post_id, stem_text(title), stem_text(body_markdown)])


def unindex_post(db: Database, post_id: int) -> None:
    db.execute("DELETE FROM forum_search WHERE rowid = ?", [post_id])


def reindex_all(db: Database, batch: int = 5000) -> int:
    """Rebuild the index from visible posts; returns how many were indexed."""
    db.execute("DELETE FROM forum_search")
    count, last_id = 0, 0
    while True:
        rows = db.execute("SELECT p.id, CASE WHEN p.number = 1 THEN t.title ELSE '' END, p.body FROM forum_posts p "
                          "JOIN forum_topics t ON t.id = p.topic_id WHERE p.id > ? AND p.deleted_at IS NULL "
                          "AND p.hidden_at IS NULL ORDER BY p.id LIMIT ?", [last_id, batch]).fetchall()
        if not rows:
            return count
        with db.conn:
            db.conn.executemany("INSERT INTO forum_search (rowid, title, body) VALUES (?, ?, ?)",
                                [(pid, stem_text(title), stem_text(body)) for pid, title, body in rows])
        count, last_id = count + len(rows), rows[-1][0]


@dataclass(frozen=True)
class SearchHit:
    post_id: int
    topic_id: int
    number: int
    topic_title: str
    category_slug: str
    author_name: str | None
    created_at: float
    snippet_parts: list[tuple[str, bool]] = field(default_factory=list)  # (text, is a match), to escape


def fts_query(query: str) -> str:
    """Quoted stems joined by AND; the last word also matches as a prefix while it is being typed."""
    stems = [stem_word(word) for word in words(query)][:12]
    if not stems:
        return ""
    parts = [f'"{stem}"' for stem in stems]
    if len(stems[-1]) >= 3 and not query.rstrip().endswith(" "):
        parts[-1] = f'("{stems[-1]}" OR "{stems[-1]}"*)'
    return " AND ".join(parts)


def search(db: Database, query: str, *, readable_category_ids: Sequence[int], limit: int = 20,
           offset: int = 0) -> tuple[list[SearchHit], int]:
    """Visible posts in readable categories, best first (title weighs 5x), and the total count."""
    match = fts_query(query)
    if not match or not readable_category_ids:
        return [], 0
    marks = ",".join("?" * len(readable_category_ids))
    joins = ("FROM forum_search s JOIN forum_posts p ON p.id = s.rowid JOIN forum_topics t ON t.id = p.topic_id "
             "JOIN forum_categories c ON c.id = t.category_id LEFT JOIN users u ON u.id = p.author_id ")
    where = (f"WHERE forum_search MATCH ? AND s.rowid >= ? AND t.category_id IN ({marks}) "
             "AND p.deleted_at IS NULL AND p.hidden_at IS NULL ")
    params = [match, rank_floor(db, match), *readable_category_ids]
    # Counting every match of a common word costs more than ranking the page: count up to MAX_COUNT.
    total = db.execute("SELECT count(*) FROM (SELECT 1 " + joins + where + "LIMIT ?)",  # noqa: S608 - constants
                       [*params, MAX_COUNT]).fetchone()[0]
    rows = db.execute("SELECT p.id, p.topic_id, p.number, t.title, c.slug, u.name, p.created_at, p.body " + joins
                      + where + "ORDER BY bm25(forum_search, 5.0, 1.0), p.created_at DESC LIMIT ? OFFSET ?",
                      [*params, limit, offset]).fetchall()
    stems = {stem_word(word) for word in words(query)}
    return [SearchHit(*row[:7], snippet_parts=snippet(row[7], stems)) for row in rows], total


def rank_floor(db: Database, match: str) -> int:
    """The lowest post id worth ranking: bm25 is computed for every candidate, so a word found in a
    third of a million posts would take seconds. Only the newest RANK_WINDOW matches are ranked; FTS5
    walks its doclists in rowid order and stops there."""
    row = db.execute("SELECT rowid FROM forum_search WHERE forum_search MATCH ? ORDER BY rowid DESC "
                     "LIMIT 1 OFFSET ?", [match, RANK_WINDOW - 1]).fetchone()
    return row[0] if row else 0


def snippet(body: str, stems: set[str]) -> list[tuple[str, bool]]:
    """Plain text around the first matching word, split into (text, is_match) parts."""
    text = " ".join(_MARKUP.sub(" ", body).split())  # cheap plain text: no Markdown run per hit
    found = [m for m in _WORD.finditer(text) if stem_word(m.group(0)) in stems or
             any(stem_word(m.group(0)).startswith(s) for s in stems if len(s) >= 3)]
    start = max(0, found[0].start() - SNIPPET // 3) if found else 0
    window = text[start:start + SNIPPET]
    parts, last = [], 0
    for m in _WORD.finditer(window):
        if any(m.start() + start == f.start() for f in found):
            parts += [(window[last:m.start()], False), (m.group(0), True)]
            last = m.end()
    parts.append((window[last:], False))
    prefix = [("…", False)] if start else []
    suffix = [("…", False)] if start + SNIPPET < len(text) else []
    return prefix + [part for part in parts if part[0]] + suffix
