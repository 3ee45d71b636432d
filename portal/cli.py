"""`club db upgrade` and `club user add`: the portal's part of the `club` command."""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys

from . import accounts, members_cli, newsletter_cli, passwords, worker_cli
from .db import connect
from .oneline import one_line
from .ops import cli as ops_cli  # the ops capability (portal/ops/): `club db backup|restore`
from .settings import SettingsError, load_settings


def add_parsers(commands: argparse._SubParsersAction) -> None:
    db = commands.add_parser("db", help="the portal database", description="Manage the portal's SQLite database "
                             "(CLUB_DATABASE, default var/club.db).")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="apply pending migrations (also done when the portal starts)")
    ops_cli.add_parsers(db_commands)
    user = commands.add_parser("user", help="staff accounts", description="Create or update staff accounts.")
    user_commands = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = user_commands.add_parser("add", help="create a staff account (or give an existing one a role)",
                                   description="Create a confirmed account with a role. The password is asked "
                                               "for (or read from CLUB_USER_PASSWORD); an empty one generates "
                                               "a random password and prints it.")
    add.add_argument("email")
    add.add_argument("--name", required=True, help="full name")
    add.add_argument("--role", required=True, choices=accounts.ROLES)
    forum = commands.add_parser("forum", help="forum maintenance", description="Forum jobs for cron.")
    forum_commands = forum.add_subparsers(dest="forum_command", metavar="ACTION", required=True)
    forum_commands.add_parser("digest", help="send the weekly digests that are due (run daily or weekly)")
    forum_commands.add_parser("reindex", help="rebuild the forum search index from the posts")
    for module in (newsletter_cli, worker_cli, members_cli):
        module.add_parsers(commands)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"club: {exc}", file=sys.stderr)
        return 2
    if args.command == "db" and args.db_command in ops_cli.ACTIONS:  # before connect(): it would migrate
        return ops_cli.run(args, settings)
    db = connect(settings.database)  # connecting applies pending migrations
    if args.command == "db":
        print(f"club: {settings.database} is at schema version {max(db_versions(db))}")
        return 0
    if args.command == "forum":
        return run_forum(settings, db, args.forum_command)
    extra = {"newsletter": newsletter_cli, "worker": worker_cli, "members": members_cli}
    if args.command in extra:
        return extra[args.command].run(args, settings, db)
    return add_user(db, args)


def run_forum(settings, db, action: str) -> int:
    import asyncio

    from . import forum_search, forum_watch
    from .app import create_app

    if action == "reindex":
        print(f"club: indexed {forum_search.reindex_all(db)} forum posts")
        return 0
    portal = create_app(settings).state.portal
    sent = asyncio.run(forum_watch.send_digests(portal))
    print(f"club: sent {sent} forum digest{'s' if sent != 1 else ''}")
    return 0


def db_versions(db) -> list[int]:
    return [row[0] for row in db.execute("SELECT version FROM schema_migrations").fetchall()] or [0]


def add_user(db, args: argparse.Namespace) -> int:
    email = accounts.normalise_email(args.email)
    if email is None:
        print(f"club: {args.email!r} is not an e-mail address", file=sys.stderr)
        return 2
    name = one_line(args.name)  # the same one-line rule as the portal's forms: it ends up in mail headers
    if not name:
        print("club: --name is empty; give the person's full name", file=sys.stderr)
        return 2
    existing = accounts.find_user_by_email(db, email)
    if existing is not None:
        accounts.set_role(db, existing.id, args.role)
        accounts.confirm_email(db, existing.id)  # the operator vouches for the address
        print(f"club: {email} already had an account; role set to {args.role}, address confirmed")
        return 0
    password = read_password()
    problem = passwords.password_problem(password) if password else None
    if problem:
        print(f"club: the password is too {'short' if 'short' in problem else 'long'}", file=sys.stderr)
        return 2
    generated = not password
    password = password or secrets.token_urlsafe(12)
    accounts.create_user(db, name=name, email=email, password_hash=passwords.hash_password(password),
                         language="ru", consent=True, confirmed=True, role=args.role)
    print(f"club: created {args.role} {email}" + (f" with password {password}" if generated else ""))
    return 0


def read_password() -> str:
    import os

    if "CLUB_USER_PASSWORD" in os.environ:
        return os.environ["CLUB_USER_PASSWORD"]
    if not sys.stdin.isatty():
        return ""
    return getpass.getpass("Password (empty = generate one): ")
