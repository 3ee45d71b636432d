"""Small SQLite helpers for the ops tests: a club database with rows, read back from the file alone."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import sqlite_utils

from portal.core import identity
from portal.core.db import upgrade

LEFT_IN_WAL = """
import sqlite3, os, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA wal_autocheckpoint = 0")
for i in range(int(sys.argv[2])):
    conn.execute("INSERT INTO used_tokens (jti, purpose, expires) VALUES (?, 'wal', 0)", [f"wal-{i}"])
os._exit(0)  # no close: the commits stay in the -wal file, as after a crash
"""


def club_database(path: Path, people: int = 3) -> Path:
    """A migrated club database in WAL mode with `people` accounts, closed again.

    Not portal.db.connect: its checkpoint thread would keep a connection to the file in this process."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    db = sqlite_utils.Database(conn)
    upgrade(db)
    try:
        for i in range(people):
            identity.create_user(db, name=f"Участник {i}", email=f"person{i}@example.ru", password_hash=None,
                                 language="ru", consent=True, confirmed=True)
    finally:
        db.conn.close()
    return path


def emails(path: Path) -> list[str]:
    """The accounts in the file, read by a fresh read-only connection (no cache, no shared state)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT email FROM users ORDER BY id")]
    finally:
        conn.close()


def count_in_other_process(path: Path, sql: str) -> int:
    """A query from a separate process: nothing this process has open can colour the answer."""
    code = f"import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute({sql!r}).fetchone()[0])"
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60,
                          check=True)
    return int(done.stdout)


def commit_and_crash(path: Path, rows: int) -> None:
    """Another process commits `rows` tokens and dies without closing: they live only in <db>-wal."""
    subprocess.run([sys.executable, "-c", LEFT_IN_WAL, str(path), str(rows)], check=True, timeout=60)
    assert Path(f"{path}-wal").stat().st_size > 0
