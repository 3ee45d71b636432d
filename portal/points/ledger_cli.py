"""`club points balance COMPANY | grant COMPANY AMOUNT --reason TEXT | expire | verify`: the ledger from the
command line (COMPANY: its name in any spelling, its INN or #id). Registered in cli.ACTIONS."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime

from sqlite_utils import Database

from portal.core.companies import Company, find_company
from portal.core.settings import Settings
from portal.points import expiry, ledger


def add_balance(actions: argparse._SubParsersAction) -> None:
    balance = actions.add_parser("balance", help="a company's balance, points held and what expires in 90 days")
    balance.add_argument("company", help="name (any spelling), INN or #id")


def add_grant(actions: argparse._SubParsersAction) -> None:
    grant = actions.add_parser("grant", help="grant points by hand (a negative AMOUNT takes them)")
    grant.add_argument("company", help="name (any spelling), INN or #id")
    grant.add_argument("amount", type=int, help="whole points; negative to take")
    grant.add_argument("--reason", required=True, help="why: the company's people see it in their history")


def add_expire(actions: argparse._SubParsersAction) -> None:
    actions.add_parser("expire", help="expire points past their time and send the 30-day warnings (run daily; "
                                      "`club serve` does)")


def add_verify(actions: argparse._SubParsersAction) -> None:
    actions.add_parser("verify", help="check the ledger's rules; exit 1 on any problem")


def run_expire(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    expired, sent = expiry.daily(settings, db)
    print(f"club points: {expired} lot{'' if expired == 1 else 's'} expired, {sent} warning "
          f"letter{'' if sent == 1 else 's'} sent")
    return 0


def run_verify(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    problems = ledger.verify(db)
    for problem in problems:
        print(f"club points: {problem}", file=sys.stderr)
    print(f"club points: {len(problems)} problem{'' if len(problems) == 1 else 's'}")
    return 1 if problems else 0


def company_or_none(db: Database, name: str) -> Company | None:
    company = find_company(db, name)
    if company is None:
        print(f"club points: no company {name!r} (a name, an INN or #id)", file=sys.stderr)
    return company


def day(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d") if timestamp else "—"


def run_balance(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    company = company_or_none(db, args.company)
    if company is None:
        return 2
    found = ledger.balance(db, company.id, time.time())
    print(f"{company.name} (#{company.id}, INN {company.inn or '—'})")
    print(f"  available {found.available}, held {found.held}, total {found.total}")
    print(f"  expiring within {ledger.CONFIGURED.warning_days} days: {found.expiring}; next: "
          f"{found.next_expiry_amount} on {day(found.next_expiry)}" if found.next_expiry else
          f"  expiring within {ledger.CONFIGURED.warning_days} days: 0")
    return 0


def run_grant(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    company = company_or_none(db, args.company)
    if company is None:
        return 2
    try:
        row = ledger.adjust(db, company.id, args.amount, reason=args.reason, by_id=None, now=time.time())
    except ledger.LedgerError as refused:
        print(f"club points: {refused}", file=sys.stderr)
        return 1
    print(f"club points: row {row}: {args.amount:+d} for {company.name}; "
          f"available now {ledger.balance(db, company.id, time.time()).available}")
    return 0


ACTIONS = {
    "balance": (add_balance, run_balance),
    "grant": (add_grant, run_grant),
    "expire": (add_expire, run_expire),
    "verify": (add_verify, run_verify),
}
