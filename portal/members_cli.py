"""`club members import FILE.csv`."""

from __future__ import annotations

import argparse


def add_parsers(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("members", help="bring in an existing mailing list (not built yet)")


def run(args: argparse.Namespace, settings, db) -> int:
    print("club members: not built yet")
    return 2
