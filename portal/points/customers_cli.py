"""`club points customers import FILE` — the manufacturer's customer register (INN, name, segment, region,
optionally the date the customer joined the club), which the club-effect report compares members against.

Exit codes: 0 every line imported, 1 some lines had problems (the good ones imported all the same), 2 the
file could not be read at all.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

from sqlite_utils import Database

from portal.core.settings import Settings
from portal.points import customers
from portal.points.customers_file import Labels, read_file
from portal.points.shipments_file import UnreadableFile
from portal.web.context import load_club_config, vocabularies


def add_customers(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser("customers", help="the manufacturer's customer register (for the club-effect report)")
    inner = parser.add_subparsers(dest="customers_command", metavar="ACTION", required=True)
    importing = inner.add_parser("import", help="read the register (CSV or XLSX)",
                                 description="Columns: INN, name, segment, region (the club's keys or labels, "
                                             "extra.club.segments and .regions), optionally the date the customer "
                                             "joined the club. Importing again replaces changed rows.")
    importing.add_argument("file", help="the CSV (UTF-8 or Windows-1251, ',' or ';') or XLSX file")


def labels(settings: Settings) -> tuple[Labels, Labels]:
    """The club's segments and regions: key -> its labels in both languages."""
    club = load_club_config(settings.club_config)
    ru, en = vocabularies(club, "ru"), vocabularies(club, "en")
    segments, regions = ({key: (label, en[kind].get(key, label)) for key, label in ru[kind].items()}
                         for kind in ("segments", "regions"))
    return segments, regions


def run_customers(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    shown = args.file
    try:
        report = customers.import_rows(db, read_file(Path(shown), labels(settings)), shown, time.time(), by=_user())
    except UnreadableFile as exc:
        print(exc.where(shown), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{shown}: cannot read it ({exc.strerror})", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line)
    return 1 if report.problem_count else 0


def _user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in a container
        return "cli"


ACTIONS = {"customers": (add_customers, run_customers)}
