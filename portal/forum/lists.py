"""Category pages and the latest topics from caches: a list is read far more often than it changes.

At a million posts a category page served a quarter of a topic page's rate (issue 18). A list is the same
for every reader who may see it but for the unread marks, so two caches, per database:
- the page's topics (with authors' names and the «solved» badges), keyed by the rows of the categories
  they come from. A category's `version` moves in the same transaction as every change to what its list
  shows (migration 37's triggers: posts, deletes, hiding, pins, locks, moves, solutions, renames), in
  whichever worker made it, and the row is read on every request anyway;
- the rendered rows and pager, keyed by that, the language, the zone and the reader's unread marks (a
  tuple of booleans: the only per-reader thing in them). The latest topics are keyed by the categories
  the reader may read, so a list holding a staff-only category is never shown to a member.
A page is clamped to the list's pages: the keys are bounded, and the deepest page costs an index walk.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from typing import NamedTuple
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlite_utils import Database

from portal.forum import solutions, store
from portal.forum.render import LRU
from portal.forum.rules import Category, Topic
from portal.web.context import Visitor
from portal.web.templating import ENV

LISTS_CACHE_SIZE = 1_000   # pages of topics per database (30 topics each)
HTML_CACHE_SIZE = 2_000    # rendered lists (~10 KB each)


class Listing(NamedTuple):
    """One page of a list as every reader sees it (no unread marks)."""

    topics: tuple[Topic, ...]
    solved: frozenset[int]
    pages: int


class _Caches(NamedTuple):
    listings: LRU[Listing]
    html: LRU[str]


_CACHES: weakref.WeakKeyDictionary[Database, _Caches] = weakref.WeakKeyDictionary()


def _caches(db: Database) -> _Caches:
    found = _CACHES.get(db)
    if found is None:
        found = _CACHES[db] = _Caches(LRU(LISTS_CACHE_SIZE), LRU(HTML_CACHE_SIZE))
    return found


def category_pages(category: Category) -> int:
    return store.pages_of(category.topic_count)


def latest_pages(readable: Sequence[Category]) -> int:
    return min(store.LATEST_PAGES, store.pages_of(sum(c.topic_count for c in readable)))


def _listing(db: Database, key: Hashable, read: Callable[[], tuple[list[Topic], int]]) -> Listing:
    cache = _caches(db).listings
    found = cache.get(key)
    if found is None:
        topics, pages = read()
        found = Listing(tuple(topics), frozenset(solutions.solved_among(db, [t.id for t in topics])), pages)
        cache.put(key, found)
    return found


def category_list(db: Database, category: Category, page: int, who: Visitor, zone: ZoneInfo) -> Markup:
    """The category's topics (page `page`) and pager for this reader: table rows with unread marks."""
    key = ("category", category, page)  # every column of the row, its version included
    listing = _listing(db, key, lambda: store.list_topics(db, category, None, page))
    return _rendered(db, key, listing, "forum/_category_list.html", who, zone, category=category, page=page)


def latest_list(db: Database, readable: Sequence[Category], page: int, who: Visitor, zone: ZoneInfo) -> Markup:
    """The latest topics of the categories this reader may read, with their unread marks."""
    key = ("latest", tuple(readable), page)
    listing = _listing(db, key, lambda: store.latest_topics(db, None, [c.id for c in readable], page))
    return _rendered(db, key, listing, "forum/_latest_list.html", who, zone, page=page,
                     categories={c.id: c for c in readable})


def _rendered(db: Database, key: Hashable, listing: Listing, template: str, who: Visitor, zone: ZoneInfo,
              **context: object) -> Markup:
    assert who.user is not None  # list pages are for members
    marks = store.last_reads(db, who.user.id, [t.id for t in listing.topics])
    unread = tuple(marks.get(t.id) is None or marks[t.id] < t.last_number for t in listing.topics)
    html_key = (key, who.language, zone, unread)
    cache = _caches(db).html
    html = cache.get(html_key)
    if html is None:
        topics = [replace(topic, last_read=marks.get(topic.id)) for topic in listing.topics]
        html = ENV.get_template(template).render(topics=topics, solved=listing.solved, pages=listing.pages,
                                                 t=who.t, club_zone=zone, **context)
        cache.put(html_key, html)
    return Markup(html)  # noqa: S704 - an autoescaping template's output
