"""The one owner of `points_scores` (migration 16): staff's scores of the manual criteria, append-only.

The latest row per (company, year, criterion) is the score; a correction is a new row, so the history
of every score (who, when, the note) stays. A form's one-time value is part of each row's unique key:
the same form posted twice writes its rows once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.db import write_transaction


@dataclass(frozen=True)
class Score:
    id: int
    company_id: int
    year: int
    criterion_id: str
    score: int
    note: str
    by_id: int | None
    at: float
    by_name: str | None = None   # history(): who gave it


@dataclass(frozen=True)
class Entry:
    """What a form sends for one criterion."""

    criterion_id: str
    score: int
    note: str = ""


def latest(db: Database, company_id: int, year: int) -> dict[str, Score]:
    """Criterion id -> the company's standing score for the year."""
    # SQLite takes the bare columns of an aggregate query from the row max(id) picked: the latest row.
    rows = db.execute("SELECT id, company_id, year, criterion_id, score, note, by_id, at, max(id) "
                      "FROM points_scores WHERE year = ? AND company_id = ? GROUP BY criterion_id",
                      [year, company_id]).fetchall()
    return {row[3]: Score(*row[:8]) for row in rows}


def latest_for_year(db: Database, year: int) -> dict[int, dict[str, int]]:
    """Company id -> criterion id -> standing score, for every company scored in the year."""
    found: dict[int, dict[str, int]] = {}
    for company_id, criterion_id, score, _ in db.execute(
            "SELECT company_id, criterion_id, score, max(id) FROM points_scores WHERE year = ? "
            "GROUP BY company_id, criterion_id", [year]):
        found.setdefault(company_id, {})[criterion_id] = score
    return found


def history(db: Database, company_id: int, year: int, limit: int = 200) -> list[Score]:
    """Every score given to the company for the year, newest first, with who gave it."""
    return [Score(*row) for row in db.execute(
        "SELECT s.id, s.company_id, s.year, s.criterion_id, s.score, s.note, s.by_id, s.at, u.name "
        "FROM points_scores s LEFT JOIN users u ON u.id = s.by_id WHERE s.company_id = ? AND s.year = ? "
        "ORDER BY s.id DESC LIMIT ?", [company_id, year, limit]).fetchall()]


def record(db: Database, company_id: int, year: int, entries: list[Entry], nonce: str, by_id: int | None,
           now: float) -> int:
    """Write a row for each entry that differs from the standing score (or its note); returns how many
    rows were written. One transaction: the comparison and the rows are one step for every worker."""
    written = 0
    with write_transaction(db):
        standing = latest(db, company_id, year)
        for entry in entries:
            old = standing.get(entry.criterion_id)
            if old is not None and (old.score, old.note) == (entry.score, entry.note):
                continue
            cursor = db.conn.execute(
                "INSERT INTO points_scores (company_id, year, criterion_id, score, note, nonce, by_id, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (nonce, criterion_id) DO NOTHING",
                [company_id, year, entry.criterion_id, entry.score, entry.note, nonce, by_id, now])
            written += cursor.rowcount
    return written
