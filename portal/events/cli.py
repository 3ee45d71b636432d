"""`club events list|show SLUG|export SLUG|expire-offers|send-letters|send-certificates`: the events of the
built site, their registrations and the letters that follow."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlite_utils import Database

from portal.core.i18n import translate
from portal.core.settings import Settings
from portal.events import after, export, followups, offers, store
from portal.events.catalogue import catalogue_for
from portal.events.model import local_time
from portal.web.context import build_portal, vocabularies
from portal.web.csvfile import csv_bytes


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("events", help="event registrations",
                                 description="The events of the built site (site/events.json) with their seats, "
                                             "one event's registrations, and passing on expired seat offers.")
    actions = parser.add_subparsers(dest="events_command", metavar="ACTION", required=True)
    actions.add_parser("list", help="every event with seats taken and people waiting")
    show = actions.add_parser("show", help="one event's registrations in arrival order")
    show.add_argument("slug", help="the event page's slug, as in /account/events/<slug>/")
    export_parser = actions.add_parser("export", help="one event's registrations as CSV (Excel: UTF-8, ';') or XLSX")
    export_parser.add_argument("slug", help="the event page's slug")
    export_parser.add_argument("--format", choices=export.FORMATS, default="csv", help="csv (default) or xlsx")
    export_parser.add_argument("--output", metavar="FILE", help="write here instead of standard output")
    actions.add_parser("expire-offers", help="offers past their time pass to the next waiting person (run hourly)")
    actions.add_parser("send-letters", help="updates of time or place, cancelled events, reminders (run every "
                                            "few minutes; `club serve` does)")
    actions.add_parser("send-certificates", help="the letter after events that ended in the last 14 days: the "
                                                 "certificate to checked-in people, the 0-10 question to all")


def run(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    events = catalogue_for(settings.site_dir).all()
    if args.events_command == "list":
        return run_list(events, db)
    if args.events_command == "show":
        return run_show(events, db, args.slug)
    if args.events_command == "send-letters":
        return run_letters(settings, db)
    if args.events_command == "send-certificates":
        certificates, questions = after.send_after(settings, db)
        print(f"club events: {certificates} certificate letter{'' if certificates == 1 else 's'}, "
              f"{questions} question letter{'' if questions == 1 else 's'} sent")
        return 0
    if args.events_command == "export":
        return run_export(settings, events, db, args)
    return run_expire(settings, db)


def run_list(events: dict, db: Database) -> int:
    counts = store.counts(db)
    for slug, event in sorted(events.items(), key=lambda item: item[1].starts):
        found = counts.get(slug, {})
        taken = found.get("registered", 0) + found.get("offered", 0)
        seats = "∞" if event.capacity is None else str(event.capacity)
        flags = " cancelled" if event.cancelled else "" if event.registration else " no registration"
        print(f"{slug:<45} {local_time(event.starts):<17} {taken:>4}/{seats:<4} waiting {found.get('waiting', 0):>3}"
              f"{flags}")
    print(f"club events: {len(events)} event{'' if len(events) == 1 else 's'}")
    return 0


def run_show(events: dict, db: Database, slug: str) -> int:
    event = events.get(slug)
    if event is None:
        print(f"club events: no event {slug!r} in site/events.json (see `club events list`)", file=sys.stderr)
        return 2
    print(f"{event.title}  {local_time(event.starts)}  {event.city or 'online'}  capacity "
          f"{event.capacity if event.capacity is not None else '∞'}  per company {event.per_company or '—'}")
    for row in store.of_event(db, slug):
        answers = "; ".join(f"{name}: {value}" for name, value in row.answers.items())
        print(f"  {row.position:>4} {row.status:<10} {row.user_name} <{row.user_email}>  {answers}")
    return 0


def run_expire(settings: Settings, db: Database) -> int:
    expired, offered, sent = offers.pass_on(settings, db)
    print(f"club events: {expired} offer{'' if expired == 1 else 's'} expired, {offered} passed on, "
          f"{sent} letter{'' if sent == 1 else 's'} sent")
    return 0


def run_letters(settings: Settings, db: Database) -> int:
    counts = followups.send_followups(settings, db)
    print(f"club events: {counts['updated']} updated, {counts['called_off']} cancelled with the event, "
          f"{counts['reminder_day']} day and {counts['reminder_hour']} hour reminders; {counts['sent']} sent")
    return 0


def run_export(settings: Settings, events: dict, db: Database, args: argparse.Namespace) -> int:
    """The same rows as the staff page's download, in the portal's default language."""
    event = events.get(args.slug)
    if event is None:
        print(f"club events: no event {args.slug!r} in site/events.json (see `club events list`)", file=sys.stderr)
        return 2
    portal = build_portal(settings, db, ())

    def t(key: str) -> str:
        return translate(settings.language, key)

    rows = export.table(event, export.lines(db, event), t, vocabularies(portal.club), portal.zone)
    body = export.xlsx_bytes(rows, event.title) if args.format == "xlsx" else csv_bytes(export.csv_table(rows))
    if args.output:
        Path(args.output).write_bytes(body)
        print(f"club events: {len(rows) - 1} row{'' if len(rows) == 2 else 's'} written to {args.output}",
              file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    return 0
