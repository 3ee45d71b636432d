"""The overdue job: orders waiting for their distributor longer than `extra.club.orders.answer_hours` weekday
hours (terms.py; one working day by default) are flagged to the club's staff by a letter, once per waiting
spell (store.claim_overdue: several processes may run the job), and show as overdue in the staff list
(computed there from the same rule). Staff then pass the order to another distributor. Each round also sends
again the order letters that did not reach everyone (the outbox)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlite_utils import Database

from portal.core.jobs import periodic
from portal.core.settings import Settings
from portal.orders import mails, outbox, store, terms
from portal.web.context import Portal, build_portal

CHECK_SECONDS = 600.0
RETRY_AFTER = 300.0  # seconds: the page's own try after the response has had its chance


def flag_overdue(portal: Portal, now: float) -> list[int]:
    """Claim each newly overdue order and send its letter to staff; the ids of the orders flagged now."""
    hours = terms.answer_hours(portal.club)
    flagged = []
    # Weekend hours do not count, so anything overdue now has waited at least `hours` real hours.
    for event, order in store.waiting_since(portal.db, now - hours * 3600):
        if terms.is_overdue(event.at, now, hours, portal.zone) and store.claim_overdue(portal.db, event, now):
            flagged.append(order.id)
    for order_id in flagged:
        asyncio.run(mails.send(portal, order_id, "overdue", hours=hours))
    return flagged


def retry_letters(portal: Portal, now: float) -> int:
    """Send again the letters that did not reach everyone (queued over RETRY_AFTER seconds ago): how many went."""
    return sum(asyncio.run(mails.deliver_letter(portal, letter.id))
               for letter in outbox.pending(portal.db, now - RETRY_AFTER, now))


def run(settings: Settings, db: Database, now: float | None = None) -> list[int]:
    portal, now = build_portal(settings, db, ()), time.time() if now is None else now
    retry_letters(portal, now)
    return flag_overdue(portal, now)


def overdue_job(settings: Settings, progress: Callable[[str], None], enabled: bool = True,
                every: float = CHECK_SECONDS) -> AbstractContextManager[None]:
    return periodic(settings, progress, enabled, name="orders-overdue", work=run, every=every,
                    said=f"orders: overdue orders flagged to staff every {every:.0f} s", at_start=True)
