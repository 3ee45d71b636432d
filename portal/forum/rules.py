"""The members' forum: categories, topics, posts, read marks and the rules of who may do what.

Pages live in portal/forum_pages.py, moderation in portal/forum_moderation.py, search in
portal/forum_search.py. Post bodies are kept as written (Markdown) and as HTML rendered once by
portal/usertext.py at write time, so reading a topic never runs the Markdown converter.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NamedTuple
from zoneinfo import ZoneInfo

from slugify import slugify
from sqlite_utils import Database

from portal.core.identity import User
from portal.core.usertext import Embed, render_user_markdown
from portal.forum.moderation_store import posting_ban
from portal.web.templating import format_when

PAGE_SIZE = 20
TOPICS_PAGE_SIZE = 30
TITLE_LIMITS = (5, 150)
BODY_LIMITS = (2, 20_000)
CHANGE_WINDOW = 24 * 3600.0  # an author may edit or delete their post for a day; moderators always
MODERATOR_ROLES = ("moderator", "admin", "staff")
# Rate limits (count, seconds): new members (first week) may start fewer topics.
TOPIC_LIMIT_NEW, TOPIC_LIMIT, REPLY_LIMIT = (3, 86400.0), (10, 86400.0), (30, 3600.0)
NEW_MEMBER_SECONDS = 7 * 86400


@dataclass(frozen=True)
class Category:
    id: int
    slug: str
    title: str
    description: str
    position: int
    read_level: str
    post_level: str
    title_en: str = ""  # the English name and description; empty: the Russian ones are shown
    description_en: str = ""
    topic_count: int = 0
    post_count: int = 0
    unread: int = 0
    version: int = 0  # moves with every change to what the category's list shows (migration 37's triggers)

    def name(self, language: str) -> str:
        """The category's name in the reader's language (Russian where no English one is set)."""
        return self.title_en if language == "en" and self.title_en else self.title

    def about(self, language: str) -> str:
        return self.description_en if language == "en" and self.description_en else self.description


@dataclass(frozen=True)
class Topic:
    id: int
    category_id: int
    author_id: int | None
    title: str
    pinned: bool
    locked: bool
    post_count: int
    last_number: int
    last_post_at: float
    created_at: float
    author_name: str | None = None
    last_poster_name: str | None = None
    last_read: int | None = None  # None: never opened by this reader

    @property
    def unread(self) -> bool:
        return self.last_read is None or self.last_read < self.last_number

    @property
    def pages(self) -> int:
        return max(1, -(-self.last_number // PAGE_SIZE))


class Post(NamedTuple):
    """A tuple of plain values: topic pages cache thousands, and the garbage collector stops tracking
    such tuples, whereas each dataclass instance would lengthen its full passes (~50 ms each here)."""

    id: int
    topic_id: int
    number: int
    author_id: int | None
    body: str
    html: str
    created_at: float
    edited_at: float | None
    deleted_at: float | None
    hidden_at: float | None
    hidden_reason: str | None
    author_name: str | None = None
    author_handle: str | None = None
    author_company: str | None = None

    @property
    def visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class ForumError(Exception):
    """A rule said no; `key` is the i18n key of the reason shown to the member."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values


# --- who may do what ----------------------------------------------------------------------------

def is_moderator(user: User | None) -> bool:
    return user is not None and user.role in MODERATOR_ROLES


def can_read_forum(user: User | None) -> bool:
    return user is not None and user.may_read("members")


def can_read_category(user: User | None, category: Category) -> bool:
    if category.read_level == "staff":
        return user is not None and bool(user.role)
    return can_read_forum(user)


def check_can_post(db: Database, user: User | None, category: Category, topic: Topic | None = None, *,
                   zone: ZoneInfo) -> User:
    """The member who may post here, or ForumError with the reason (a ban's end in `zone`, the club's)."""
    if user is None or not can_read_category(user, category):
        raise ForumError("forum.members_only")
    if category.post_level == "staff" and not user.role:
        raise ForumError("forum.staff_only_category")
    if topic is not None and topic.locked and not is_moderator(user):
        raise ForumError("forum.locked")
    until = posting_ban(db, user)
    if until is not None:
        raise ForumError("forum.banned", until=format_when(until, zone))
    return user


def may_change(user: User | None, post: Post, now: float | None = None) -> bool:
    """Authors within the window, moderators always (ASVS 5.0 8.2.2: checked on the server)."""
    if user is None:
        return False
    if is_moderator(user):
        return True
    now = time.time() if now is None else now
    return post.author_id == user.id and post.visible and now - post.created_at <= CHANGE_WINDOW


def check_rate(db: Database, user: User, kind: str) -> None:
    """New members may start a few topics a day; everyone has an hourly reply budget."""
    if is_moderator(user):
        return
    if kind == "topic":
        young = _age(user) < NEW_MEMBER_SECONDS
        count, window = TOPIC_LIMIT_NEW if young else TOPIC_LIMIT
        sql = "SELECT count(*) FROM forum_topics WHERE author_id = ? AND created_at > ?"
    else:
        count, window = REPLY_LIMIT
        sql = "SELECT count(*) FROM forum_posts WHERE author_id = ? AND created_at > ? AND number > 1"
    if db.execute(sql, [user.id, time.time() - window]).fetchone()[0] >= count:
        raise ForumError("forum.rate_" + kind, count=count)


def _age(user: User) -> float:
    from datetime import datetime

    return time.time() - datetime.fromisoformat(user.created_at).timestamp()


def check_text(title: str | None, body: str) -> dict[str, tuple[str, dict]]:
    """Problems with a title/body, by field: (i18n key, values). Empty when all is well."""
    problems: dict[str, tuple[str, dict]] = {}
    if title is not None and not TITLE_LIMITS[0] <= len(title) <= TITLE_LIMITS[1]:
        key = "forum.title_short" if len(title) < TITLE_LIMITS[0] else "forum.title_long"
        problems["title"] = (key, {"min": TITLE_LIMITS[0], "max": TITLE_LIMITS[1], "length": len(title)})
    if not BODY_LIMITS[0] <= len(body) <= BODY_LIMITS[1]:
        key = "forum.body_short" if len(body) < BODY_LIMITS[0] else "forum.body_long"
        problems["body"] = (key, {"min": BODY_LIMITS[0], "max": BODY_LIMITS[1], "length": len(body)})
    return problems


# --- members' handles (for @mentions) -----------------------------------------------------------

def ensure_handle(db: Database, user: User) -> str:
    row = db.execute("SELECT handle FROM users WHERE id = ?", [user.id]).fetchone()
    if row and row[0]:
        return row[0]
    base = slugify(user.name, max_length=30, word_boundary=True) or "member"
    for suffix in ["", *(f"-{n}" for n in range(2, 1000))]:
        candidate = (base + suffix)[:40]
        if not db.execute("SELECT 1 FROM users WHERE handle = ?", [candidate]).fetchone():
            db.execute("UPDATE users SET handle = ? WHERE id = ?", [candidate, user.id])
            return candidate
    raise RuntimeError("no free handle")  # pragma: no cover - 1000 namesakes


def mention_url(db: Database):
    def resolve(handle: str) -> str | None:
        found = db.execute("SELECT 1 FROM users WHERE handle = ?", [handle]).fetchone()
        return f"/forum/u/{handle}" if found else None
    return resolve


def render_post(db: Database, body: str, uploads: dict[int, Embed] | None = None) -> str:
    """`uploads`: the post's own files (forum/files.py embeds), for `upload:N` in its text."""
    return render_user_markdown(body, resolve_mention=mention_url(db), uploads=uploads)
