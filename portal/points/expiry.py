"""The daily points work: expire what is past its time (oldest first) and warn each company's
representative once, `letter_days` (30) before its points expire. `club points expire` runs the same
as the job `club serve` keeps beside the portal (every hour; the work is idempotent).

Each lot's warning is claimed first (points_letters, this module's table: one row per company, kind
and lot), so two processes never send it twice; a company without a representative is not claimed,
so the letter goes once someone is named.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlite_utils import Database

from portal.core.companies import get_company
from portal.core.identity import get_user
from portal.core.jobs import periodic
from portal.core.mail import Mail
from portal.core.settings import Settings
from portal.points import ledger
from portal.points.terms import DAY, club_terms
from portal.web.context import Portal, build_portal
from portal.web.letters import deliver_all, personal_mail
from portal.web.templating import format_when

log = logging.getLogger("portal.points")
CHECK_SECONDS = 3600  # hourly: a day's expiry is at most an hour late, and a round is cheap


def claim_letter(db: Database, company_id: int, kind: str, key: str, now: float) -> bool:
    """True once, for the first process to claim this letter; False ever after."""
    cursor = db.conn.execute("INSERT OR IGNORE INTO points_letters (company_id, kind, key, at) VALUES (?, ?, ?, ?)",
                             [company_id, kind, key, now])
    return cursor.rowcount == 1


def warnings(portal: Portal, now: float) -> list[Mail]:
    """The letters due: one per company whose lots expire within letter_days and were not warned of."""
    terms = club_terms(portal.club)
    days = terms.letter_days
    letters = []
    for company_id, lots in ledger.expiring_lots(portal.db, now, now + days * DAY).items():
        company = get_company(portal.db, company_id)
        user = get_user(portal.db, company.representative_id) if company and company.representative_id else None
        if user is None:
            continue
        claimed = [lot for lot in lots if claim_letter(portal.db, company_id, "expiry", str(lot.id), now)]
        if not claimed:
            continue
        first = min(lot.expires_at for lot in claimed)
        try:
            letters.append(personal_mail(
                portal, "points_expiring", user, company=company.name, amount=sum(lot.remaining for lot in claimed),
                when=format_when(first, portal.zone)[:10], months=terms.expiry_months,
                link=f"{portal.settings.base_url}/account/points/"))
        except Exception:  # the claim is taken; one letter that cannot be built must not stop the others
            log.exception("could not build the points expiry letter for company %s", company_id)
    return letters


def daily(settings: Settings, db: Database, now: float | None = None) -> tuple[int, int]:
    """Expire what is due, then send the warnings: (expire rows written, letters sent)."""
    now = time.time() if now is None else now
    portal = build_portal(settings, db, ())
    ledger.configure(portal)
    expired = ledger.expire_due(db, now)
    letters = warnings(portal, now)
    return expired, asyncio.run(deliver_all(portal, letters)) if letters else 0






def expiry_job(settings: Settings, progress: Callable[[str], None], enabled: bool = True,
               every: float = CHECK_SECONDS) -> AbstractContextManager[None]:
    return periodic(settings, progress, enabled, name="points-expiry", work=daily, every=every,
                    said=f"points: expiry and its warning letters every {every:.0f} s", at_start=True)
