"""Who receives a newsletter: one SQL query from the audience in the page's front matter.

Rules (docs/editors.md): subscribers only (the 'newsletters' consent row), with a confirmed address,
not suspended and not bouncing. A non-empty `segments`, `regions` or `roles` list needs the member's
value in it — a member who never said is not assumed to match. A non-empty `topics` list needs an
overlap with the member's topics, except for members who chose none, which means "everything".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.identity import USER_COLUMNS, User, user_from_row
from site_builder.contract import AUDIENCE_KEYS

_COLUMN = {"segments": "u.segment", "regions": "u.region", "roles": "u.job_role"}
_USER_COLUMNS = ", ".join(f"u.{name.strip()}" for name in USER_COLUMNS.split(","))


@dataclass(frozen=True)
class Recipient:
    user: User
    company: str  # the company's name, "" without one


def audience_sql(audience: dict[str, list[str]], only: list[int] | None = None) -> tuple[str, list]:
    """SELECT of USER_COLUMNS + company name for everyone the audience reaches, ordered by user id; with
    `only` (a letter's explicit recipients, api.queue_letter), those of them the same rules still allow."""
    where = ["EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = u.id AND s.list = 'newsletters')",
             "u.email_confirmed_at IS NOT NULL", "u.suspended_at IS NULL", "u.bounced_at IS NULL"]
    params: list = []
    if only is not None:
        where.append("u.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps([int(user_id) for user_id in only]))
    for key in AUDIENCE_KEYS:
        values = [str(v) for v in audience.get(key) or []]
        if not values:
            continue
        params.append(json.dumps(values, ensure_ascii=False))
        if key == "topics":  # "[]" = no preference = every topic
            where.append("(u.topics IN ('', '[]') OR EXISTS (SELECT 1 FROM json_each(u.topics) t "
                         "WHERE t.value IN (SELECT value FROM json_each(?))))")
        else:
            where.append(f"{_COLUMN[key]} IN (SELECT value FROM json_each(?))")  # noqa: S608 - a constant column
    sql = (f"SELECT {_USER_COLUMNS}, coalesce(c.name, '') FROM users u "  # noqa: S608 - columns are constants
           f"LEFT JOIN companies c ON c.id = u.company_id WHERE {' AND '.join(where)} ORDER BY u.id")
    return sql, params


def recipients(db: Database, audience: dict[str, list[str]], only: list[int] | None = None) -> Iterator[Recipient]:
    """Streams the audience (a cursor, not a list: 100,000 recipients must not sit in memory)."""
    sql, params = audience_sql(audience, only)
    for row in db.execute(sql, params):
        yield Recipient(user_from_row(row[:-1]), row[-1])


def audience_size(db: Database, audience: dict[str, list[str]]) -> int:
    sql, params = audience_sql(audience)
    return db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]  # noqa: S608
