"""The `club` command: check, build and serve the club site, and every capability's commands.

`club check|build` are the build's (site_builder), `club serve` puts the build and the portal
together (portal/serve.py); everything else comes from the capability list (`capability.commands`),
so a new capability's command needs no edit here.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from portal.capabilities import installed  # noqa: E402
from portal.core.capability import Command  # noqa: E402
from portal.core.db import connect  # noqa: E402
from portal.core.inuse import DatabaseBusy, PortalLock  # noqa: E402
from portal.core.settings import SettingsError, load_settings  # noqa: E402
from site_builder.config import ConfigError, key_line, load_config  # noqa: E402
from site_builder.errors import ContentError, ContentErrors  # noqa: E402

EPILOG = "Run inside the project (next to mkdocs.yml) or pass --config. Docs: docs/editors.md"


def parser(commands_of: list[Command]) -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="club", description="Partner Club: build and serve the club site.",
                                   epilog=EPILOG)
    main.add_argument("--config", "-f", metavar="FILE", help="path to mkdocs.yml (default: found upwards)")
    commands = main.add_subparsers(dest="command", metavar="COMMAND", required=True)
    add_build_parsers(commands)
    for command in commands_of:
        command.add(commands)
    return main


def add_build_parsers(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="validate front matter and links without building",
                                description="Validate every content file; print file:line for each problem. "
                                            "Exit code 1 when anything is wrong.")
    check.add_argument("--strict", action="store_true", help="also fail on broken internal links")
    build = commands.add_parser("build", help="build site/public, site/private and site/manifest.json",
                                description="Build the public site (gated pages as teasers), the members' "
                                            "pages and the manifest; scan the public output for closed text "
                                            "and publish only if it is clean.")
    build.add_argument("--strict", action="store_true", help="fail on broken internal links and MkDocs warnings")
    build.add_argument("--site-dir", metavar="DIR", help="output folder (default: site/)")
    build.add_argument("--jobs", type=int, default=2, choices=(1, 2), help="parallel builds (default: 2)")
    serve = commands.add_parser("serve", help="serve the site on http://127.0.0.1:8000 and rebuild on change",
                                description="Build, then serve the site (members-only pages as teasers) and "
                                            "rebuild when content/, themes/ or mkdocs.yml change; the browser "
                                            "reloads itself.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--no-build", action="store_true", help="serve the existing site/ without building first")
    serve.add_argument("--site-dir", metavar="DIR", help="site folder (default: site/)")
    serve.add_argument("--no-worker", action="store_true",
                       help="no background jobs in this process (also CLUB_WORKER=0): run `club worker` to "
                            "send newsletters")
    serve.add_argument("--demo", action="store_true",
                       help="on a new database, add demo companies, people (password in the output) and their "
                            "history (what `make run` does); never on a database that has people")


def main(argv: list[str] | None = None) -> int:
    commands = {command.name: command for capability in installed() for command in capability.commands}
    args = parser(list(commands.values())).parse_args(argv)
    if args.command in commands:  # the portal's commands need no mkdocs.yml
        return run_portal_command(args, commands[args.command])
    try:
        config = load_config(args.config, getattr(args, "site_dir", None))
        return BUILD_COMMANDS[args.command](args, config)
    except ConfigError as exc:
        print(f"club: {exc}", file=sys.stderr)
        return 2
    except ContentErrors as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        count = len(exc.errors)
        print(f"club: {count} problem{'s' if count != 1 else ''} in the content; nothing was built",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run_portal_command(args: argparse.Namespace, command: Command) -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"club: {exc}", file=sys.stderr)
        return 2
    if not command.database:
        return command.run(args, settings, None)
    try:
        lock = PortalLock.hold(settings.database)  # `club db restore` waits for us, and we for it
    except DatabaseBusy as exc:
        print(f"club: {exc}", file=sys.stderr)
        return 1
    try:
        return command.run(args, settings, connect(settings.database))  # connecting applies pending migrations
    finally:
        lock.release()


def check_settings(config) -> None:
    """The capabilities' own settings in mkdocs.yml (e.g. extra.club.points): ContentErrors naming
    mkdocs.yml:LINE for each problem, so a wrong rule fails `club check` and `club build`, not a month later."""
    problems = [problem for capability in installed() for check in capability.config_checks
                for problem in check(config.raw)]
    if problems:
        where = config.config_file.relative_to(config.root).as_posix()
        raise ContentErrors(ContentError(where, key_line(config.config_file, problem.split(":")[0]), problem)
                            for problem in problems)


def run_check(args: argparse.Namespace, config) -> int:
    from site_builder.build import check

    started = time.perf_counter()
    check_settings(config)
    site = check(config, strict=args.strict)
    print(f"club: {len(site.pages)} pages ok ({len(site.gated)} gated) in {time.perf_counter() - started:.2f} s")
    return 0


def run_build(args: argparse.Namespace, config) -> int:
    from mkdocs.exceptions import MkDocsException

    from site_builder.build import LeakError, build

    def progress(line: str) -> None:
        print(f"club: {line}", flush=True)

    check_settings(config)
    try:
        report = build(config, strict=args.strict, jobs=args.jobs, progress=progress)
    except LeakError as exc:
        print(f"club: {exc}", file=sys.stderr)
        return 1
    except MkDocsException as exc:
        print(f"club: the MkDocs build failed: {exc}", file=sys.stderr)
        return 1
    print(f"club: done — {report.pages} pages ({report.gated} gated) in {report.seconds:.1f} s")
    return 0


def run_serve(args: argparse.Namespace, config) -> int:
    from portal.serve import serve

    return serve(config, args.host, args.port, build_first=not args.no_build,
                 progress=lambda line: print(f"club: {line}", flush=True), worker=not args.no_worker,
                 demo=args.demo)


BUILD_COMMANDS = {"check": run_check, "build": run_build, "serve": run_serve}

if __name__ == "__main__":
    sys.exit(main())
