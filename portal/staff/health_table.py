"""The partner health table without the web: its query (checked), its rows, the drifting rule, sorting.

One row per live company (core.companies.roster: one query), then every capability's HealthColumn in
their order, each asked once for every company (one query per column, never one per row), so 20,000
companies cost a handful of queries and a sort in memory (bench/health_table.py measures it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from portal.core.companies import RosterRow, roster
from portal.core.dashboard import HealthColumn
from portal.core.settings import Settings
from portal.web.forms import whole_number

PAGE_SIZE = 50
DAY = 86400.0
BASE_KEYS = ("name", "segment", "region")  # the page's own columns, before every capability's
# The drifting rule reads these columns when a capability supplies them (points, NPS); without one, its part
# of the rule finds nobody.
PURCHASES_TREND, NPS_TREND = "purchases_trend", "nps_trend"
DEFAULT_DROP, DEFAULT_QUIET = 20, 90
MAX_DROP, MAX_QUIET, MAX_PAGE = 100, 3650, 100_000


@dataclass(frozen=True)
class Query:
    segment: str = ""
    region: str = ""
    manager: int | None = None     # an account manager's user id; 0: companies without one
    drifting: bool = False
    drop: int = DEFAULT_DROP       # drifting: purchases down by more than this many percent…
    quiet: int = DEFAULT_QUIET     # …or no contact for this many days (or never), or NPS falling
    sort: str = "name"
    desc: bool = False
    page: int = 1


@dataclass(frozen=True)
class Row:
    company: RosterRow
    values: Mapping[str, Any]      # column key -> value (missing: "—")

    def value(self, key: str) -> Any:
        if key in BASE_KEYS:
            return getattr(self.company, key)
        return self.values.get(key)


def columns_of(capabilities: Iterable[Any]) -> list[HealthColumn]:
    """Every capability's health columns, in their order (capability order breaks ties)."""
    found = [column for capability in capabilities for column in capability.health_columns]
    return sorted(found, key=lambda column: column.order)


def _choice(raw: str, allowed: Iterable[str], key: str, errors: dict[str, str]) -> str:
    if raw and raw not in allowed:
        errors[key] = "error.choice_invalid"
        return ""
    return raw


def _number(raw: str | None, default: int, maximum: int, key: str, errors: dict[str, str]) -> int:
    if raw is None or raw == "":
        return default
    value = whole_number(raw, maximum)
    if value is None:
        errors[key] = f"health.bad.{key}"
        return default
    return value


def read_query(params: Mapping[str, str], sort_keys: Sequence[str], segments: Iterable[str],
               regions: Iterable[str], managers: Iterable[int]) -> tuple[Query, dict[str, str]]:
    """The page's query and each problem in it (field -> word key); a bad value falls back to its default."""
    errors: dict[str, str] = {}
    manager_raw = params.get("manager", "")
    manager = 0 if manager_raw == "none" else whole_number(manager_raw) if manager_raw else None
    if manager_raw and manager_raw != "none" and manager not in set(managers):
        errors["manager"], manager = "error.choice_invalid", None
    sort = params.get("sort", "name") or "name"
    if sort not in sort_keys:
        errors["sort"], sort = "health.bad.sort", "name"
    direction = params.get("dir", "") or "asc"
    if direction not in ("asc", "desc"):
        errors["dir"], direction = "health.bad.dir", "asc"
    query = Query(
        segment=_choice(params.get("segment", "")[:50], segments, "segment", errors),
        region=_choice(params.get("region", "")[:50], regions, "region", errors),
        manager=manager, drifting=params.get("drifting", "") in ("1", "on"),
        drop=_number(params.get("drop"), DEFAULT_DROP, MAX_DROP, "drop", errors),
        quiet=max(1, _number(params.get("quiet"), DEFAULT_QUIET, MAX_QUIET, "quiet", errors)),
        sort=sort, desc=direction == "desc",
        page=max(1, _number(params.get("page"), 1, MAX_PAGE, "page", errors)))
    return query, errors


def rows(db: Database, settings: Settings, columns: Sequence[HealthColumn], now: float) -> list[Row]:
    """Every live company with every column's value: one query for the companies, one per column."""
    values = {column.key: column.values(db, settings, now) for column in columns}
    return [Row(company, {key: found[company.id] for key, found in values.items() if company.id in found})
            for company in roster(db)]


def is_drifting(row: Row, query: Query, now: float) -> bool:
    """Purchases down by more than `drop` %, or no contact for `quiet` days (or never), or NPS falling."""
    trend, nps = row.values.get(PURCHASES_TREND), row.values.get(NPS_TREND)
    last = row.company.last_contact_at
    return ((trend is not None and trend < -query.drop) or last is None or last < now - query.quiet * DAY
            or (nps is not None and nps < 0))


def select(found: Iterable[Row], query: Query, now: float) -> list[Row]:
    def wanted(row: Row) -> bool:
        company = row.company
        return ((not query.segment or company.segment == query.segment)
                and (not query.region or company.region == query.region)
                and (query.manager is None or (company.account_manager_id or 0) == query.manager)
                and (not query.drifting or is_drifting(row, query, now)))
    return [row for row in found if wanted(row)]


def _sortable(value: Any, kind: str) -> Any:
    if kind == "number":
        return float(value)
    return str(value).casefold()


def ordered(found: Sequence[Row], query: Query, kinds: Mapping[str, str]) -> list[Row]:
    """Sorted by the query's column (then by name); companies without a value last, whichever the direction."""
    kind = kinds.get(query.sort, "text")
    known = [row for row in found if row.value(query.sort) not in (None, "")]
    unknown = [row for row in found if row.value(query.sort) in (None, "")]
    known.sort(key=lambda row: (_sortable(row.value(query.sort), kind), row.company.name.casefold()),
               reverse=query.desc)
    return known + sorted(unknown, key=lambda row: row.company.name.casefold())


def page_of(found: Sequence[Row], page: int) -> tuple[list[Row], int]:
    """One page of rows and how many pages there are (a page past the last shows the last)."""
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(page, pages)
    return list(found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]), pages
