"""The portal's SQLite database (through sqlite-utils) and its numbered migrations.

WAL checkpoints run in a thread of their own (`Checkpointer`), never inside a request's commit.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from portal.core.capability import REGISTRY, Migration

log = logging.getLogger("portal")
CHECKPOINT_SECONDS = 1.0        # how often the checkpoint thread copies new WAL pages into the database
WAL_LIMIT = 64 * 1024 * 1024    # bytes a WAL file is cut back to once it has been checkpointed
READER_MMAP = 4 * 1024 ** 3     # bytes of the database file a reader maps (address space, not memory)


def connect(path: Path | str, migrations: Sequence[Migration] | None = None) -> sqlite_utils.Database:
    """Open (creating the folder) with WAL, foreign keys and a busy timeout; migrations applied
    (by default every registered capability's, in version order)."""
    db = open_database(path)
    upgrade(db, migrations)
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
    db = sqlite_utils.Database(conn)
    if database_file(db):
        # SQLite's own checkpoint runs inside whichever commit crosses 1,000 WAL pages: on the event
        # loop, copying pages into a large file and fsyncing it while every request waits.
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT}")
        CHECKPOINTER.watch(db)
    return db


def database_file(db: sqlite_utils.Database) -> str:
    """The main database's file name; "" for an in-memory or temporary database."""
    return next((file for _, name, file in db.execute("PRAGMA database_list").fetchall() if name == "main"), "")


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """BEGIN IMMEDIATE .. COMMIT: the write lock first, so a read-then-write inside is one step for
    every connection, in this process or another worker's (rolled back on an exception)."""
    with db.conn:
        db.conn.execute("BEGIN IMMEDIATE")
        yield


def change_stamp(db: sqlite_utils.Database) -> tuple[int, int]:
    """Moves whenever rows change: data_version counts other connections' commits (other workers,
    other threads), total_changes this connection's own writes. Equal stamps: nothing was written."""
    return db.execute("PRAGMA data_version").fetchone()[0], db.conn.total_changes


def open_reader(db: sqlite_utils.Database) -> sqlite_utils.Database:
    """Another connection to the same file, for reads off the event loop (used by one thread at a time)."""
    conn = sqlite3.connect(f"file:{quote(database_file(db))}?mode=ro", uri=True, check_same_thread=False,
                           isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    # Pages straight from the OS cache, no copy into a page cache that every commit elsewhere empties
    # (WAL readers drop their cache when the database changed): a search reads thousands of rows.
    conn.execute(f"PRAGMA mmap_size = {READER_MMAP}")
    return sqlite_utils.Database(conn)


class Checkpointer:
    """One daemon thread that checkpoints every open portal database each CHECKPOINT_SECONDS.

    PASSIVE: it never waits for readers or writers, and SQLite releases the GIL while it copies, so
    requests go on meanwhile. It works through a connection of its own, dropped when the database
    object it watches is garbage-collected.
    """

    def __init__(self) -> None:
        self._files: weakref.WeakKeyDictionary[sqlite_utils.Database, str] = weakref.WeakKeyDictionary()
        self._connections: dict[str, sqlite3.Connection] = {}  # used by one thread at a time (the lock)
        self._failing: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, db: sqlite_utils.Database) -> None:
        with self._lock:
            self._files[db] = database_file(db)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
                self._thread.start()

    def checkpoint_all(self) -> None:
        """One round (the thread calls it; tests may too)."""
        with self._lock:
            files = set(self._files.values())
            for gone in set(self._connections) - files:
                self._connections.pop(gone).close()
            for file in files:
                self._checkpoint(file)

    def _checkpoint(self, file: str) -> None:
        try:
            if file not in self._connections:
                self._connections[file] = sqlite3.connect(f"file:{quote(file)}?mode=rw", uri=True,
                                                          check_same_thread=False)
            self._connections[file].execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self._failing.discard(file)
        except sqlite3.Error as exc:  # a file removed under us, or I/O: try again next round, say so once
            if file not in self._failing:
                log.warning("checkpoint of %s failed: %s", file, exc)
                self._failing.add(file)
            connection = self._connections.pop(file, None)
            if connection is not None:
                connection.close()

    def _run(self) -> None:
        while True:
            time.sleep(CHECKPOINT_SECONDS)
            try:
                self.checkpoint_all()
            except Exception:  # the thread must outlive any surprise, or the WAL grows without bound
                log.exception("checkpoint round failed")


CHECKPOINTER = Checkpointer()


def schema_version(db: sqlite_utils.Database) -> int | None:
    """The newest migration applied (a real query: it fails when the database does not answer)."""
    return db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]


def applied_versions(db: sqlite_utils.Database) -> set[int]:
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
               "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    return {row[0] for row in db.execute("SELECT version FROM schema_migrations").fetchall()}


def upgrade(db: sqlite_utils.Database, migrations: Sequence[Migration] | None = None,
            until: int | None = None) -> list[int]:
    """Apply every migration not yet applied (up to `until`), each in its own transaction. Returns what ran."""
    done = applied_versions(db)
    ran = []
    for version, name, sql in (REGISTRY.migrations() if migrations is None else sorted(migrations)):
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
