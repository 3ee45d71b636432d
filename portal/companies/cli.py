"""`club companies list|show|merge|representative`: partner companies from the command line."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlite_utils import Database

from portal.companies import directory
from portal.companies.mails import representative_changed
from portal.core import companies
from portal.core.identity import find_user_by_email, get_user, normalise_email
from portal.core.settings import Settings
from portal.web.context import build_portal
from portal.web.letters import deliver_all

COMPANY_HELP = "a company: its name (any spelling), INN or #id"


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("companies", help="partner companies",
                                 description="Partner companies: the directory, a company's card, merging "
                                             "duplicates, the representative who spends the company's points.")
    actions = parser.add_subparsers(dest="companies_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the directory (filters as on /staff/companies/)")
    listing.add_argument("--search", default="", help="part of the name, or the INN")
    listing.add_argument("--segment", default="")
    listing.add_argument("--region", default="")
    listing.add_argument("--quiet-days", type=int, help="no contact for at least this many days")
    show = actions.add_parser("show", help="a company with its people, representative and history")
    show.add_argument("company", help=COMPANY_HELP)
    merge = actions.add_parser("merge", help="merge a duplicate record into the company it really is")
    merge.add_argument("duplicate", help=COMPANY_HELP)
    merge.add_argument("into", help=COMPANY_HELP)
    rep = actions.add_parser("representative", help="set the representative (a person of the company), or --none")
    rep.add_argument("company", help=COMPANY_HELP)
    rep.add_argument("email", nargs="?", help="the person's e-mail")
    rep.add_argument("--none", action="store_true", help="the company has no representative")


def run(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    if args.companies_command == "representative":
        return run_representative(args, settings, db)
    action = {"list": run_list, "show": run_show, "merge": run_merge}
    return action[args.companies_command](args, db)


def find(db: Database, text: str) -> companies.Company | None:
    found = companies.find_company(db, text)
    if found is None:
        print(f"club companies: no company {text!r} (give its name, INN or #id)", file=sys.stderr)
    return found


def run_list(args: argparse.Namespace, db: Database) -> int:
    filters = directory.Filters(q=args.search, segment=args.segment, region=args.region, quiet_days=args.quiet_days)
    total = 0
    for row in directory.every_row(db, filters):
        print(f"#{row.id:<6} {row.name[:40]:<40} {row.inn or '':<12} {row.segment or '':<14} {row.region or '':<14} "
              f"{row.people:>3} people  representative: {row.representative or '—'}")
        total += 1
    print(f"club companies: {total} compan{'y' if total == 1 else 'ies'}")
    return 0


def run_show(args: argparse.Namespace, db: Database) -> int:
    company = find(db, args.company)
    if company is None:
        return 2
    rep = get_user(db, company.representative_id) if company.representative_id else None
    manager = get_user(db, company.account_manager_id) if company.account_manager_id else None
    print(f"#{company.id} {company.name}  INN {company.inn or '—'}  {company.segment or '—'} / {company.region or '—'}")
    if company.merged_into:
        print(f"merged into #{company.merged_into}")
    print(f"representative: {f'{rep.name} <{rep.email}>' if rep else '—'}")
    print(f"account manager: {f'{manager.name} <{manager.email}>' if manager else '—'}")
    for person in directory.people(db, company.id):
        print(f"  {person.name} <{person.email}>  {person.job_role or ''}")
    for change in companies.changes(db, company.id, 20):
        print(f"  {change.kind}: {change.old or '—'} -> {change.new or '—'} {change.note}")
    return 0


def run_merge(args: argparse.Namespace, db: Database) -> int:
    duplicate, into = find(db, args.duplicate), find(db, args.into)
    if duplicate is None or into is None:
        return 2
    try:
        moved = companies.merge(db, duplicate.id, into.id, None)
    except ValueError as exc:
        print(f"club companies: {exc}", file=sys.stderr)
        return 1
    print(f"club companies: #{duplicate.id} {duplicate.name} merged into #{into.id} {into.name}; {moved} people moved")
    return 0


def run_representative(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    company = find(db, args.company)
    if company is None:
        return 2
    if args.none == bool(args.email):
        print("club companies: give the person's e-mail or --none", file=sys.stderr)
        return 2
    person = None if args.none else find_user_by_email(db, normalise_email(args.email) or "")
    if not args.none and (person is None or person.company_id != company.id):
        print(f"club companies: {args.email} is not a person of {company.name}", file=sys.stderr)
        return 1
    chosen = person.id if person else None
    previous = companies.set_representative(db, company.id, chosen, None, "club companies")
    print(f"club companies: {company.name}: representative {person.email if person else 'none'}")
    if previous != chosen:  # both people hear of it, as when staff change it on the company card
        portal = build_portal(settings, db, ())
        sent = asyncio.run(deliver_all(portal, representative_changed(portal, company, previous, chosen)))
        print(f"club companies: {sent} letter{'' if sent == 1 else 's'} sent")
    return 0


