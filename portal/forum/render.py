"""Topic pages from caches: a page is read far more often than it changes.

Rendering twenty posts with their footers was most of a topic page's cost, and reading them (with
author and company) most of the rest. Three caches, none of which can serve stale text:
- a page's posts are read again whenever anything at all was written to the database since
  (portal.db.change_stamp: this connection's writes, other workers' commits);
- a post's header and body are keyed by the post itself (every field), its files (every field) and the
  reader's level;
- the rendered list (pagers, posts, footers) is kept per topic, page and viewer rights, and used
  only for the very posts it was rendered from.
The CSRF token is the only per-session text inside; the list is rendered with a placeholder in the
forms' hidden fields, and on the way out only those fields get the reader's token. Member text can
never name the placeholder: it is random per process and only ever replaced as a whole hidden field
(`name="csrf" value="…"` with raw quotes, which escaped member text cannot contain), so a post
linking to `?t=<placeholder>` cannot carry readers' tokens off-site (ASVS 5.0 3.5.1).
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlite_utils import Database

from portal.core.db import change_stamp
from portal.core.security import CSRF_PLACEHOLDER, with_token
from portal.forum import store
from portal.forum.files import ForumFile
from portal.forum.rules import Post, Topic, may_change
from portal.web.context import Visitor
from portal.web.templating import ENV

Value = TypeVar("Value")

BLOCK_CACHE_SIZE = 20_000   # post headers and bodies (a few hundred bytes each)
PAGE_CACHE_SIZE = 2_000     # twenty posts with footers and pagers (~15 KB each)
POSTS_CACHE_SIZE = 2_000    # pages of posts per database


class LRU(Generic[Value]):
    """A bounded map that drops the entry unused for longest."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Value] = OrderedDict()

    def get(self, key: Hashable) -> Value | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: Hashable, value: Value) -> None:
        self._items[key] = value
        if len(self._items) > self.size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()


_BLOCKS: LRU[str] = LRU(BLOCK_CACHE_SIZE)
_PAGES: LRU[tuple[tuple[Post, ...], str]] = LRU(PAGE_CACHE_SIZE)
_POSTS: weakref.WeakKeyDictionary[Database, LRU[tuple[tuple[int, int], tuple[Post, ...]]]] = \
    weakref.WeakKeyDictionary()


def page_posts(db: Database, topic: Topic, page: int) -> tuple[Post, ...]:
    """store.list_posts, reused while nothing at all has been written to the database."""
    stamp = change_stamp(db)  # read first: a write after it only makes the next request read again
    cache = _POSTS.get(db)
    if cache is None:
        cache = _POSTS[db] = LRU(POSTS_CACHE_SIZE)
    found = cache.get((topic.id, page))
    if found is not None and found[0] == stamp:
        return found[1]
    posts = tuple(store.list_posts(db, topic, page))
    if found is not None and found[1] == posts:  # unchanged: keep the old tuple (the page cache knows it)
        posts = found[1]
    cache.put((topic.id, page), (stamp, posts))
    return posts


def post_block(post: Post, moderator: bool, who: Visitor, zone: ZoneInfo,
               files: tuple[ForumFile, ...] = ()) -> Markup:
    """A post's header, body and files, the same for every reader of one level and language (times in `zone`)."""
    key = (post, files, moderator, who.language, zone)  # Post and ForumFile are tuples: every field is in the key
    html = _BLOCKS.get(key)
    if html is None:
        # Pictures the text shows itself (`![..](upload:N)`) are not repeated in the gallery under it.
        gallery = [f for f in files if f.is_image and f'href="{f.url}"' not in post.html]
        html = ENV.get_template("forum/_post.html").render(
            post=post, moderator=moderator, t=who.t, club_zone=zone, gallery=gallery,
            attachments=[f for f in files if not f.is_image])
        _BLOCKS.put(key, html)
    return Markup(html)  # noqa: S704 - an autoescaping template's output, user HTML already nh3-clean


def topic_posts(topic: Topic, posts: tuple[Post, ...], page: int, who: Visitor, *, moderator: bool,
                can_reply: bool, csrf: str, zone: ZoneInfo,
                liked: tuple[dict[int, int], set[int]] = ({}, set()), solution: tuple | None = None,
                asker: bool = False, files: dict[int, tuple[ForumFile, ...]] | None = None) -> Markup:
    """Pager, posts with their footers, pager: from the cache when the same viewer rights saw the same posts.
    `liked`: likes by post and the posts this reader liked (forum/likes.py on_posts); `solution`: the accepted
    answer shown under the question (forum/solutions.py Solution); `asker`: the reader started the topic;
    `files`: the posts' files by post (forum/files.py for_posts)."""
    assert who.user is not None  # topic pages are for members
    # What differs between members: may they change a post (author, a day), is it their own (no flag link,
    # no like button), did they like it; and the like counts, which are the same for everyone.
    counts, mine = liked
    rights = tuple((may_change(who.user, post), post.author_id == who.user.id, counts.get(post.id, 0),
                    post.id in mine) for post in posts)
    attached = tuple((files or {}).get(post.id, ()) for post in posts)
    key = (topic.id, page, topic.pages, moderator, can_reply, who.language, rights, zone, solution, asker, attached)
    found = _PAGES.get(key)
    if found is not None and (found[0] is posts or found[0] == posts):  # every field of every post
        html = found[1]
    else:
        html = ENV.get_template("forum/_topic_posts.html").render(
            topic_id=topic.id, page=page, pages=topic.pages, moderator=moderator, can_reply=can_reply,
            solution=solution, may_solve=asker or moderator,
            items=[(post, post_block(post, moderator, who, zone, post_files), *right)
                   for post, right, post_files in zip(posts, rights, attached, strict=True)],
            csrf=CSRF_PLACEHOLDER, t=who.t, club_zone=zone)
        _PAGES.put(key, (posts, html))
    return Markup(with_token(html, csrf))  # noqa: S704 - as post_block; the token is hex
