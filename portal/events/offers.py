"""Passing on expired seat offers: `club events expire-offers` and the job `club serve` runs beside the
portal. Both call `pass_on`; it is safe to run from several processes at once (the store's change is
one BEGIN IMMEDIATE transaction, so each expired offer passes on exactly once)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlite_utils import Database

from portal.core.jobs import periodic
from portal.core.settings import Settings
from portal.events import mails, store
from portal.events.catalogue import catalogue_for
from portal.web.context import build_portal
from portal.web.letters import deliver_all

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
    return len(expired), len(offered), asyncio.run(deliver_all(portal, letters))






def offers_job(settings: Settings, progress: Callable[[str], None], enabled: bool = True,
               every: float = CHECK_SECONDS) -> AbstractContextManager[None]:
    return periodic(settings, progress, enabled, name="event-offers", work=pass_on, every=every,
                    said=f"event offers: expired ones pass on every {every:.0f} s")
