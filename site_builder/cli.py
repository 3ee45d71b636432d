"""The `club` command: check, build and serve the club site."""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from .config import ConfigError, load_config  # noqa: E402
from .errors import ContentErrors  # noqa: E402

EPILOG = "Run inside the project (next to mkdocs.yml) or pass --config. Docs: docs/editors.md"


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="club", description="Partner Club: build and serve the club site.",
                                   epilog=EPILOG)
    main.add_argument("--config", "-f", metavar="FILE", help="path to mkdocs.yml (default: found upwards)")
    commands = main.add_subparsers(dest="command", metavar="COMMAND", required=True)
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
                       help="do not send newsletters from this process (also CLUB_WORKER=0); run `club worker`")
    from portal.cli import add_parsers

    add_parsers(commands)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command in PORTAL_COMMANDS:  # the portal's commands need no mkdocs.yml
        from portal.cli import run

        return run(args)
    try:
        config = load_config(args.config, getattr(args, "site_dir", None))
        return COMMANDS[args.command](args, config)
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


def run_check(args: argparse.Namespace, config) -> int:
    from .build import check

    started = time.perf_counter()
    site = check(config, strict=args.strict)
    print(f"club: {len(site.pages)} pages ok ({len(site.gated)} gated) in {time.perf_counter() - started:.2f} s")
    return 0


def run_build(args: argparse.Namespace, config) -> int:
    from mkdocs.exceptions import MkDocsException

    from .build import LeakError, build

    def progress(line: str) -> None:
        print(f"club: {line}", flush=True)

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
    from .devserver import serve

    return serve(config, args.host, args.port, build_first=not args.no_build,
                 progress=lambda line: print(f"club: {line}", flush=True), worker=not args.no_worker)


PORTAL_COMMANDS = ("db", "user", "forum", "newsletter", "worker", "members")
COMMANDS = {"check": run_check, "build": run_build, "serve": run_serve}

if __name__ == "__main__":
    sys.exit(main())
