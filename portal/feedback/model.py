"""What a feedback request is: its kinds, statuses, rows that cross modules, and the checks on input.

The rules here are pure (no database, no request), so pages, the store and tests share them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.core.identity import User

KINDS = ("complaint", "question", "advice", "idea", "other")
STATUSES = ("new", "in_progress", "waiting", "answered", "closed")
OPEN_STATUSES = ("new", "in_progress", "waiting", "answered")  # answered stays open until closed: a reply may follow
STAFF_ROLES = ("staff", "admin")  # who answers feedback (moderators and editors do not)
SUBJECT_LIMIT = 150
BODY_LIMIT = 20_000
PAGE_LIMIT = 300


@dataclass(frozen=True)
class Request:
    id: int
    kind: str
    subject: str
    body: str
    html: str
    page: str | None
    author_id: int | None
    company_id: int | None
    status: str
    owner_id: int | None
    supporters: int
    created_at: float
    updated_at: float
    first_reply_at: float | None
    closed_at: float | None
    author_name: str | None = None
    company_name: str | None = None
    owner_name: str | None = None
    representative_id: int | None = None
    segment: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status != "closed"


@dataclass(frozen=True)
class Message:
    id: int
    request_id: int
    author_id: int | None
    side: str  # partner | staff
    internal: bool
    body: str
    html: str
    created_at: float
    author_name: str | None = None


@dataclass(frozen=True)
class Attachment:
    id: int
    request_id: int
    filename: str
    stored_name: str
    content_type: str
    size: int
    created_at: float


@dataclass(frozen=True)
class LogEntry:
    id: int
    request_id: int
    action: str
    old: str | None
    new: str | None
    by_id: int | None
    at: float
    by_name: str | None = None


@dataclass(frozen=True)
class Filters:
    """The staff inbox's filters, already checked (unknown values are dropped, never passed to SQL)."""

    status: str = ""
    kind: str = ""
    owner: str = ""  # a staff id as text, "none" (nobody yet) or ""
    company: str = ""  # part of a company's name
    segment: str = ""
    sort: str = "new"  # new | support
    page: int = 1
    extra: dict = field(default_factory=dict)


def is_staff(user: User | None) -> bool:
    return user is not None and user.role in STAFF_ROLES


def may_see(user: User | None, request: Request) -> bool:
    """The author, the company's representative (named in the contract: sees all of its requests) and
    staff who answer feedback. Anyone else is told the request does not exist (404, never 403)."""
    if user is None:
        return False
    if is_staff(user) or (request.author_id is not None and request.author_id == user.id):
        return True
    return request.company_id is not None and request.representative_id == user.id


def check_request(kind: str, subject: str, body: str) -> dict[str, tuple[str, dict]]:
    """Problems by field name: (word key, values)."""
    problems: dict[str, tuple[str, dict]] = {}
    if kind not in KINDS:
        problems["kind"] = ("feedback.error.kind", {})
    if not subject:
        problems["subject"] = ("feedback.error.subject_required", {})
    elif len(subject) > SUBJECT_LIMIT:
        problems["subject"] = ("feedback.error.subject_too_long", {"limit": SUBJECT_LIMIT})
    problems.update(check_body(body))
    return problems


def check_body(body: str) -> dict[str, tuple[str, dict]]:
    if len(body) < 2:
        return {"body": ("feedback.error.body_required", {})}
    if len(body) > BODY_LIMIT:
        return {"body": ("feedback.error.body_too_long", {"limit": BODY_LIMIT})}
    return {}


def safe_page(value: str | None) -> str | None:
    """A site page the request is about: a local path like /technical/dali/ and nothing else.

    ASVS 5.0 1.2.x: the value is shown as a link to staff, so it must not become `javascript:`, another
    host (`//evil`, `/\\evil`) or carry markup; anything doubtful is dropped, not repaired.
    """
    if not value or len(value) > PAGE_LIMIT or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_.~%#?=&")
    if any(ch not in allowed for ch in value):
        return None
    path = value.split("?", 1)[0].split("#", 1)[0]
    if any(part in (".", "..") for part in path.split("/")):
        return None
    return value
