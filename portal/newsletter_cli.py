"""`club newsletter preview|send|status|cancel`."""

from __future__ import annotations

import argparse


def add_parsers(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("newsletter", help="newsletters (not built yet)")


def run(args: argparse.Namespace, settings, db) -> int:
    print("club newsletter: not built yet")
    return 2
