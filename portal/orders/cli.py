"""`club orders overdue`: flag the orders waiting for their distributor longer than
extra.club.orders.answer_hours (a letter to staff, once each), for a portal that runs without `club serve`."""

from __future__ import annotations

import argparse

from sqlite_utils import Database

from portal.core.settings import Settings
from portal.orders import overdue


def add_parser(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("orders", help="orders to distributors: flag the overdue ones to staff")
    actions = parser.add_subparsers(dest="orders_action", required=True)
    actions.add_parser("overdue", help="letter staff about orders not answered in time (safe to run often)")


def run(args: argparse.Namespace, settings: Settings, db: Database | None) -> int:
    flagged = overdue.run(settings, db)
    print(f"orders flagged as overdue: {len(flagged)}" + (f" ({', '.join(map(str, flagged))})" if flagged else ""))
    return 0
