"""The content model: one typed record per Markdown file, validated with precise line numbers.

Folder decides the kind; front matter adds the rest. Validation collects every problem in a
file (not just the first) so an editor fixes them in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .config import ACCESS_LEVELS, ClubConfig
from .errors import ContentError, did_you_mean

MORE = "<!-- more -->"
_MORE_LINE = re.compile(r"^[ \t]*<!--\s*more\s*-->[ \t]*$", re.MULTILINE)

COMMON_KEYS = {"title", "date", "summary", "tags", "access", "segments", "regions", "slug"}
# Material page options an editor may still use.
THEME_KEYS = {"hide", "icon", "status", "search", "template", "comments"}
KIND_KEYS = {
    "home": {"benefits"},
    "newsletter": {"subject", "preheader", "roles", "topics"},
    "issue": {"issue"},
    "club": {"privileges"},
    "catalogue": {"products"},
    "event": {"starts", "ends", "city", "online", "capacity", "venue",
              "registration", "per_company", "register_until", "questions", "cancelled", "online_link", "offer_hours"},
}
POST_KINDS = {"newsletter", "article"}
DATED_KINDS = {"newsletter", "article", "issue"}


@dataclass
class Page:
    """One content file after validation. `url` is site-relative with a trailing slash."""

    rel: str  # path inside content/, posix
    display: str  # path shown to editors, e.g. content/technical/x.md
    kind: str
    section: str | None
    title: str
    body: str
    body_line: int
    lines: dict[str, int] = field(default_factory=dict)
    date: date | None = None
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    access: str = "public"
    segments: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    slug: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # kind-specific, validated values
    theme: dict[str, Any] = field(default_factory=dict)  # passthrough Material options
    url: str = ""
    stage_path: str = ""
    issue_dir: str | None = None  # magazine article -> its issue folder

    @property
    def is_gated(self) -> bool:
        return self.access != "public"

    @property
    def is_post(self) -> bool:
        return self.kind in POST_KINDS

    @property
    def has_more(self) -> bool:
        return bool(_MORE_LINE.search(self.body))

    @property
    def preview(self) -> str:
        """Markdown above the marker: the only body text a gated page may show in public."""
        match = _MORE_LINE.search(self.body)
        if match:
            return self.body[: match.start()].rstrip() + "\n"
        return "" if self.is_gated else self.body

    @property
    def gated_body(self) -> str:
        """Markdown below the marker (empty for public pages)."""
        if not self.is_gated:
            return ""
        match = _MORE_LINE.search(self.body)
        return self.body[match.end():] if match else self.body

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def kind_for(rel: str) -> tuple[str, str | None]:
    """(kind, section) decided by the folder."""
    parts = rel.split("/")
    if rel == "index.md":
        return "home", None
    section = parts[0] if len(parts) > 1 else None
    if len(parts) == 2 and parts[1] == "index.md":
        return "section", section
    if section == "newsletters":
        return "newsletter", section
    if section == "magazine":
        if len(parts) == 3 and parts[2] == "index.md":
            return "issue", section
        return ("article" if len(parts) == 3 else "misplaced-article"), section
    if section in ("technical", "analytics", "events", "club", "catalogue"):
        return {"events": "event"}.get(section, section), section
    return "page", section


class Validator:
    """Turns raw front matter into a Page, recording ContentErrors with file lines."""

    def __init__(self, config: ClubConfig, display: str, lines: dict[str, int]):
        self.config = config
        self.display = display
        self.lines = lines
        self.errors: list[ContentError] = []
        self.bad_keys: set[str] = set()

    def error(self, key: str | None, message: str, line: int | None = None) -> None:
        self.bad_keys.add(key or "")
        where = line if line is not None else self.lines.get(key or "", 1)
        self.errors.append(ContentError(self.display, where, message))

    # --- scalar fields -------------------------------------------------------------------
    def text(self, data: dict, key: str, required: bool = False, why: str = "") -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(key, f"missing `{key}`{why}; add a line `{key}: ...` to the front matter")
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.error(key, f"`{key}` must be text, got {type(value).__name__}")
            return ""
        return str(value).strip()

    def day(self, data: dict, key: str, required: bool = False) -> date | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(key, f"missing `{key}`; add `{key}: YYYY-MM-DD`, e.g. `{key}: 2026-11-24`")
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.error(key, f"bad date {value!r} in `{key}`: write it as YYYY-MM-DD, e.g. 2026-11-24")
            return None

    def moment(self, data: dict, key: str, required: bool = False) -> datetime | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(key, f'missing `{key}`; add `{key}: "YYYY-MM-DD HH:MM"` (club time zone)')
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        try:
            return datetime.fromisoformat(str(value).strip()).replace(tzinfo=None)
        except ValueError:
            self.error(key, f'bad date and time {value!r} in `{key}`: write "YYYY-MM-DD HH:MM", '
                            'e.g. "2026-12-03 10:00"')
            return None

    def flag(self, data: dict, key: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.error(key, f"`{key}` must be true or false, got {value!r}")
            return False
        return value

    def count(self, data: dict, key: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.error(key, f"`{key}` must be a whole number of at least 1, got {value!r}")
            return None
        return value

    # --- lists and vocabularies ----------------------------------------------------------
    def strings(self, data: dict, key: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self.error(key, f"`{key}` must be a list, e.g. `{key}: [first, second]`")
            return []
        return [str(v).strip() for v in value if str(v).strip()]

    def vocabulary(self, data: dict, key: str, allowed: dict[str, str]) -> list[str]:
        values = self.strings(data, key)
        good = []
        for value in values:
            if value in allowed:
                good.append(value)
                continue
            by_label = {label.lower(): k for k, label in allowed.items()}
            hint = (f' (did you mean "{by_label[value.lower()]}"?)' if value.lower() in by_label
                    else did_you_mean(value, allowed))
            known = ", ".join(allowed) or f"none configured; add them under extra.club.{key} in mkdocs.yml"
            self.error(key, f"unknown {key[:-1]} {value!r}{hint}; known {key}: {known}")
        return good

    def access(self, data: dict) -> str:
        value = data.get("access", "public")
        if value not in ACCESS_LEVELS:
            self.error("access", f"unknown access level {value!r}{did_you_mean(str(value), ACCESS_LEVELS)}; "
                                 f"use one of: {', '.join(ACCESS_LEVELS)}")
            return "members"  # fail closed: an unreadable level never makes a page public
        return value

    def known_keys(self, data: dict, kind: str) -> None:
        allowed = COMMON_KEYS | THEME_KEYS | KIND_KEYS.get(kind, set())
        for key in data:
            if key not in allowed:
                hint = did_you_mean(str(key), allowed)
                self.error(str(key), f"unknown front matter key `{key}`{hint}; "
                                     f"keys for this kind of page: {', '.join(sorted(allowed - THEME_KEYS))}")
