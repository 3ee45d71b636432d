"""`club points import FILE | accrue --month YYYY-MM | match INN COMPANY | unmatched` (the manufacturer's
shipments in, and the monthly accrual of points), `customers import FILE` (the customer register,
customers_cli.py) and the ledger's `balance | grant | expire | verify` (ledger_cli.py).

Each action is a pair in ACTIONS: a function adding its parser and one running it.

Exit codes of `import`: 0 every line imported, 1 some lines had problems (the good ones imported all the
same), 2 the file could not be read at all.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from portal.core.companies import find_company, inn_is_valid
from portal.core.settings import Settings
from portal.points import accrual, customers_cli, ledger, ledger_cli, recount, request_cli, shipments
from portal.points.shipments_file import UnreadableFile, read_file
from portal.web.context import build_portal, club_zone, load_club_config


def add_import(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser("import", help="read the manufacturer's shipments (CSV or XLSX)",
                                description="Columns: INN, date, document number, amount in roubles, optionally "
                                            "product group (Russian or English headers). Re-importing changes "
                                            "nothing; a changed amount is a reversal and a new row.")
    parser.add_argument("file", help="the CSV (UTF-8 or Windows-1251, ',' or ';') or XLSX export")
    parser.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")


def run_import(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    shown = args.file
    try:
        rows = read_file(Path(args.file))
        report = shipments.import_rows(db, rows, shown, time.time(), args.dry_run, by=_user(),
                                       accrued=accrual.accrued_months(db))
    except UnreadableFile as exc:
        print(exc.where(shown), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{shown}: cannot read it ({exc.strerror})", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line)
    return 1 if report.problem_count else 0


def add_accrue(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser("accrue", help="turn a month's purchases into points (once per month)",
                                description="Points per company for the month's shipments, by the rule in "
                                            "mkdocs.yml extra.club.points; for companies accrued before, the "
                                            "difference when their purchases changed since (new rows, never an "
                                            "edit). Running it again without changes does nothing.")
    parser.add_argument("--month", required=True, help="the month, YYYY-MM (e.g. 2026-11)")
    parser.add_argument("--dry-run", action="store_true", help="show the points, write nothing")


def run_accrue(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    club = load_club_config(settings.club_config)
    try:
        rule = accrual.club_rule(club)
        report = accrual.accrue(db, args.month, rule, time.time(), args.dry_run, zone=club_zone(club))
    except ValueError as exc:  # RuleError names the mkdocs.yml key; a bad --month says how to write it
        print(f"club points accrue: {exc}", file=sys.stderr)
        return 2
    print(report.line())
    corrected = recount.recount(db, args.month, rule, time.time(), args.dry_run, zone=club_zone(club))
    if corrected.companies or corrected.problems:
        print(corrected.line() + (" (dry run: nothing written)" if args.dry_run else ""))
    for problem in corrected.problems:
        print(f"club points accrue: {problem}", file=sys.stderr)
    return 1 if corrected.problems else 0


def add_match(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser("match", help="give the lines kept aside under an unknown INN to a company")
    parser.add_argument("inn", help="the INN as in the shipments file")
    parser.add_argument("company", help="the company: #id, INN or name")


def run_match(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    company = find_company(db, args.company)
    if not inn_is_valid(args.inn) or company is None:
        what = f"INN {args.inn!r} fails its check digits" if company else f"no company {args.company!r}"
        print(f"club points match: {what} (see `club points unmatched` and /staff/companies/)", file=sys.stderr)
        return 2
    count = shipments.attach(db, args.inn, company.id, time.time(), by=_user())
    print(f"club points match: {count} line{'' if count == 1 else 's'} of INN {args.inn} attached to "
          f"{company.name} (#{company.id})")
    return 0


def add_unmatched(actions: argparse._SubParsersAction) -> None:
    actions.add_parser("unmatched", help="the lines kept aside because their INN matched no company")


def run_unmatched(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    rows = shipments.kept_aside(db)
    for inn, lines, kopecks, where in rows:
        print(f"{inn:<12} {lines:>7} line{'' if lines == 1 else 's'} {kopecks / 100:>16,.2f} RUB  first: {where}")
    print(f"club points: {len(rows)} unknown INN{'' if len(rows) == 1 else 's'}")
    return 0


Run = Callable[[argparse.Namespace, Settings, Database], int]
ACTIONS: dict[str, tuple[Callable[[argparse._SubParsersAction], None], Run]] = {
    "import": (add_import, run_import),
    "accrue": (add_accrue, run_accrue),
    "match": (add_match, run_match),
    "unmatched": (add_unmatched, run_unmatched),
    **ledger_cli.ACTIONS,
    **request_cli.ACTIONS,
    **customers_cli.ACTIONS,
}


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("points", help="the points programme",
                                 description="Purchases in, points accrued per month, and the ledger.")
    actions = parser.add_subparsers(dest="points_command", metavar="ACTION", required=True)
    for add, _ in ACTIONS.values():
        add(actions)


def run(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    ledger.configure(build_portal(settings, db, ()))  # the club's expiry terms, for accrual's earn rows too
    return ACTIONS[args.points_command][1](args, settings, db)


def _user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in a container
        return "cli"
