"""Who is using a portal database, so that `club db restore` never swaps it under a running process.

A flock(2) lock beside the database, dropped by the kernel when its process ends (even on SIGKILL),
so unlike a pid file it can never go stale: `<db>.portal.lock`, shared. Every process that uses the
database holds it while it lives: each uvicorn worker and `club serve` (the ops capability takes it
when the app starts), the newsletter worker, and every `club` command that opens the database.

A restore takes it exclusively for as long as it works: a process starting meanwhile waits for it
instead of opening a half-swapped database. SQLite cannot answer the question itself: an idle
connection to a WAL database holds no lock that another process could test. As a last check, /proc
is searched for any other process with the files open (an operator's `sqlite3` shell); that sees
only the processes the restoring user may inspect, which is why the locks come first.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

RESTORE_WAIT = 60.0  # seconds a starting portal waits for a restore in progress before giving up
SQLITE_FILES = ("", "-wal", "-shm", "-journal")


class DatabaseBusy(Exception):
    """The database is being restored (a starting portal) or is in use (a restore); says by whom."""


def portal_lock_path(database: Path | str) -> Path:
    return Path(f"{database}.portal.lock")  # named like the worker's lock: the same CLUB_DATABASE text


class PortalLock:
    """The shared lock a portal process holds on its database while it lives."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        # Closed with the app (tests build hundreds) or at exit; closing the descriptor drops the lock.
        self._close = weakref.finalize(self, os.close, fd)

    @classmethod
    def hold(cls, database: Path | str, wait: float = RESTORE_WAIT) -> PortalLock:
        """Take the lock, waiting up to `wait` seconds while a `club db restore` holds it exclusively."""
        fd = os.open(portal_lock_path(database), os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return cls(fd)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise DatabaseBusy(f"{database} is being restored (`club db restore` holds "
                                       f"{portal_lock_path(database)}); start the portal when it is done") from None
                time.sleep(0.2)

    def release(self) -> None:
        self._close()

    def __enter__(self) -> PortalLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


@contextlib.contextmanager
def exclusive_use(database: Path | str, *, force: bool = False) -> Iterator[list[str]]:
    """Hold the in-use lock exclusively; raise DatabaseBusy naming every user unless `force`.

    Yields what was found in use (empty unless forced past it); the locks taken are released after.
    """
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    users: list[str] = []
    with contextlib.ExitStack() as held:
        fd = os.open(portal_lock_path(database), os.O_RDWR | os.O_CREAT, 0o600)
        held.callback(os.close, fd)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            users.append(f"the portal is running on it ({portal_lock_path(database).name} is held: uvicorn, "
                         "club serve, club worker or another club command)")
        users += [f"process {pid} ({name}) has it open" for pid, name in open_by_others(database)]
        if users and not force:
            raise DatabaseBusy("; ".join(users))
        yield users


def open_by_others(database: Path | str) -> list[tuple[int, str]]:
    """Other processes with the database, its WAL or its index open (Linux /proc; those we may inspect)."""
    names = {os.path.realpath(f"{database}{suffix}") for suffix in SQLITE_FILES}
    found = []
    with contextlib.suppress(OSError):  # no /proc: nothing to add to what the locks said
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) != os.getpid() and _has_open(entry, names):
                found.append((int(entry.name), _command(entry)))
    return sorted(found)


def _has_open(process: Path, names: set[str]) -> bool:
    try:
        descriptors = list((process / "fd").iterdir())
    except OSError:  # it ended, or it is not ours to inspect
        return False
    for descriptor in descriptors:
        with contextlib.suppress(OSError):  # closed while we looked
            if os.readlink(descriptor) in names:
                return True
    return False


def _command(process: Path) -> str:
    try:
        return (process / "comm").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return "?"
