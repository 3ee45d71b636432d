"""One way to run a capability's periodic work beside the portal: a daemon thread with its own database
connection that calls `work(settings, db)` every `every` seconds until the `with` block ends.

A round that fails is logged and the next round tries again (a busy database, a broken template or a
wrong rule in mkdocs.yml must not stop the portal). The work itself must be safe to run from several
processes at once; every club job is (each change is a write transaction or a claim), which is why
`club serve` and a cron line may both run it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator

from sqlite_utils import Database

from portal.core.db import connect
from portal.core.settings import Settings

log = logging.getLogger("portal.jobs")
Work = Callable[[Settings, Database], object]


def _loop(settings: Settings, work: Work, stopping: threading.Event, every: float, at_start: bool,
          name: str) -> None:
    db = connect(settings.database)
    try:
        if at_start or not stopping.wait(every):
            while True:
                try:
                    work(settings, db)
                except Exception:  # the next round tries again
                    log.exception("%s failed", name)
                if stopping.wait(every):
                    return
    finally:
        db.conn.close()


@contextlib.contextmanager
def periodic(settings: Settings, progress: Callable[[str], None], enabled: bool, *, name: str, work: Work,
             every: float, said: str, at_start: bool = False) -> Iterator[None]:
    """Run `work` every `every` seconds (first at once when `at_start`) while the block runs; say `said`."""
    if not enabled:
        yield
        return
    stopping = threading.Event()
    thread = threading.Thread(target=_loop, args=(settings, work, stopping, every, at_start, name),
                              name=f"club-{name}", daemon=True)
    thread.start()
    progress(said)
    try:
        yield
    finally:
        stopping.set()
        thread.join(timeout=10)
