"""The portal's SQLite database (through sqlite-utils) and its numbered migrations."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from .migrations import MIGRATIONS


def connect(path: Path | str) -> sqlite_utils.Database:
    """Open (creating the folder) with WAL, foreign keys and a busy timeout; migrations applied."""
    db = open_database(path)
    upgrade(db)
    return db


def open_database(path: Path | str) -> sqlite_utils.Database:
    """The portal's connection settings without applying migrations (tools that fill a given schema)."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA synchronous = NORMAL")
    return sqlite_utils.Database(conn)


def applied_versions(db: sqlite_utils.Database) -> set[int]:
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
               "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    return {row[0] for row in db.execute("SELECT version FROM schema_migrations").fetchall()}


def upgrade(db: sqlite_utils.Database, until: int | None = None) -> list[int]:
    """Apply every migration not yet applied (up to `until`), each in its own transaction. Returns what ran."""
    done = applied_versions(db)
    ran = []
    for version, name, sql in MIGRATIONS:
        if version in done or (until is not None and version > until):
            continue
        with db.conn:  # one transaction per migration: all of it or none
            db.conn.execute("BEGIN")
            for statement in split_sql(sql):
                db.conn.execute(statement)
            db.conn.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                            (version, name, now_iso()))
        ran.append(version)
    return ran


def split_sql(script: str) -> list[str]:
    statements, current = [], []
    for line in script.splitlines():
        current.append(line)
        if sqlite3.complete_statement("\n".join(current)):
            statements.append("\n".join(current).strip())
            current = []
    return [s for s in statements if s]


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def now() -> float:
    return time.time()
