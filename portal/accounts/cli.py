"""`club user add EMAIL --name N --role R`: staff accounts from the command line."""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys

from sqlite_utils import Database

from portal.core import identity, passwords
from portal.core.oneline import one_line
from portal.core.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    user = commands.add_parser("user", help="staff accounts", description="Create or update staff accounts.")
    user_commands = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = user_commands.add_parser("add", help="create a staff account (or give an existing one a role)",
                                   description="Create a confirmed account with a role. The password is asked "
                                               "for (or read from CLUB_USER_PASSWORD); an empty one generates "
                                               "a random password and prints it.")
    add.add_argument("email")
    add.add_argument("--name", required=True, help="full name")
    add.add_argument("--role", required=True, choices=identity.ROLES)


def run(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    return add_user(db, args)


def add_user(db, args: argparse.Namespace) -> int:
    email = identity.normalise_email(args.email)
    if email is None:
        print(f"club: {args.email!r} is not an e-mail address", file=sys.stderr)
        return 2
    name = one_line(args.name)  # the same one-line rule as the portal's forms: it ends up in mail headers
    if not name:
        print("club: --name is empty; give the person's full name", file=sys.stderr)
        return 2
    existing = identity.find_user_by_email(db, email)
    if existing is not None:
        identity.set_role(db, existing.id, args.role)
        identity.confirm_email(db, existing.id)  # the operator vouches for the address
        print(f"club: {email} already had an account; role set to {args.role}, address confirmed")
        return 0
    password = read_password()
    problem = passwords.password_problem(password) if password else None
    if problem:
        print(f"club: the password is too {'short' if 'short' in problem else 'long'}", file=sys.stderr)
        return 2
    generated = not password
    password = password or secrets.token_urlsafe(12)
    identity.create_user(db, name=name, email=email, password_hash=passwords.hash_password(password),
                         language="ru", consent=True, confirmed=True, role=args.role)
    print(f"club: created {args.role} {email}" + (f" with password {password}" if generated else ""))
    return 0


def read_password() -> str:
    if "CLUB_USER_PASSWORD" in os.environ:
        return os.environ["CLUB_USER_PASSWORD"]
    if not sys.stdin.isatty():
        return ""
    return getpass.getpass("Password (empty = generate one): ")
