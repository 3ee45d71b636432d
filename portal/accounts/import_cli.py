"""`club members import FILE.csv [--dry-run]`: the existing mailing list into the portal (members_import)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal.accounts.import_members import COLUMNS, ImportFileError, Vocabularies, import_members


def add_parser(commands: argparse._SubParsersAction) -> None:
    members = commands.add_parser("members", help="bring in an existing mailing list",
                                  description="Members' records from other systems.")
    actions = members.add_subparsers(dest="members_command", metavar="ACTION", required=True)
    take = actions.add_parser(
        "import", help="add or complete members from a CSV file (UTF-8 or Windows-1251, ',' or ';')",
        description=f"Columns (header row): {', '.join(COLUMNS)}; name, email and consent_at are required, "
                    "extra columns are ignored. Existing people (same e-mail) only get their empty fields "
                    "filled; people are subscribed only where consent_at gives the date of their consent. "
                    "Running a file twice changes nothing. Details: docs/operators.md.")
    take.add_argument("file", metavar="FILE.csv", type=Path)
    take.add_argument("--dry-run", action="store_true", help="check every row and report, write nothing")


def run(args: argparse.Namespace, settings, db) -> int:
    """0: every row accepted; 1: some rows refused (the rest imported); 2: nothing imported."""
    from site_builder.config import ConfigError, load_config

    config = Path(args.config) if getattr(args, "config", None) else settings.club_config
    if not config.is_file():  # the vocabularies decide which segments, regions, roles and topics exist
        print(f"club: {config} not found; run inside the project or pass --config / set CLUB_CONFIG",
              file=sys.stderr)
        return 2
    try:
        club = load_config(config)
        zone = ZoneInfo(club.timezone)
        report = import_members(db, args.file, Vocabularies.of(club), zone=zone, language=settings.language,
                                dry_run=args.dry_run)
    except (ConfigError, ZoneInfoNotFoundError) as exc:
        print(f"club: {exc}", file=sys.stderr)
        return 2
    except ImportFileError as exc:
        print(f"club: {exc}; nothing was imported", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"club: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line)
    return 1 if report.refused else 0
