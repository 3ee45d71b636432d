"""Ranking forum search matches at a million posts: newest first off the index, scored in Python.

FTS5 has no top-k, and its bm25() reads the whole doclist of every query word to count the posts
that hold it (a common word is in a third of the forum): 5-20 ms per query before the first row,
far more when those index pages are not in memory. Instead:

1. Candidates: `ORDER BY rowid DESC LIMIT` walks only the newest end of the doclists (rowid = post
   id, which grows with time), joined to posts and topics so hidden posts and unreadable categories
   drop out. The newest `window` readable matches are ranked; whether more exist is noted ("1000+").
2. Scores: BM25 over the stemmed text FTS5 keeps for those candidates (title weighs TITLE_WEIGHT),
   each word's rarity estimated from how far back its newest IDF_PROBE matches reach.
3. A time budget: SQLite's progress handler stops a statement once the deadline has passed, and what
   was collected by then is ranked and returned, marked partial, rather than a slow page. (It runs
   between VM instructions: FTS5 merging the doclists of every word a prefix starts happens inside
   one, which is why the caller widens to a prefix only when whole words find little.)

A complete ranking is cached per connection until the database changes.
"""

from __future__ import annotations

import math
import sqlite3
import time
import weakref
from array import array
from collections.abc import Sequence
from typing import NamedTuple

from sqlite_utils import Database

TITLE_WEIGHT = 5.0      # a word in the title counts as much as five in the body
K1, B = 1.2, 0.75       # BM25's usual constants (FTS5's bm25() uses the same)
CHUNK = 250             # candidates read per round (the deadline is checked between rounds)
SCAN_LIMIT = 4          # read at most this many windows of matches when many sit in unreadable categories
IDF_PROBE = 200         # a word's rarity: the id span of its newest IDF_PROBE matches
PROGRESS_STEPS = 50_000  # SQLite VM instructions between looks at the clock (each look takes the GIL)
CACHE_SECONDS = 60.0    # bounds staleness the change counter cannot see (same-connection writes)
CACHE_QUERIES = 128     # rankings kept per connection
_RANKINGS: weakref.WeakKeyDictionary[Database, dict] = weakref.WeakKeyDictionary()


class Term(NamedTuple):
    """A required stem or phrase of stems; with `prefix`, also any word starting with it (as typed)."""

    text: str
    fts: str                    # its FTS5 expression
    prefix: str | None = None


class Ranking(NamedTuple):
    """Cached per query: tuples of plain values (and an array) are not tracked by the garbage collector."""

    post_ids: array             # best first
    capped: bool                # more readable matches exist than were ranked
    partial: bool = False       # the deadline passed: only what was found by then


class Deadline:
    """Interrupts SQLite statements on `db` after `at` (time.monotonic()) while active."""

    def __init__(self, db: Database, at: float) -> None:
        self.db, self.at, self.passed = db, at, False

    def __enter__(self) -> Deadline:
        self.db.conn.set_progress_handler(self._check, PROGRESS_STEPS)
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.conn.set_progress_handler(None, 0)

    def _check(self) -> int:
        self.passed = self.passed or expired(self.at)
        return int(self.passed)  # non-zero: SQLite stops the statement ("interrupted")

    def over(self) -> bool:
        self._check()
        return self.passed


def expired(at: float) -> bool:
    return time.monotonic() > at


def clear(db: Database) -> None:
    _RANKINGS.pop(db, None)


def rank(db: Database, terms: Sequence[Term], categories: list[int], *, window: int, deadline: float) -> Ranking:
    """The ranking for (terms, categories), from the cache while the database is unchanged."""
    version = db.execute("PRAGMA data_version").fetchone()[0]  # moves when another connection commits
    cache = _RANKINGS.get(db)
    if cache is None or cache["version"] != version or len(cache) > CACHE_QUERIES:
        cache = _RANKINGS[db] = {"version": version}
    key, now = (tuple(terms), tuple(categories), window), time.monotonic()
    if key in cache and cache[key][0] >= now - CACHE_SECONDS:
        return cache[key][1]
    with Deadline(db, deadline) as clock:
        ranking = _rank(db, terms, categories, window, clock)
    if not ranking.partial:  # a cut-short ranking is not kept: the next try may have the time
        cache[key] = (now, ranking)
    return ranking


def _rank(db: Database, terms: Sequence[Term], categories: list[int], window: int, clock: Deadline) -> Ranking:
    found, capped = _candidates(db, " AND ".join(term.fts for term in terms), set(categories), window, clock)
    weights = [_idf(db, term, clock) for term in terms] if len(terms) > 1 else [1.0]  # one word: no effect
    scores = _scores(found, terms, weights)
    ordered = sorted(range(len(found)), key=lambda i: (-scores[i], -found[i][0]))  # ties: newest first
    return Ranking(array("q", [found[i][0] for i in ordered]), capped, clock.passed)


def _interrupted(exc: sqlite3.OperationalError, clock: Deadline) -> None:
    if not clock.passed:  # a real error, not our deadline
        raise exc


def _candidates(db: Database, match: str, readable: set[int], window: int,
                clock: Deadline) -> tuple[list[tuple[int, str, str]], bool]:
    """The newest visible readable matches (at most `window`) with the stemmed title and body FTS5
    keeps for them, and whether there are more. Reads stop at the deadline."""
    found: list[tuple[int, str, str]] = []
    scanned, limit = 0, window * SCAN_LIMIT
    try:
        cursor = db.execute(
            "SELECT s.rowid, t.category_id, s.title, s.body FROM forum_search s JOIN forum_posts p ON "
            "p.id = s.rowid JOIN forum_topics t ON t.id = p.topic_id WHERE forum_search MATCH ? AND "
            "p.deleted_at IS NULL AND p.hidden_at IS NULL ORDER BY s.rowid DESC LIMIT ?", [match, limit + 1])
        try:
            while len(found) <= window and not clock.over() and (
                    rows := cursor.fetchmany(min(CHUNK, window + 1 - len(found)))):  # one past: are there more?
                scanned += len(rows)
                found += [(post_id, title, body) for post_id, category, title, body in rows if category in readable]
        finally:
            cursor.close()  # an open statement would hold its snapshot and stall checkpoints
    except sqlite3.OperationalError as exc:
        _interrupted(exc, clock)
    return found[:window], len(found) > window or scanned > limit


def _idf(db: Database, term: Term, clock: Deadline) -> float:
    """BM25's inverse document frequency, estimated: counting a common word's posts means reading its
    whole doclist, so the count is taken from how densely its newest IDF_PROBE matches lie."""
    if term.prefix is not None or clock.over():  # a prefix would merge every word it starts once more
        return 1.0
    try:
        (newest,) = db.execute("SELECT max(rowid) FROM forum_search").fetchone()
        rows = db.execute("SELECT rowid FROM forum_search WHERE forum_search MATCH ? ORDER BY rowid DESC LIMIT ?",
                          [term.fts, IDF_PROBE]).fetchall()
    except sqlite3.OperationalError as exc:
        _interrupted(exc, clock)
        return 1.0
    newest = newest or 1
    posts = len(rows) if len(rows) < IDF_PROBE else IDF_PROBE * newest / max(1, newest - rows[-1][0] + 1)
    return math.log(1 + (newest - posts + 0.5) / (posts + 0.5))


def _scores(found: list[tuple[int, str, str]], terms: Sequence[Term], weights: list[float]) -> list[float]:
    """BM25 with column weights, as FTS5's bm25(): weighted term frequency against the post's length."""
    texts = [(f" {title} ", f" {body} ") for _, title, body in found]  # stems are single-space separated
    lengths = [(title.count(" ") + 1 if title else 0) + (body.count(" ") + 1 if body else 0)
               for _, title, body in found]
    average = max(1.0, sum(lengths) / max(1, len(lengths)))
    counted = [_needles(term) + (weight,) for term, weight in zip(terms, weights, strict=True)]
    scores = []
    for (title, body), length in zip(texts, lengths, strict=True):
        norm, score = K1 * (1 - B + B * length / average), 0.0
        for needle, extra, weight in counted:
            frequency = TITLE_WEIGHT * title.count(needle) + body.count(needle)
            if extra:
                frequency += TITLE_WEIGHT * title.count(extra) + body.count(extra)
            score += weight * frequency * (K1 + 1) / (frequency + norm)
        scores.append(score)
    return scores


def _needles(term: Term) -> tuple[str, str]:
    """What str.count() looks for in space-padded stems: the whole stem or phrase, and for a widened
    word also words starting as typed (the stem itself once, when it starts that way too)."""
    if term.prefix is None:
        return f" {term.text} ", ""
    if term.text.startswith(term.prefix):
        return f" {term.prefix}", ""
    return f" {term.text} ", f" {term.prefix}"
