"""`club forum digest|reindex`: the forum's jobs for cron."""

from __future__ import annotations

import argparse
import asyncio

from sqlite_utils import Database

from portal.core.settings import Settings
from portal.forum import search, watch
from portal.web.context import build_portal


def add_parser(commands: argparse._SubParsersAction) -> None:
    forum = commands.add_parser("forum", help="forum maintenance", description="Forum jobs for cron.")
    forum_commands = forum.add_subparsers(dest="forum_command", metavar="ACTION", required=True)
    forum_commands.add_parser("digest", help="send the weekly digests that are due (run daily or weekly)")
    forum_commands.add_parser("reindex", help="rebuild the forum search index from the posts")


def run(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    if args.forum_command == "reindex":
        print(f"club: indexed {search.reindex_all(db)} forum posts")
        return 0
    portal = build_portal(settings, db, ())  # the digest renders mail as the running portal does
    sent = asyncio.run(watch.send_digests(portal))
    print(f"club: sent {sent} forum digest{'s' if sent != 1 else ''}")
    return 0
