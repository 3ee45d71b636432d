"""Queuing newsletters: when they go, the rules for queuing and cancelling, and what staff see.

A newsletter goes out in a slot — Tuesday or Thursday at 12:30 or 16:30 in the club's time zone
(seed 000), configurable as `extra.club.newsletter_slots` in mkdocs.yml — or at a chosen time, or now.
Queuing copies the built e-mail into `newsletters.mail`, so a rebuild never changes a letter that is
waiting or going out. The worker (portal.newsletter_worker) reads `newsletters.status`: cancelling a
scheduled newsletter means it never starts; cancelling one that is sending stops it — recipients
already sent stay sent, the rest stay 'queued' and are never sent.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlite_utils import Database

from portal.core.db import now_iso
from portal.core.identity import ACCESS_RANK, LEVEL_RANK, USER_COLUMNS, User, user_from_row
from portal.newsletters.audience import Recipient, audience_sql
from portal.newsletters.links import Personal
from portal.newsletters.model import (
    NEWSLETTER_COLUMNS,
    SEND_STATUSES,
    Newsletter,
    Send,
    get_newsletter,
    newsletter_from_row,
)
from site_builder.contract import MailArtefact

if TYPE_CHECKING:
    from site_builder.config import ClubConfig

NEWSLETTER_ROLES = ("staff", "editor", "admin")  # who may queue and cancel (not moderators)
ACTIVE = ("scheduled", "sending")
Slot = tuple[int, clock]  # weekday (Monday = 0), local time
DEFAULT_SLOTS: tuple[Slot, ...] = ((1, clock(12, 30)), (1, clock(16, 30)), (3, clock(12, 30)), (3, clock(16, 30)))
WEEKDAYS = {name: number for number, names in enumerate((
    ("mon", "monday", "пн"), ("tue", "tuesday", "вт"), ("wed", "wednesday", "ср"), ("thu", "thursday", "чт"),
    ("fri", "friday", "пт"), ("sat", "saturday", "сб"), ("sun", "sunday", "вс"))) for name in names}
AT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M")
_USER_COLUMNS = ", ".join(f"u.{name.strip()}" for name in USER_COLUMNS.split(","))
_SLOT = re.compile(r"^\s*(\w+)\s+(\d{1,2}):(\d{2})\s*$")
# Mirrors accounts.User.level for a row of audience_sql, so variants are counted in SQL, not per person.
_LEVEL = ("CASE WHEN coalesce(a.role, '') != '' THEN 'staff' WHEN a.email_confirmed_at IS NULL THEN 'unconfirmed' "
          "WHEN a.company_id IS NOT NULL AND coalesce(a.phone, '') != '' AND a.suspended_at IS NULL THEN 'member' "
          "ELSE 'registered' END")


class QueueError(ValueError):
    """A refused request. str() is the English line for the CLI; `key` + `values` translate it for pages."""

    def __init__(self, key: str, message: str, **values: object) -> None:
        super().__init__(message)
        self.key = key
        self.values = values


# --- when ---------------------------------------------------------------------------------------------

def zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise QueueError("nl.error.timezone", f"unknown time zone {timezone!r} (extra.club.timezone in "
                         "mkdocs.yml); use a name such as Europe/Moscow", timezone=timezone) from None


def parse_slots(value: object) -> tuple[Slot, ...]:
    """extra.club.newsletter_slots: a list such as ["Tue 12:30", "Thu 16:30"]; missing = DEFAULT_SLOTS."""
    if value is None:
        return DEFAULT_SLOTS
    problem = ("extra.club.newsletter_slots in mkdocs.yml must be a list of weekday and time, "
               'e.g. ["Tue 12:30", "Thu 16:30"]')
    if not isinstance(value, list) or not value:
        raise ValueError(problem)
    slots = []
    for item in value:
        found = _SLOT.match(str(item))
        weekday = WEEKDAYS.get(found.group(1).lower()) if found else None
        if not found or weekday is None or int(found.group(2)) > 23 or int(found.group(3)) > 59:
            raise ValueError(f"{problem}; {item!r} is not")
        slots.append((weekday, clock(int(found.group(2)), int(found.group(3)))))
    return tuple(sorted(set(slots)))


def next_slot(now: datetime, timezone: str, slots: tuple[Slot, ...] = DEFAULT_SLOTS) -> datetime:
    """The first slot strictly after `now` (an aware datetime), in the club's time zone."""
    if now.tzinfo is None:
        raise ValueError("next_slot needs an aware datetime (with a time zone)")
    tz = zone(timezone)
    today = now.astimezone(tz).date()
    for offset in range(8):  # a week and a day: the same weekday next week is always reached
        day = today + timedelta(days=offset)
        for weekday, at in sorted(slots, key=lambda s: s[1]):
            candidate = datetime.combine(day, at, tzinfo=tz)
            if weekday == day.weekday() and candidate > now:
                return candidate
    raise ValueError("no newsletter slots configured")


def parse_at(text: str, timezone: str, now: datetime | None = None) -> datetime:
    """A time the staff typed, in club time ("2026-12-01 12:30"), that is still ahead."""
    tz = zone(timezone)
    value = text.strip()
    naive = None
    for pattern in AT_FORMATS:
        try:
            naive = datetime.strptime(value, pattern)
            break
        except ValueError:
            continue
    if naive is None:
        raise QueueError("nl.error.bad_at", f"{value!r} is not a date and time; write it as 2026-12-01 12:30 "
                         f"(club time, {timezone})", text=value, timezone=timezone)
    at = naive.replace(tzinfo=tz)
    if at.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None) != naive:
        raise QueueError("nl.error.no_such_time", f"{value} does not exist in {timezone} (the clocks skip it); "
                         "choose another time", text=value, timezone=timezone)
    if at <= (now or datetime.now(tz)):
        raise QueueError("nl.error.past", f"{value} ({timezone}) is in the past; choose a later time, "
                         "or send now with --now", text=value, timezone=timezone)
    return at


def club_time(timestamp: float | None, timezone: str) -> str:
    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp, zone(timezone)).strftime("%Y-%m-%d %H:%M")


# --- queue and cancel ---------------------------------------------------------------------------------

_LIST_COLUMNS = NEWSLETTER_COLUMNS.removesuffix("mail") + "''"  # lists need no 100 KB snapshots


def list_newsletters(db: Database, page: str | None = None) -> list[Newsletter]:
    """Queued newsletters, newest first, without their mail snapshot (get_newsletter has it)."""
    where, params = ("WHERE page = ?", [page]) if page else ("", [])
    rows = db.execute(f"SELECT {_LIST_COLUMNS} FROM newsletters {where} "  # noqa: S608 - constant columns
                      "ORDER BY scheduled_at DESC, id DESC", params).fetchall()
    return [newsletter_from_row(row) for row in rows]


def active_newsletter(db: Database, page: str) -> Newsletter | None:
    return next((n for n in list_newsletters(db, page) if n.status in ACTIVE), None)


def sent_before(db: Database, page: str) -> Newsletter | None:
    """The last send of `page` that reached anyone: done, or cancelled after some messages went out."""
    row = db.execute(
        "SELECT n.id FROM newsletters n WHERE n.page = ? AND (n.status = 'done' OR (n.status = 'cancelled' AND "
        "EXISTS (SELECT 1 FROM newsletter_sends s WHERE s.newsletter_id = n.id AND s.status = 'sent'))) "
        "ORDER BY n.scheduled_at DESC LIMIT 1", [page]).fetchone()
    return get_newsletter(db, row[0]) if row else None


def queue_newsletter(db: Database, artefact: MailArtefact, at: datetime, created_by: int | None, *,
                     again: bool = False, recipients: list[int] | None = None,
                     personal: Personal | None = None) -> Newsletter:
    """Schedule `artefact` for `at`. One active send per page; a page sent before only with `again`.
    `recipients` and `personal`: a letter another capability queues (api.queue_letter)."""
    if artefact.preview is None and artefact.access != "public":  # Ghost's failure: closed text to everyone
        raise QueueError("nl.error.no_preview", f"{artefact.page}: the e-mail of a {artefact.access} page has no "
                         "preview for readers who may not read it; run `club build` again", page=artefact.page)
    shown = at.tzinfo.key if isinstance(at.tzinfo, ZoneInfo) else "UTC"
    with db.conn:  # BEGIN IMMEDIATE: two staff pressing "send" together cannot both pass the checks
        db.conn.execute("BEGIN IMMEDIATE")
        refuse_duplicate(db, artefact.page, shown, again)
        cursor = db.conn.execute(
            "INSERT INTO newsletters (page, url, subject, access, audience, mail, scheduled_at, status, "
            "created_by, created_at, recipients, personal) VALUES (?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?, ?)",
            [artefact.page, urlsplit(artefact.url).path or "/", artefact.subject, artefact.access,
             _audience_json(artefact), artefact.to_json(), at.timestamp(), created_by, now_iso(),
             None if recipients is None else json.dumps([int(r) for r in recipients]),
             None if personal is None else personal.to_json()])
    newsletter = get_newsletter(db, cursor.lastrowid)
    assert newsletter is not None
    return newsletter


def refuse_duplicate(db: Database, page: str, timezone: str, again: bool) -> None:
    active = active_newsletter(db, page)
    if active is not None:
        when = club_time(active.scheduled_at, timezone)
        if active.status == "scheduled":
            raise QueueError("nl.error.scheduled", f"{page} is already scheduled for {when} ({timezone}); "
                             "cancel that first to choose another time", page=page, when=when, id=active.id,
                             at=active.scheduled_at)
        raise QueueError("nl.error.sending", f"{page} is being sent now (started {when}, {timezone}); wait "
                         "for it to finish or cancel it", page=page, when=when, id=active.id, at=active.scheduled_at)
    done = sent_before(db, page)
    if done is not None and not again:
        when = club_time(done.started_at or done.scheduled_at, timezone)
        raise QueueError("nl.error.sent_before", f"{page} was already sent on {when} ({timezone}); sending the "
                         "same letter twice is usually a mistake — add --again if you mean it",
                         page=page, when=when, id=done.id, at=done.started_at or done.scheduled_at)


def _audience_json(artefact: MailArtefact) -> str:
    return json.dumps(artefact.audience, ensure_ascii=False)


def cancel_newsletter(db: Database, newsletter_id: int, now: float | None = None) -> Newsletter:
    """Cancel a scheduled newsletter, or stop one that is sending (what went out stays sent)."""
    changed = db.execute(  # one statement: the worker's own status change cannot slip in between
        "UPDATE newsletters SET status = 'cancelled', finished_at = ? WHERE id = ? AND status IN (?, ?)",
        [now or time.time(), newsletter_id, *ACTIVE]).rowcount
    newsletter = get_newsletter(db, newsletter_id)
    if newsletter is None:
        raise QueueError("nl.error.not_found", f"there is no newsletter #{newsletter_id}", id=newsletter_id)
    if not changed:
        raise QueueError("nl.error.not_cancellable", f"newsletter #{newsletter_id} is {newsletter.status}; only a "
                         "scheduled or sending newsletter can be cancelled", id=newsletter_id,
                         status=newsletter.status)
    return newsletter


# --- progress -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    counts: dict[str, int]  # every SEND_STATUSES key

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def finished(self) -> int:
        """Recipients the worker is done with: sent, given up on, or unsubscribed before their turn."""
        return self.counts["sent"] + self.counts["failed"] + self.counts["bounced"] + self.counts["skipped"]

    @property
    def percent(self) -> int:
        return int(100 * self.finished / self.total) if self.total else 0


@dataclass(frozen=True)
class NewsletterStatus:
    newsletter: Newsletter
    progress: Progress


def progress_of(db: Database, ids: list[int]) -> dict[int, Progress]:
    counts: dict[int, dict[str, int]] = {i: dict.fromkeys(SEND_STATUSES, 0) for i in ids}
    if ids:
        rows = db.execute("SELECT newsletter_id, status, count(*) FROM newsletter_sends WHERE newsletter_id IN "
                          "(SELECT value FROM json_each(?)) GROUP BY 1, 2", [json.dumps(ids)]).fetchall()
        for newsletter_id, status, count in rows:
            counts[newsletter_id][status] = count
    return {i: Progress(c) for i, c in counts.items()}


def statuses(db: Database, page: str | None = None) -> list[NewsletterStatus]:
    """Every queued newsletter (or those of one page), newest first, with counts by send status."""
    found = list_newsletters(db, page)
    progress = progress_of(db, [n.id for n in found])
    return [NewsletterStatus(n, progress[n.id]) for n in found]


# --- audience -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Count:
    key: str | None  # None: the member did not say
    label: str
    count: int


@dataclass(frozen=True)
class Breakdown:
    total: int
    by_segment: list[Count]
    by_region: list[Count]
    variants: dict[str, int]  # full | preview -> recipients


def variant_levels(artefact: MailArtefact, variant: str) -> list[str]:
    """The levels (accounts.User.level) whose recipients get `variant` of this letter."""
    def full(level: str) -> bool:
        return artefact.preview is None or LEVEL_RANK[level] >= ACCESS_RANK.get(artefact.access, 99)
    return [level for level in LEVEL_RANK if full(level) == (variant == "full")]


def audience_breakdown(db: Database, artefact: MailArtefact, segments: dict[str, str], regions: dict[str, str],
                       none_label: str) -> Breakdown:
    """Recipients by segment, by region and by variant, in one grouped query over audience_sql."""
    sql, params = audience_sql(artefact.audience)
    rows = db.execute(f"SELECT a.segment, a.region, {_LEVEL}, count(*) FROM ({sql}) a "  # noqa: S608
                      "GROUP BY 1, 2, 3", params).fetchall()
    by_segment: dict[str | None, int] = {}
    by_region: dict[str | None, int] = {}
    variants = {"full": 0, "preview": 0}
    full_levels = set(variant_levels(artefact, "full"))
    for segment, region, level, count in rows:
        by_segment[segment or None] = by_segment.get(segment or None, 0) + count
        by_region[region or None] = by_region.get(region or None, 0) + count
        variants["full" if level in full_levels else "preview"] += count
    return Breakdown(sum(variants.values()),
                     _counts(by_segment, segments, artefact.audience.get("segments") or [], none_label),
                     _counts(by_region, regions, artefact.audience.get("regions") or [], none_label), variants)


def _counts(found: dict[str | None, int], vocabulary: dict[str, str], allowed: list[str],
            none_label: str) -> list[Count]:
    """The vocabulary's entries the audience allows (zeros too: staff see who is missing), then the rest."""
    keys = [k for k in vocabulary if not allowed or k in allowed]
    keys += sorted(k for k in found if k is not None and k not in keys)
    counts = [Count(k, vocabulary.get(k, k), found.get(k, 0)) for k in keys]
    if found.get(None):
        counts.append(Count(None, none_label, found[None]))
    return counts


def first_recipient(db: Database, artefact: MailArtefact, variant: str) -> Recipient | None:
    """The first recipient (by id) who gets `variant`, for a sample of the letter."""
    sql, params = audience_sql(artefact.audience)
    levels = variant_levels(artefact, variant)
    row = db.execute(f"SELECT a.* FROM ({sql}) a WHERE {_LEVEL} IN (SELECT value FROM json_each(?)) "  # noqa: S608
                     "ORDER BY a.id LIMIT 1", [*params, json.dumps(levels)]).fetchone()
    return Recipient(user_from_row(row[:-1]), row[-1]) if row else None


# --- samples ------------------------------------------------------------------------------------------

SAMPLE = {"ru": ("Иван Образцов", "ООО «Образец»"), "en": ("Jane Sample", "Sample Ltd")}
SAMPLE_EMAIL = "sample@example.invalid"  # RFC 2606: can never be delivered


def variant_of(artefact: MailArtefact, user: User) -> str:
    """What this person gets: the full letter if they may read the page on the site, else the preview."""
    return "full" if artefact.preview is None or user.may_read(artefact.access) else "preview"


def sample_send(artefact: MailArtefact, recipient: Recipient | None, variant: str) -> Send:
    """A Send that is never stored (id 0, no tracking), for previews of the letter."""
    if recipient is None:
        name, company = SAMPLE.get(artefact.language, SAMPLE["ru"])
        return Send(0, 0, None, SAMPLE_EMAIL, name, company, None, None, variant, False, "queued", 0, 0.0,
                    None, None)
    user = recipient.user
    return Send(0, 0, user.id, user.email, user.name, recipient.company, user.segment, user.region, variant,
                False, "queued", 0, 0.0, None, None)


def recipient_by_email(db: Database, email: str) -> Recipient | None:
    """Anyone with an account, in the audience or not: staff may preview as any member."""
    row = db.execute(f"SELECT {_USER_COLUMNS}, coalesce(c.name, '') FROM users u "  # noqa: S608 - constants
                     "LEFT JOIN companies c ON c.id = u.company_id WHERE u.email = ?", [email]).fetchone()
    return Recipient(user_from_row(row[:-1]), row[-1]) if row else None


def samples(db: Database, artefact: MailArtefact) -> dict[str, Send]:
    """One sample Send per variant of the letter: its first recipient, or a made-up one."""
    names = ["full"] + (["preview"] if artefact.preview is not None else [])
    return {name: sample_send(artefact, first_recipient(db, artefact, name), name) for name in names}


# --- the club's settings for newsletters --------------------------------------------------------------

@dataclass(frozen=True)
class ClubView:
    """What newsletters need from mkdocs.yml, with a readable problem instead of an exception."""

    timezone: str
    slots: tuple[Slot, ...]
    segments: dict[str, str]
    regions: dict[str, str]
    roles: dict[str, str]
    topics: dict[str, str]
    problem: str | None = None  # a bad newsletter_slots or timezone: defaults are used meanwhile


def club_view(club: ClubConfig | None, language: str = "ru") -> ClubView:
    """The settings with the vocabularies' names in `language` (the staff reader's: issue 18 found Russian
    segment names on English staff pages)."""
    from site_builder.config import DEFAULT_TIMEZONE, VOCABULARIES, default_labels

    if club is None:
        labels = default_labels()
        names = labels.get(language, labels["ru"])
        return ClubView(DEFAULT_TIMEZONE, DEFAULT_SLOTS, names["segments"], {}, names["roles"], names["topics"])
    problem, timezone, slots = None, club.timezone, DEFAULT_SLOTS
    try:
        zone(timezone)
    except QueueError as exc:
        problem, timezone = str(exc), DEFAULT_TIMEZONE  # as context.club_zone, so pages agree
    try:
        slots = parse_slots(((club.raw.get("extra") or {}).get("club") or {}).get("newsletter_slots"))
    except ValueError as exc:
        problem = str(exc)
    names = {kind: club.vocabulary(kind, language) for kind in VOCABULARIES}
    return ClubView(timezone, slots, names["segments"], names["regions"], names["roles"], names["topics"], problem)
