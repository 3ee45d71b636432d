"""The newsletter worker: freezes due newsletters into per-recipient send rows and sends them, once each.

Exactly once (docs/operators.md, «Newsletters: sending»): a recipient's row goes queued -> sending
when a batch is claimed, and -> sent in its own transaction right after the SMTP server accepted
the message. A worker that dies leaves rows in 'sending'; the next worker (one at a time: a lock
file beside the database) puts them back to 'queued', because their messages were never accepted
— except in one window: the server said 250 and the process died before the commit, a few
hundred microseconds per message. Such a recipient gets the message twice, with the same
Message-ID. Memory stays flat: recipients are streamed when frozen and claimed in batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

from sqlite_utils import Database

from portal.core.db import now_iso
from portal.core.mail import parse_smtp_url
from portal.core.settings import Settings
from portal.newsletters import audience as newsletter_audience
from portal.newsletters.links import Personal, personal_from_json
from portal.newsletters.message import message_bytes, sender_domain
from portal.newsletters.model import (
    NEWSLETTER_COLUMNS,
    SEND_COLUMNS,
    Newsletter,
    Send,
    newsletter_from_row,
    send_from_row,
)
from portal.newsletters.smtp import Delivery, Outbox, SMTPConnection, TokenBucket, Transport
from site_builder.contract import MailArtefact, MailArtefactError, artefact_from_json

log = logging.getLogger("portal.newsletters.queue")
BACKOFF = (60.0, 300.0, 1800.0, 7200.0, 21600.0)  # seconds before attempt 2, 3, ...; attempt 6 is the last
MAX_ATTEMPTS = len(BACKOFF) + 1
BATCH = 200  # rows claimed at a time: memory stays flat however long the list
POLL_SECONDS = 5.0


def freeze_recipients(db: Database, newsletter: Newsletter, club_topics: Sequence[str] = (),
                      settings: Settings | None = None, now: float | None = None) -> int:
    """One transaction: a 'queued' send row per recipient, and the newsletter becomes 'sending'.

    Nothing happens (0) unless the newsletter is still 'scheduled' when the transaction starts, so
    a cancel that came first wins. The variant is decided here by the same rule as the site
    (User.may_read). `club_topics` is accepted for the interface; the audience query already reads
    a member's empty topic list as "every topic".
    """
    artefact = newsletter.mail
    tracking = getattr(settings, "newsletter_tracking", True)
    with db.conn:
        db.conn.execute("BEGIN IMMEDIATE")  # the write lock first: the status check and the inserts agree
        row = db.conn.execute("SELECT status FROM newsletters WHERE id = ?", [newsletter.id]).fetchone()
        if row is None or row[0] != "scheduled":
            return 0
        cursor = db.conn.executemany(
            "INSERT INTO newsletter_sends (newsletter_id, user_id, email, name, company, segment, region, variant, "
            "tracking, status, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, 0)",
            _send_rows(db, newsletter, artefact, tracking))
        db.conn.execute("UPDATE newsletters SET status = 'sending', started_at = ? WHERE id = ?",
                        [time.time() if now is None else now, newsletter.id])
    return cursor.rowcount


def _send_rows(db: Database, newsletter: Newsletter, artefact: MailArtefact, tracking: bool) -> Iterator[tuple]:
    # a cursor, never a list
    for recipient in newsletter_audience.recipients(db, newsletter.audience, newsletter.recipients):
        user = recipient.user
        yield (newsletter.id, user.id, user.email, user.name, recipient.company, user.segment, user.region,
               "full" if user.may_read(artefact.access) else "preview", int(tracking and user.mail_tracking))


@dataclass
class Summary:
    sent: int = 0
    failed: int = 0
    bounced: int = 0
    retry: int = 0  # temporary failures left for a later attempt
    frozen: int = 0
    newsletters: set[int] = field(default_factory=set)

    def count(self, delivery: Delivery) -> None:
        setattr(self, delivery.outcome, getattr(self, delivery.outcome) + 1)


class WorkerBusy(Exception):
    """Another worker holds the lock beside the database."""


class WorkerLock:
    """flock on `<database>.worker.lock`: one sending worker per database (released by the kernel on death)."""

    def __init__(self, database: Path) -> None:
        self.path = Path(f"{database}.worker.lock")
        self.fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise WorkerBusy(f"another `club worker` is sending ({self.path} is locked)") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing drops the flock
            self.fd = None


class Worker:
    """Sends what is due. `run_once` for `club worker --once`; `run_forever` for the daemon and `club serve`."""

    def __init__(self, settings: Settings, db: Database, *, clock: Callable[[], float] = time.time,
                 transports: Callable[[], Transport] | None = None, bucket: TokenBucket | None = None,
                 club_topics: Sequence[str] = ()) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock
        self.make_transport = transports or self._default_transport
        self.bucket = bucket or TokenBucket(settings.newsletter_rate)
        self.club_topics = club_topics
        self.stop = asyncio.Event()
        self.sender = _envelope_sender(settings)
        self._artefacts: dict[int, tuple[MailArtefact, Personal | None]] = {}
        self._broken: set[int] = set()  # newsletters whose e-mail cannot be made: logged once
        self._halted = False  # a sender could not start: this drain ends, the rows stay queued

    def _default_transport(self) -> Transport:
        if not self.settings.smtp_url:
            return Outbox(self.settings.outbox_dir)
        return SMTPConnection(parse_smtp_url(self.settings.smtp_url), None, sender_domain(self.settings.mail_from))

    # --- the loops ------------------------------------------------------------------------------
    async def run_once(self) -> Summary:
        """Everything due now, then return (newsletters waiting for a retry stay 'sending')."""
        summary = Summary()
        requeue_orphans(self.db)
        await self._round(summary)
        return summary

    async def run_forever(self, poll: float = POLL_SECONDS) -> Summary:
        summary = Summary()
        requeue_orphans(self.db)
        while not self.stop.is_set():
            await self._round(summary)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), timeout=poll)
        return summary

    async def _round(self, summary: Summary) -> None:
        for newsletter in due_newsletters(self.db, self.clock()):
            frozen = freeze_recipients(self.db, newsletter, self.club_topics, self.settings, self.clock())
            log.info("newsletter %s (%s): sending to %s recipient%s", newsletter.id, newsletter.page, frozen,
                     "" if frozen == 1 else "s")
            summary.frozen += frozen
        if has_due_sends(self.db, self.clock()):
            await self._drain(summary)
        finished = finish_done(self.db, self.clock())
        for newsletter_id in sorted(finished):
            log.info("newsletter %s: done", newsletter_id)
        summary.newsletters |= finished

    # --- one drain: a producer claims batches, N senders each with a connection of their own -----
    async def _drain(self, summary: Summary) -> None:
        queue: asyncio.Queue[Send | None] = asyncio.Queue(maxsize=4 * self.settings.newsletter_concurrency)
        senders = [asyncio.create_task(self._sender(queue, summary))
                   for _ in range(self.settings.newsletter_concurrency)]
        try:
            await self._produce(queue)
        finally:
            for _ in senders:
                await queue.put(None)
            await asyncio.gather(*senders)

    async def _produce(self, queue: asyncio.Queue[Send | None]) -> None:
        self._halted = False
        while not self.stop.is_set() and not self._halted:
            batch = claim_batch(self.db, self.clock(), BATCH, skip=self._broken)
            if not batch:
                return
            for send in batch:
                sending, subscribed = self._still_wanted(send)
                if self.stop.is_set() or self._halted or not sending:
                    release(self.db, [s.id for s in batch if s.id >= send.id])
                    break
                if not subscribed:
                    skip(self.db, send.id)
                    continue
                await queue.put(send)

    def _still_wanted(self, send: Send) -> tuple[bool, bool]:
        """(the newsletter is still being sent, the recipient still consents), asked just before the
        letter goes to a sender: a cancel, or consent withdrawn mid-send (38-FZ art. 18: at once),
        stops every letter not yet handed to the mail server."""
        row = self.db.execute(
            "SELECT n.status = 'sending', EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = ? "
            "AND s.list = 'newsletters') FROM newsletters n WHERE n.id = ?", [send.user_id, send.newsletter_id]
        ).fetchone()
        return (bool(row[0]), bool(row[1])) if row else (False, False)

    async def _sender(self, queue: asyncio.Queue[Send | None], summary: Summary) -> None:
        try:
            transport: Transport | None = self.make_transport()
        except Exception:  # e.g. an outbox that cannot be created: stop this drain, keep the rows queued
            log.exception("newsletter worker: cannot open a connection")
            self._halted, transport = True, None
        try:
            while (send := await queue.get()) is not None:
                if transport is None or self.stop.is_set():  # what has not started goes back to the queue
                    release(self.db, [send.id])
                    continue
                try:
                    summary.count(await self._deliver(transport, send))
                except Exception:  # one recipient's surprise must not stop the others (or block the queue)
                    log.exception("newsletter %s to %s failed unexpectedly", send.newsletter_id, send.email)
        finally:
            if transport is not None:
                await transport.close()

    async def _deliver(self, transport: Transport, send: Send) -> Delivery:
        try:
            artefact, personal = self._artefact(send.newsletter_id)
            message = message_bytes(artefact, send, self.settings, self.clock(), personal)
        except MailArtefactError as exc:
            self._broken.add(send.newsletter_id)
            log.error("newsletter %s cannot be sent: %s", send.newsletter_id, exc)
            release(self.db, [send.id])
            return Delivery("retry", str(exc))
        await self.bucket.take()
        delivery = await transport.send(self.sender, send.email, message)
        await self._record(send, delivery)  # right after the 250: the duplicate window stays small
        if delivery.outcome != "sent":
            log.warning("newsletter %s to %s: %s (%s)", send.newsletter_id, send.email, delivery.outcome,
                        delivery.error)
        return delivery

    async def _record(self, send: Send, delivery: Delivery) -> None:
        # A busy database (busy_timeout is 5 s) must not lose an accepted message's state: a row left in
        # 'sending' would be sent again after a restart. Keep trying for about a minute.
        for pause in (0.1, 0.5, 2.0, 5.0, 15.0, 30.0, None):
            try:
                record(self.db, send, delivery, self.clock())
                return
            except sqlite3.OperationalError:
                if pause is None:
                    raise
                log.warning("newsletter %s: database busy, recording %s again", send.newsletter_id, send.email)
                await asyncio.sleep(pause)

    def _artefact(self, newsletter_id: int) -> tuple[MailArtefact, Personal | None]:
        """The letter and its per-recipient links (a survey's scores), read once per newsletter."""
        if newsletter_id not in self._artefacts:
            row = self.db.execute("SELECT mail, personal FROM newsletters WHERE id = ?", [newsletter_id]).fetchone()
            artefact = artefact_from_json(row[0] if row else "", f"newsletter {newsletter_id}")
            self._artefacts[newsletter_id] = (artefact, personal_from_json(row[1] if row else None))
        return self._artefacts[newsletter_id]


def _envelope_sender(settings: Settings) -> str:
    return parseaddr(settings.mail_from)[1] or "club@localhost"


# --- the SQL of each state change --------------------------------------------------------------------
def requeue_orphans(db: Database) -> int:
    """Rows a dead worker left in 'sending' were never accepted by the server (see the module doc)."""
    return db.execute("UPDATE newsletter_sends SET status = 'queued' WHERE status = 'sending'").rowcount


def due_newsletters(db: Database, now: float) -> list[Newsletter]:
    rows = db.execute(f"SELECT {NEWSLETTER_COLUMNS} FROM newsletters WHERE status = 'scheduled' "  # noqa: S608
                      "AND scheduled_at <= ? ORDER BY scheduled_at, id", [now]).fetchall()
    return [newsletter_from_row(row) for row in rows]


def has_due_sends(db: Database, now: float) -> bool:
    return db.execute("SELECT 1 FROM newsletter_sends s JOIN newsletters n ON n.id = s.newsletter_id "
                      "WHERE n.status = 'sending' AND s.status = 'queued' AND s.next_attempt_at <= ? LIMIT 1",
                      [now]).fetchone() is not None


def claim_batch(db: Database, now: float, size: int, skip: set[int] = frozenset()) -> list[Send]:  # noqa: B006
    """Up to `size` due rows of the oldest sending newsletter, marked 'sending' in one statement."""
    newsletter = db.execute(
        "SELECT n.id FROM newsletters n WHERE n.status = 'sending' AND n.id NOT IN (SELECT value FROM json_each(?)) "
        "AND EXISTS (SELECT 1 FROM newsletter_sends s WHERE s.newsletter_id = n.id AND s.status = 'queued' "
        "AND s.next_attempt_at <= ?) ORDER BY n.started_at, n.id LIMIT 1", [_json(sorted(skip)), now]).fetchone()
    if newsletter is None:
        return []
    # The index (newsletter_id, status, next_attempt_at) gives the rows in this order: no sort, LIMIT stops early.
    rows = db.execute(
        f"UPDATE newsletter_sends SET status = 'sending' WHERE id IN (SELECT id FROM newsletter_sends "  # noqa: S608
        "WHERE newsletter_id = ? AND status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id "
        f"LIMIT ?) RETURNING {SEND_COLUMNS}", [newsletter[0], now, size]).fetchall()
    return sorted((send_from_row(row) for row in rows), key=lambda s: s.id)


def skip(db: Database, send_id: int) -> None:
    db.execute("UPDATE newsletter_sends SET status = 'skipped', error = 'consent withdrawn while sending' "
               "WHERE id = ? AND status = 'sending'", [send_id])


def release(db: Database, send_ids: list[int]) -> None:
    db.execute("UPDATE newsletter_sends SET status = 'queued' WHERE status = 'sending' AND id IN "
               "(SELECT value FROM json_each(?))", [_json(send_ids)])


def _json(values: list[int]) -> str:
    return "[" + ",".join(str(int(v)) for v in values) + "]"


def record(db: Database, send: Send, delivery: Delivery, now: float) -> None:
    """The recipient's new state, in its own transaction (one statement, or BEGIN..COMMIT for a bounce)."""
    if delivery.outcome == "sent":
        db.execute("UPDATE newsletter_sends SET status = 'sent', sent_at = ?, attempts = attempts + 1, error = NULL "
                   "WHERE id = ?", [now, send.id])
    elif delivery.outcome == "bounced":
        record_bounce(db, send, delivery.error or "5xx", now)
    elif delivery.outcome == "failed" or send.attempts + 1 >= MAX_ATTEMPTS:
        db.execute("UPDATE newsletter_sends SET status = 'failed', attempts = attempts + 1, error = ? WHERE id = ?",
                   [delivery.error, send.id])
    else:
        db.execute("UPDATE newsletter_sends SET status = 'queued', attempts = attempts + 1, next_attempt_at = ?, "
                   "error = ? WHERE id = ?", [now + BACKOFF[send.attempts], delivery.error, send.id])


def record_bounce(db: Database, send: Send, reason: str, now: float) -> None:
    """The send bounced, the address is marked, and its other queued sends are dropped — all or nothing."""
    with db.conn:
        db.conn.execute("BEGIN IMMEDIATE")
        db.conn.execute("UPDATE newsletter_sends SET status = 'bounced', attempts = attempts + 1, error = ? "
                        "WHERE id = ?", [reason, send.id])
        if send.user_id is not None:
            db.conn.execute("UPDATE users SET bounced_at = ?, bounce_reason = ? WHERE id = ? AND bounced_at IS NULL",
                            [now_iso(), reason, send.user_id])
            db.conn.execute("UPDATE newsletter_sends SET status = 'failed', error = ? WHERE user_id = ? "
                            "AND status = 'queued' AND id != ?",
                            [f"the address bounced (newsletter {send.newsletter_id})", send.user_id, send.id])


def finish_done(db: Database, now: float) -> set[int]:
    """Sending newsletters with nothing queued or in flight become 'done'."""
    rows = db.execute("UPDATE newsletters SET status = 'done', finished_at = ? WHERE status = 'sending' AND NOT "
                      "EXISTS (SELECT 1 FROM newsletter_sends s WHERE s.newsletter_id = newsletters.id AND s.status "
                      "IN ('queued', 'sending')) RETURNING id", [now]).fetchall()
    return {row[0] for row in rows}


def waiting(db: Database) -> tuple[int, float | None]:
    """Messages waiting for a later attempt, and when the next one is due."""
    row = db.execute("SELECT count(*), min(s.next_attempt_at) FROM newsletter_sends s JOIN newsletters n "
                     "ON n.id = s.newsletter_id WHERE n.status = 'sending' AND s.status IN ('queued', 'sending')"
                     ).fetchone()
    return row[0], row[1]
