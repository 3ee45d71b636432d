"""`club db backup` and `club db restore`: copies of the SQLite database safe to take and to put back.

Backup uses SQLite's online backup API, a few pages a step with a pause between steps, inside one
read transaction. In WAL mode a reader never blocks the portal's writers, and holding one snapshot
for the whole copy makes the copy consistent as of the moment it began. Without that snapshot a
paged backup starts over whenever another process commits (copying 12 MB beside one writer, it
restarted ~300 times) and under steady writes may never finish. The copy goes to a temporary file
beside PATH, becomes a single self-contained file (journal_mode DELETE), is verified
(`PRAGMA integrity_check`, schema version) and only then gets its name.

Restore refuses while a portal or worker uses the database (portal/core/inuse.py) unless forced,
copies the backup (with the backup API again, so a `-wal` beside it counts) to a temporary file
beside the database and verifies it, refuses a schema newer than this code's migrations, keeps
the replaced database as `<db>.before-restore-<time>` together with its WAL (commits not yet
checkpointed into the file belong to it), removes the `-shm` index of that WAL, and renames the
copy into place. A WAL left beside the restored file would be replayed into it: corruption.

Both leave files readable by their owner only (mkstemp's 0600): a backup holds the same personal
data and password hashes as the database (ASVS 5.0 14.2.4).
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from portal.core.capability import REGISTRY
from portal.core.inuse import exclusive_use

PAGES = 256  # pages a step: 1 MiB at SQLite's 4 KiB pages
PAUSE = 0.005  # seconds between steps, so the portal's own reads and writes go first
NUMERIC_FIELDS = "YmdHMSjy"  # strftime fields --keep can match (digits only: nothing else is deleted)


class BackupError(Exception):
    """The backup or restore did not happen; the message says why and what to do."""


@dataclass(frozen=True)
class Copy:
    path: Path
    size: int
    schema: int
    seconds: float
    restarts: int  # times SQLite started the copy over; 0 = one snapshot, as designed


@dataclass(frozen=True)
class Restored:
    database: Path
    schema: int
    kept: Path | None  # the replaced database, None when there was none
    forced_past: list[str] = field(default_factory=list)  # users of the database --force ignored
    unfinished_newsletters: int = 0  # scheduled or sending in the backup: some may have gone out since


def code_schema() -> int:
    """The newest schema version this code's migrations know."""
    return REGISTRY.migrations()[-1].version


def backup(source: Path | str, target: Path | str, *, force: bool = False, pages: int = PAGES,
           pause: float = PAUSE) -> Copy:
    """Copy the live database `source` to `target` (never over an existing file unless `force`)."""
    source, target = Path(source), Path(target)
    check_target(source, target, force)
    started = time.monotonic()
    partial = temp_beside(target, ".partial")
    try:
        restarts = copy_database(source, partial, pages=pages, pause=pause)
        schema = verify(partial)
        publish(partial, target, force)
    finally:
        partial.unlink(missing_ok=True)
    return Copy(target, target.stat().st_size, schema, time.monotonic() - started, restarts)


def check_target(source: Path, target: Path, force: bool) -> None:
    if not source.is_file():
        raise BackupError(f"{source} does not exist: nothing to back up (is CLUB_DATABASE right?)")
    if not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist; create it (owned by the club's user, mode 700)")
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give the backup file's name")
    if target.exists():
        if os.path.samefile(source, target):
            raise BackupError(f"{target} is the database itself")
        if not force:
            raise BackupError(f"{target} already exists: choose another name, or add --force to replace it")


def copy_database(source: Path, dest: Path, *, pages: int = PAGES, pause: float = PAUSE) -> int:
    """SQLite's backup API from one read snapshot of `source`; returns how often it restarted."""
    remaining: list[int] = []

    def step(_status: int, left: int, _total: int) -> None:
        remaining.append(left)
        if left:
            time.sleep(pause)  # sqlite3's own `sleep` only applies when a step found the source locked

    src = sqlite3.connect(f"file:{quote(str(source.resolve()))}?mode=ro", uri=True, isolation_level=None)
    dst = sqlite3.connect(str(dest), isolation_level=None)
    try:
        src.execute("PRAGMA busy_timeout = 5000")
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the read snapshot starts here
        src.backup(dst, pages=pages, progress=step)
        src.execute("COMMIT")
        dst.execute("PRAGMA journal_mode = DELETE")  # one file: no -wal needed beside the copy
    except sqlite3.Error as exc:
        raise BackupError(f"could not copy {source}: {exc}") from exc
    finally:
        src.close()
        dst.close()
    return sum(1 for before, after in zip(remaining, remaining[1:], strict=False) if after > before)


def verify(path: Path) -> int:
    """`PRAGMA integrity_check` must say ok; returns the schema version. Raises BackupError."""
    conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
        if problems != ["ok"]:
            raise BackupError(f"{path} fails PRAGMA integrity_check: {'; '.join(problems[:5])}")
        return schema_of(conn, path)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from exc
    finally:
        conn.close()


def schema_of(conn: sqlite3.Connection, path: Path) -> int:
    try:
        version = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    except sqlite3.OperationalError:
        version = None
    if version is None:
        raise BackupError(f"{path} is not a Partner Club database (no schema_migrations)")
    return int(version)


def temp_beside(target: Path, suffix: str) -> Path:
    """An empty 0600 file in the target's folder: the same filesystem, so the final rename is atomic."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    return Path(name)


def publish(partial: Path, target: Path, force: bool) -> None:
    """Give the verified copy its name: atomically, and over an existing file only when forced."""
    fsync_path(partial)
    if force:
        os.replace(partial, target)
    else:
        try:
            os.link(partial, target)  # fails if the name appeared meanwhile: never a silent overwrite
        except FileExistsError:
            raise BackupError(f"{target} already exists: choose another name, or add --force") from None
        except OSError:  # no hard links on this filesystem (some network shares): check, then rename
            if target.exists():
                raise BackupError(f"{target} already exists: choose another name, or add --force") from None
            os.rename(partial, target)
    fsync_path(target.parent)


def fsync_path(path: Path) -> None:
    """Data (a file) or the new name (a folder) on disk before anyone relies on it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- dated names and retention ---------------------------------------------------------------------------
def dated(template: Path | str, when: datetime | None = None) -> Path:
    """PATH with strftime fields in its file name filled in (club-%Y-%m-%d.db -> club-2026-05-04.db)."""
    template = Path(template)
    if "%" not in template.name:
        return template
    return template.parent / (when or datetime.now()).strftime(template.name)


def backups_like(template: Path | str) -> re.Pattern[str]:
    """File names a dated PATH produces, its fields as digits; BackupError for any other field."""
    name = Path(template).name
    parts = []
    for piece in re.split(r"(%.)", name):
        if piece == "%%":
            parts.append("%")
        elif len(piece) == 2 and piece[0] == "%":
            if piece[1] not in NUMERIC_FIELDS:
                raise BackupError(f"--keep understands numeric date fields only (%Y %m %d %H %M %S %j %y), not {piece}")
            parts.append(r"\d+")
        else:
            parts.append(re.escape(piece))
    if r"\d+" not in parts:
        raise BackupError("--keep needs a dated PATH, e.g. /var/backups/club/club-%Y-%m-%d-%H%M.db")
    return re.compile("".join(parts))


def prune(template: Path | str, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups (by modification time) whose names fit the template."""
    pattern, folder = backups_like(template), Path(template).parent
    found = sorted((path for path in folder.iterdir() if pattern.fullmatch(path.name) and path.is_file()),
                   key=lambda path: (path.stat().st_mtime, path.name), reverse=True)
    for old in found[keep:]:
        old.unlink()
    return found[keep:]


# --- restore -------------------------------------------------------------------------------------------
def restore(source: Path | str, database: Path | str, *, force: bool = False,
            clock: Callable[[], float] = time.time) -> Restored:
    """Put the backup `source` in place of `database`; the replaced one is kept beside it."""
    source, database = Path(source), Path(database)
    check_source(source, database)
    with exclusive_use(database, force=force) as forced_past:
        staged = temp_beside(database, ".restoring")
        try:
            copy_database(source, staged, pages=-1)  # nothing else runs: one step, no pauses
            schema = verify(staged)
            if schema > code_schema():
                raise BackupError(f"{source} has schema version {schema}, newer than this code's {code_schema()}: "
                                  "install the release it was made with (or newer), then restore")
            unfinished = unfinished_newsletters(staged)
            fsync_path(staged)
            kept = set_aside(database, time.strftime("%Y%m%d-%H%M%S", time.localtime(clock())))
            os.replace(staged, database)
            fsync_path(database.parent)
        finally:
            staged.unlink(missing_ok=True)
    return Restored(database, schema, kept, forced_past, unfinished)


def unfinished_newsletters(path: Path) -> int:
    """Newsletters the worker would go on sending from this copy; messages it recorded as sent after the
    backup was taken are queued again in it, and would go out a second time."""
    conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM newsletters WHERE status IN ('scheduled', 'sending')").fetchone()[0]
    except sqlite3.OperationalError:  # a schema from before newsletters
        return 0
    finally:
        conn.close()


def check_source(source: Path, database: Path) -> None:
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    if database.exists() and os.path.samefile(source, database):
        raise BackupError(f"{source} is the database itself")
    folder = database.parent
    if folder.is_dir() and folder.stat().st_uid != os.geteuid():
        # Files made by another user (root, typically) would lock the portal out of its own database.
        raise BackupError(f"run the restore as the owner of {folder} (e.g. sudo -u club club db restore ...)")


def set_aside(database: Path, stamp: str) -> Path | None:
    """Rename the database and its WAL (or rollback journal) to `<db>.before-restore-<stamp>`; drop -shm."""
    if database.exists():
        checkpoint(database)
    present = [suffix for suffix in ("", "-wal", "-journal") if Path(f"{database}{suffix}").exists()]
    kept = None
    if present:
        kept = database.with_name(f"{database.name}.before-restore-{stamp}")
        for n in range(2, 100):
            if not any(Path(f"{kept}{suffix}").exists() for suffix in ("", "-wal", "-journal")):
                break
            kept = database.with_name(f"{database.name}.before-restore-{stamp}-{n}")
        for suffix in present:  # the WAL goes with its database, which SQLite finds by the same stem
            os.rename(f"{database}{suffix}", f"{kept}{suffix}")
    Path(f"{database}-shm").unlink(missing_ok=True)  # the index of the WAL that just moved
    return kept


def checkpoint(database: Path) -> None:
    """Fold the WAL into the file, so the kept copy is usually one file (best effort: it may be busy
    under --force, and then the WAL moves along with it)."""
    with contextlib.suppress(sqlite3.Error):
        # A second for readers to finish; a process still reading after that keeps the WAL, which moves along.
        conn = sqlite3.connect(f"file:{quote(str(database.resolve()))}?mode=rw", uri=True, timeout=1.0)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            conn.close()
