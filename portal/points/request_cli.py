"""`club points requests [--state STATE|open|all]`: privilege requests, newest first (the staff queue on
the command line), one line each: number, state, days since it was made, company, privilege, cost."""

from __future__ import annotations

import argparse
import time

from sqlite_utils import Database

from portal.core.settings import Settings
from portal.points import requests
from portal.points.terms import DAY

LIMIT = 500


def add_requests(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser("requests", help="privilege requests (by default the open ones)")
    parser.add_argument("--state", default="open", choices=("open", "all", *requests.STATES),
                        help="which requests: open (requested, confirmed, in progress), all, or one state")


def run_requests(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    states = requests.OPEN if args.state == "open" else requests.STATES if args.state == "all" else (args.state,)
    rows, now = requests.queue(db, states, limit=LIMIT), time.time()
    for row in rows:
        days = int((now - row.created_at) // DAY)
        print(f"#{row.id:<6} {row.state:<11} {days:>4} d  {row.company_name} — {row.privilege_name} ({row.cost})")
    print(f"club points requests: {len(rows)} {args.state} request{'' if len(rows) == 1 else 's'}")
    return 0


ACTIONS = {"requests": (add_requests, run_requests)}
