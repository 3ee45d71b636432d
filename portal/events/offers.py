"""Passing on expired seat offers: `club events expire-offers` and the job `club serve` runs beside the
portal. Both call `pass_on`; it is safe to run from several processes at once (the store's change is
one BEGIN IMMEDIATE transaction, so each expired offer passes on exactly once)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator

from sqlite_utils import Database

from portal.core.db import connect
from portal.core.settings import Settings
from portal.events import mails, store
from portal.events.catalogue import catalogue_for
from portal.web.context import build_portal
from portal.web.letters import deliver

log = logging.getLogger("portal.events")
CHECK_SECONDS = 300  # how often the job looks: an offer lives a day, so five minutes late is nothing


def pass_on(settings: Settings, db: Database, now: float | None = None) -> tuple[int, int, int]:
    """Expire offers past their time, offer the seats to the next people waiting and write to them:
    (expired, offered, letters sent)."""
    events = catalogue_for(settings.site_dir).all()
    expired, offered = store.expire_offers(db, events, time.time() if now is None else now)
    if not offered:
        return len(expired), 0, 0
    portal = build_portal(settings, db, ())
    letters = [mail for row in offered if row.event in events
               for mail in mails.build(portal, events[row.event], [("offered", row)])]
    return len(expired), len(offered), asyncio.run(send_all(portal, letters))


async def send_all(portal, letters) -> int:
    return sum([await deliver(portal, mail) for mail in letters])


def _loop(settings: Settings, stopping: threading.Event, every: float) -> None:
    db = connect(settings.database)
    try:
        while not stopping.wait(every):
            try:
                pass_on(settings, db)
            except Exception:  # a busy database or a broken letter: the next round tries again
                log.exception("passing on expired event offers failed")
    finally:
        db.conn.close()


@contextlib.contextmanager
def offers_job(settings: Settings, progress: Callable[[str], None], enabled: bool = True,
               every: float = CHECK_SECONDS) -> Iterator[None]:
    if not enabled:
        yield
        return
    stopping = threading.Event()
    thread = threading.Thread(target=_loop, args=(settings, stopping, every), name="club-event-offers", daemon=True)
    thread.start()
    progress(f"event offers: expired ones pass on every {every:.0f} s")
    try:
        yield
    finally:
        stopping.set()
        thread.join(timeout=10)
