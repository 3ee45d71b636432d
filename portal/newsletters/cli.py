"""`club newsletter preview|send|status|cancel`: the staff pages' newsletter tools on the command line.

PAGE is the newsletter's content file (content/newsletters/2026/x.md), its site path
(/newsletters/2026/11/x/) or its full URL. Exit codes: 0 done, 1 refused (unknown or unbuilt page,
already scheduled, nothing to cancel), 2 a wrong command line (bad or past --at, --at with --now).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from portal.core.i18n import translate
from portal.core.identity import normalise_email
from portal.core.settings import Settings
from portal.newsletters import queue as nl
from portal.newsletters.audience import audience_size
from portal.newsletters.message import message_bytes, personalise
from portal.newsletters.model import Newsletter, Send
from site_builder.contract import (
    MailArtefact,
    MailArtefactError,
    list_artefacts,
    load_artefact,
    mail_dir,
    on_club,
    page_key,
)

PAGE_HELP = "content/newsletters/…/x.md, /newsletters/YYYY/MM/x/ or the page's full URL"
USAGE_ERRORS = {"nl.error.bad_at", "nl.error.past", "nl.error.no_such_time", "nl.error.timezone"}


class CommandError(Exception):
    """One line for the operator, and the exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def add_parser(commands: argparse._SubParsersAction) -> None:
    newsletter = commands.add_parser("newsletter", help="preview, send and follow newsletters",
                                     description="Newsletters are pages under content/newsletters/; `club build` "
                                                 "makes their e-mails (site/mail/). `club worker` sends them.")
    actions = newsletter.add_subparsers(dest="newsletter_command", metavar="ACTION", required=True)
    preview = actions.add_parser("preview", help="audience by segment, region and variant; a sample .eml/.html",
                                 description="Print the subject, access and audience (by segment, region and "
                                             "full/preview variant) and write sample messages.")
    preview.add_argument("page", metavar="PAGE", help=PAGE_HELP)
    preview.add_argument("--to", metavar="EMAIL", help="make the sample for this member (default: the first "
                                                       "recipient of each variant)")
    preview.add_argument("--out", metavar="DIR", help="folder for the samples (default: var/newsletter-preview/)")
    send = actions.add_parser("send", help="queue a newsletter (next Tue/Thu slot, --at or --now)",
                              description="Queue the built e-mail. Without --at: the next slot (Tuesday or "
                                          "Thursday 12:30 or 16:30, club time). Recipients are fixed when "
                                          "sending starts.")
    send.add_argument("page", metavar="PAGE", help=PAGE_HELP)
    send.add_argument("--at", metavar='"YYYY-MM-DD HH:MM"', help="when, in the club's time zone")
    send.add_argument("--now", action="store_true", help="send as soon as the worker runs")
    send.add_argument("--again", action="store_true", help="send a page that was already sent once more")
    status = actions.add_parser("status", help="queued newsletters with progress and results")
    status.add_argument("page", metavar="PAGE", nargs="?", help=PAGE_HELP + " or #ID (default: all)")
    cancel = actions.add_parser("cancel", help="cancel a scheduled newsletter or stop one that is sending")
    cancel.add_argument("page", metavar="PAGE", help=PAGE_HELP + " or #ID")


def run(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    try:
        club = load_club(args, settings)
        return ACTIONS[args.newsletter_command](args, settings, db, club)
    except CommandError as exc:
        print(f"club newsletter: {exc}", file=sys.stderr)
        return exc.code
    except nl.QueueError as exc:
        print(f"club newsletter: {exc}", file=sys.stderr)
        return 2 if exc.key in USAGE_ERRORS else 1
    except MailArtefactError as exc:
        print(f"club newsletter: {exc}", file=sys.stderr)
        return 1


def load_club(args: argparse.Namespace, settings: Settings) -> nl.ClubView:
    from site_builder.config import ConfigError, load_config

    path = Path(args.config) if getattr(args, "config", None) else settings.club_config
    try:
        view = nl.club_view(load_config(path) if path.is_file() else None)
    except ConfigError as exc:
        raise CommandError(str(exc), 2) from None
    if view.problem:
        raise CommandError(view.problem, 2)
    return view


# --- PAGE ---------------------------------------------------------------------------------------------

def newsletter_id(text: str) -> int | None:
    digits = text.strip().removeprefix("#")
    if not digits.isdigit():
        return None
    if len(digits) > 18:  # SQLite integers are 64-bit
        raise CommandError(f"there is no newsletter #{digits}")
    return int(digits)


def resolve_key(site_dir: Path, text: str) -> str:
    """The page key (newsletters/2026/11/x) for a content path, a site path or a URL."""
    if not text.strip().endswith(".md"):
        return page_key(text)
    wanted = os.path.normpath(text.strip()).replace(os.sep, "/")
    hits = {page for page, source in built_sources(site_dir)
            if wanted == source or wanted.endswith("/" + source) or source.endswith("/" + wanted)}
    if not hits:
        raise CommandError(f"{text}: no newsletter e-mail was built from this file; is it under "
                           "content/newsletters/, and has `club build` run since it was written?")
    if len(hits) > 1:
        raise CommandError(f"{text}: matches {len(hits)} newsletters ({', '.join(sorted(hits))}); give more of "
                           "the path")
    return hits.pop()


def built_sources(site_dir: Path) -> list[tuple[str, str]]:
    """(page, source) of every built e-mail: from site/mail/index.json when its entries name the source,
    else from the e-mails themselves (each carries its source)."""
    root = mail_dir(site_dir)
    if not root.is_dir():
        raise CommandError(f"no built newsletters in {root}; run `club build` first (CLUB_SITE_DIR is "
                           f"{site_dir})")
    try:
        data = json.loads((root / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    items = data.get("mails") if isinstance(data, dict) else None
    found = [(str(e["page"]), str(e["source"])) for e in items or [] if isinstance(e, dict)
             and "page" in e and "source" in e]
    return found or [(a.page, a.source) for a in list_artefacts(site_dir)[0]]


def resolve_artefact(settings: Settings, text: str) -> MailArtefact:
    return load_artefact(settings.site_dir, resolve_key(settings.site_dir, text))


# --- preview ------------------------------------------------------------------------------------------

def preview(args: argparse.Namespace, settings: Settings, db: Database, club: nl.ClubView) -> int:
    artefact = resolve_artefact(settings, args.page)
    sends = sample_sends(db, artefact, args.to)  # an unknown --to fails before anything is printed
    none_label = translate(settings.language, "nl.none")
    split = nl.audience_breakdown(db, artefact, club.segments, club.regions, none_label)
    print(f"Subject:    {artefact.subject}")
    print(f"Preheader:  {artefact.preheader or '—'}")
    print(f"Page:       {on_club(artefact.url, settings.base_url)} (access: {artefact.access})")
    print(f"Audience:   {audience_text(artefact, club)}")
    print(f"Recipients: {split.total} — full letter {split.variants['full']}, preview {split.variants['preview']}"
          + (" (may not read the page on the site)" if split.variants["preview"] else ""))
    for title, counts in (("By segment", split.by_segment), ("By region", split.by_region)):
        print(f"{title}:")
        width = max((len(c.label) for c in counts), default=0)
        for count in counts:
            print(f"  {count.label.ljust(width)}  {count.count:>7}")
    out = Path(args.out) if args.out else settings.database.parent / "newsletter-preview"
    for send in sends.values():
        eml, page = write_sample(artefact, send, settings, out)
        who = f"{send.name} <{send.email}>" + (" (made up: nobody gets this variant)" if send.user_id is None
                                                else "")
        print(f"Sample, {send.variant} letter, for {who}:\n  {eml}\n  {page}")
    when = nl.next_slot(datetime.now(UTC), club.timezone, club.slots)
    print(f"Next slot:  {when:%Y-%m-%d %H:%M} ({club.timezone}) — queue it with "
          f"`club newsletter send {args.page}`")
    return 0


def audience_text(artefact: MailArtefact, club: nl.ClubView) -> str:
    names = {"segments": club.segments, "regions": club.regions, "roles": club.roles, "topics": club.topics}
    parts = [f"{key}: " + (", ".join(names[key].get(v, v) for v in values) if values else "everyone")
             for key, values in artefact.audience.items()]
    return "; ".join(parts) + " (subscribed, confirmed, not bouncing)"


def sample_sends(db: Database, artefact: MailArtefact, email: str | None) -> dict[str, Send]:
    if email is None:
        return nl.samples(db, artefact)
    recipient = nl.recipient_by_email(db, normalise_email(email) or email.strip())
    if recipient is None:
        raise CommandError(f"--to {email}: nobody with this e-mail has an account")
    variant = nl.variant_of(artefact, recipient.user)
    return {variant: nl.sample_send(artefact, recipient, variant)}


def write_sample(artefact: MailArtefact, send: Send, settings: Settings, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"{artefact.page.rsplit('/', 1)[-1]}-{send.variant}"
    eml, html = stem.with_suffix(".eml"), stem.with_suffix(".html")
    eml.write_bytes(message_bytes(artefact, send, settings))
    html.write_text(personalise(artefact, send, settings).html, encoding="utf-8")
    return eml, html


# --- send, status, cancel -----------------------------------------------------------------------------

def send(args: argparse.Namespace, settings: Settings, db: Database, club: nl.ClubView) -> int:
    if args.at is not None and args.now:
        raise CommandError("use either --at or --now, not both", 2)
    now = datetime.now(nl.zone(club.timezone))
    if args.now:
        at = now
    elif args.at is not None:
        at = nl.parse_at(args.at, club.timezone, now)
    else:
        at = nl.next_slot(now, club.timezone, club.slots)
    artefact = resolve_artefact(settings, args.page)
    newsletter = nl.queue_newsletter(db, artefact, at, None, again=args.again)
    size = audience_size(db, artefact.audience)
    when = "now" if args.now else f"for {at:%Y-%m-%d %H:%M} ({club.timezone})"
    print(f"club newsletter: #{newsletter.id} {artefact.page} queued {when} to {size} recipient"
          f"{'s' if size != 1 else ''} as of now (the list is fixed when sending starts); "
          "`club worker` or `club serve` sends it")
    if size == 0:
        print("club newsletter: warning: nobody matches the audience yet", file=sys.stderr)
    return 0


def status(args: argparse.Namespace, settings: Settings, db: Database, club: nl.ClubView) -> int:
    found = pick(db, settings, args.page) if args.page else nl.statuses(db)
    if not found:
        print("club newsletter: nothing queued yet" + (f" for {args.page}" if args.page else ""))
        return 0
    print(f"Times in {club.timezone}.")
    for item in found:
        print(status_lines(db, item, club.timezone))
    return 0


def pick(db: Database, settings: Settings, text: str) -> list[nl.NewsletterStatus]:
    number = newsletter_id(text)
    if number is not None:
        found = [s for s in nl.statuses(db) if s.newsletter.id == number]
        if not found:
            raise CommandError(f"there is no newsletter #{number}")
        return found
    key = resolve_key(settings.site_dir, text)
    found = nl.statuses(db, key)
    if not found:
        load_artefact(settings.site_dir, key)  # an unknown page is an error; a built, unsent one is not
    return found


def status_lines(db: Database, item: nl.NewsletterStatus, timezone: str) -> str:
    letter, progress = item.newsletter, item.progress
    head = (f"#{letter.id}  {letter.status:<9}  {nl.club_time(letter.scheduled_at, timezone)}  {letter.page}  "
            f"«{letter.subject}»")
    if letter.status == "scheduled":
        return head + f"\n     {audience_size(db, letter.audience)} recipients as of now"
    counts = " · ".join(f"{name} {progress.counts[name]}" for name in nl.SEND_STATUSES)
    ended = f", finished {nl.club_time(letter.finished_at, timezone)}" if letter.finished_at else ""
    return head + (f"\n     {counts} — {progress.percent}% ({progress.finished} of {progress.total})"
                   f"{ended}; statistics: /staff/newsletters/{letter.id}/stats")


def cancel(args: argparse.Namespace, settings: Settings, db: Database, club: nl.ClubView) -> int:
    number = newsletter_id(args.page)
    if number is None:
        key = resolve_key(settings.site_dir, args.page)
        active = nl.active_newsletter(db, key)
        if active is None:
            raise CommandError(f"{args.page}: nothing to cancel (no scheduled or sending newsletter of this page)")
        number = active.id
    letter = nl.cancel_newsletter(db, number)
    print(f"club newsletter: {cancelled_text(db, letter)}")
    return 0


def cancelled_text(db: Database, letter: Newsletter) -> str:
    progress = nl.progress_of(db, [letter.id])[letter.id]
    if not progress.total:
        return f"#{letter.id} {letter.page} cancelled; nothing was sent"
    return (f"#{letter.id} {letter.page} stopped: {progress.counts['sent']} of {progress.total} were sent, "
            f"the other {progress.total - progress.finished} will not be")


ACTIONS = {"preview": preview, "send": send, "status": status, "cancel": cancel}
