"""`club worker [--once]`: sends due newsletters."""

from __future__ import annotations

import argparse


def add_parsers(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("worker", help="background sender (not built yet)")


def run(args: argparse.Namespace, settings, db) -> int:
    print("club worker: not built yet")
    return 2
