"""The newsletters capability's declared API for other capabilities (../shared/layout.md rule 3): queue a
letter that the newsletter worker sends like a newsletter — exactly once per recipient, the 'newsletters'
consent and bounces honoured (audience.py), withdrawn consent stopping it mid-send, the one-click
unsubscribe in every message (message.py) — to an explicit list of people, with per-recipient signed
links (`{{club:personal:N}}`, links.Personal). Surveys send their waves through it.

The letter's HTML and text may use every placeholder of a newsletter e-mail (site_builder.contract):
`{{club:name}}`, `{{club:unsubscribe}}` (put it in: the recipient must be able to leave), `{{club:pixel}}`,
and `{{club:personal:N}}` for the Nth of `personal.values`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from portal.newsletters.links import Personal, personal_token, personal_url, verify_personal
from portal.newsletters.queue import club_view, next_slot, progress_of, queue_newsletter
from site_builder.contract import AUDIENCE_KEYS, MailArtefact, MailVariant

__all__ = ["Personal", "letter_counts", "next_slot_at", "personal_token", "personal_url", "queue_letter",
           "verify_personal"]


def queue_letter(db: Database, *, key: str, subject: str, language: str, html: str, text: str,
                 recipients: Sequence[int], personal: Personal | None, at: float,
                 created_by: int | None) -> int:
    """Queue one letter for `recipients` (user ids) at `at` (Unix seconds; now or earlier: the worker's
    next round); its newsletter id. `key` names it among newsletters (e.g. "surveys/wave-3"): one letter
    per key, a second is refused (queue.QueueError)."""
    artefact = MailArtefact(page=key, source="", url="/account/", title=subject, subject=subject, preheader="",
                            date=datetime.fromtimestamp(at, UTC).date().isoformat(), language=language,
                            access="public", audience={name: [] for name in AUDIENCE_KEYS}, links=[],
                            full=MailVariant(html=html, text=text), preview=None)
    return queue_newsletter(db, artefact, datetime.fromtimestamp(at, UTC), created_by,
                            recipients=list(recipients), personal=personal).id


def next_slot_at(club: Any, now: float) -> float:
    """The club's next newsletter slot after `now` (extra.club.newsletter_slots, in its time zone)."""
    view = club_view(club)
    return next_slot(datetime.fromtimestamp(now, UTC), view.timezone, view.slots).timestamp()


def letter_counts(db: Database, newsletter_id: int) -> dict[str, int]:
    """The letter's recipients by send status (queued, sending, sent, failed, bounced, skipped)."""
    return dict(progress_of(db, [newsletter_id])[newsletter_id].counts)
