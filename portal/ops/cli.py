"""`club db upgrade|backup PATH|restore PATH`: the portal database on the command line.

A command that opens the database applies pending migrations; backup and restore must not change
the database they read, so this command opens it itself, and only `upgrade` connects.
"""

from __future__ import annotations

import argparse
import sys

from portal.core.db import connect, schema_version
from portal.core.inuse import DatabaseBusy, PortalLock
from portal.core.settings import Settings
from portal.ops.backup import BackupError, backup, backups_like, code_schema, dated, prune, restore
from portal.ops.files_backup import copy_new_files


def add_parser(commands: argparse._SubParsersAction) -> None:
    db = commands.add_parser("db", help="the portal database", description="Manage the portal's SQLite database "
                             "(CLUB_DATABASE, default var/club.db).")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="apply pending migrations (also done when the portal starts)")
    copy = db_commands.add_parser(
        "backup", help="copy the database, safely while the portal runs",
        description="Copy CLUB_DATABASE with SQLite's online backup API while the portal keeps writing, verify the "
                    "copy (PRAGMA integrity_check, schema version) and only then give it its name. Date fields in "
                    "the file name are filled in: club-%Y-%m-%d.db. docs/deploy.md: Backups.")
    copy.add_argument("path", metavar="PATH", help="the file to write, e.g. /var/backups/club/club-%%Y-%%m-%%d.db")
    copy.add_argument("--force", action="store_true", help="replace PATH when it exists")
    copy.add_argument("--keep", type=positive, metavar="N",
                      help="after a good backup, delete all but the N newest files named like PATH")
    back = db_commands.add_parser(
        "restore", help="put a backup in place of the database (stop the portal and worker first)",
        description="Verify the backup (integrity, a schema this code knows), keep the current database as "
                    "<db>.before-restore-<time> and put the backup in its place. Refused while a portal, the "
                    "newsletter worker or another process uses the database.")
    back.add_argument("path", metavar="PATH", help="the backup file")
    back.add_argument("--force", action="store_true",
                      help="restore even while the database is in use; restart those processes at once after")


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of backups to keep, 1 or more")
    return int(text)


def run(args: argparse.Namespace, settings: Settings, db: None = None) -> int:
    if args.db_command == "upgrade":
        return run_upgrade(settings)
    try:
        if args.db_command == "backup":
            return run_backup(args, settings)
        return run_restore(args, settings)
    except DatabaseBusy as exc:
        print(f"club: not restoring, the database is in use: {exc}. Stop them first (systemctl stop club-portal "
              "club-worker club-digest.timer club-backup.timer), or add --force and restart them at once after",
              file=sys.stderr)
        return 1
    except (BackupError, OSError) as exc:
        print(f"club: {exc}", file=sys.stderr)
        return 1


def run_upgrade(settings: Settings) -> int:
    with PortalLock.hold(settings.database):
        db = connect(settings.database)  # connecting applies pending migrations
        version = schema_version(db) or 0
        db.conn.close()
    print(f"club: {settings.database} is at schema version {version}")
    return 0


def run_backup(args: argparse.Namespace, settings: Settings) -> int:
    if args.keep is not None:
        backups_like(args.path)  # a PATH --keep cannot use fails before anything is copied
    made = backup(settings.database, dated(args.path), force=args.force)
    print(f"club: backed up {settings.database} to {made.path}: {size(made.size)}, schema version {made.schema}, "
          f"integrity ok ({made.seconds:.1f} s)")
    files = copy_new_files(settings.files_dir, made.path.parent / "files")  # uploads: only the new ones
    print(f"club: uploaded files in {files.target}: {files.copied} new, {size(files.size)}")
    if args.keep is not None:
        removed = prune(args.path, args.keep)
        if removed:
            print(f"club: removed {len(removed)} older backup(s), keeping {args.keep}: "
                  + ", ".join(path.name for path in removed))
    return 0


def run_restore(args: argparse.Namespace, settings: Settings) -> int:
    done = restore(args.path, settings.database, force=args.force)
    print(f"club: restored {done.database} from {args.path}: schema version {done.schema}, integrity ok")
    if done.kept is not None:
        print(f"club: the database it replaced is kept as {done.kept}")
    if done.schema < code_schema():
        print(f"club: the backup is at schema version {done.schema}; the portal applies migrations up to "
              f"{code_schema()} when it starts (or run club db upgrade)")
    if done.unfinished_newsletters:
        print(f"club: {done.unfinished_newsletters} newsletter(s) are scheduled or sending in this backup. Before "
              "starting club-worker, check `club newsletter status`: what was sent after the backup was taken "
              "would go out again; `club newsletter cancel ID` stops one")
    if done.forced_past:
        print(f"club: --force: {'; '.join(done.forced_past)}. Restart them now: they still use the replaced "
              "database, and /healthz says so", file=sys.stderr)
    return 0


def size(count: int) -> str:
    value = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} bytes"
