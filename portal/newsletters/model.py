"""Newsletter records shared by the queue, the worker, tracking and statistics.

The built e-mail itself (MailArtefact, its placeholders and version) is the build's contract with
the portal: site_builder/contract.py. Queuing copies it into `newsletters.mail`, so a later rebuild
never changes a letter that is already going out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from site_builder.contract import MailArtefact, artefact_from_json

STATUSES = ("scheduled", "sending", "done", "cancelled")
SEND_STATUSES = ("queued", "sending", "sent", "failed", "bounced", "skipped")


@dataclass(frozen=True)
class Newsletter:
    """A row of `newsletters`: one queued send of one page."""

    id: int
    page: str
    url: str
    subject: str
    access: str
    audience: dict[str, list[str]]
    scheduled_at: float
    status: str
    created_by: int | None
    created_at: str
    started_at: float | None
    finished_at: float | None
    recipients: list[int] | None = None  # an explicit list (api.queue_letter); None: everyone the audience reaches
    personal: dict | None = None  # per-recipient signed links (api.PersonalLinks as JSON); None: none
    mail_json: str = field(repr=False, default="")

    @property
    def mail(self) -> MailArtefact:
        return artefact_from_json(self.mail_json, f"newsletter {self.id}")


NEWSLETTER_COLUMNS = ("id, page, url, subject, access, audience, scheduled_at, status, created_by, created_at, "
                      "started_at, finished_at, recipients, personal, mail")


def newsletter_from_row(row: tuple) -> Newsletter:
    values = list(row)
    values[5] = json.loads(values[5])
    values[12] = json.loads(values[12]) if values[12] else None
    values[13] = json.loads(values[13]) if values[13] else None
    return Newsletter(*values)


def get_newsletter(db: Database, newsletter_id: int) -> Newsletter | None:
    row = db.execute(f"SELECT {NEWSLETTER_COLUMNS} FROM newsletters WHERE id = ?",  # noqa: S608
                     [newsletter_id]).fetchone()
    return newsletter_from_row(row) if row else None


@dataclass(frozen=True)
class Send:
    """A row of `newsletter_sends`: one recipient of one newsletter, frozen when sending starts."""

    id: int
    newsletter_id: int
    user_id: int | None
    email: str
    name: str
    company: str
    segment: str | None
    region: str | None
    variant: str  # full | preview
    tracking: bool
    status: str
    attempts: int
    next_attempt_at: float
    sent_at: float | None
    error: str | None


SEND_COLUMNS = ("id, newsletter_id, user_id, email, name, company, segment, region, variant, tracking, status, "
                "attempts, next_attempt_at, sent_at, error")


def send_from_row(row: tuple) -> Send:
    values = list(row)
    values[9] = bool(values[9])
    return Send(*values)


def get_send(db: Database, send_id: int) -> Send | None:
    row = db.execute(f"SELECT {SEND_COLUMNS} FROM newsletter_sends WHERE id = ?", [send_id]).fetchone()  # noqa: S608
    return send_from_row(row) if row else None
