"""`club build`: validate, build the public and private sites (in parallel), prove, publish.

Phases: model (load + validate content) -> two MkDocs builds into `.cache/club/out-*` -> leak
scan of the public output -> publish into `site/public`, `site/private`, `site/manifest.json`,
`site/events.json`, `site/privileges.json`, `site/catalogue.json`.
Nothing reaches `site/public` unless the scan passed (fail closed).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from . import fast
from .catalogue import catalogue_entries
from .compress import LATER_SIZE, Outcome, compress_files, copy_rels, text_files
from .config import ClubConfig
from .content import Site, english_site, load_site
from .contract import (
    CATALOGUE,
    EVENTS,
    MANIFEST,
    PRIVILEGES,
    SEARCH_INDEX,
    write_events,
    write_json_atomic,
    write_manifest,
    write_privileges,
)
from .contract.catalogue import write_catalogue
from .contract.shell import SHELL_DIR
from .errors import ContentError, ContentErrors
from .events import event_entries
from .filesync import swap_in, sync_files, sync_tree
from .leaks import IncrementalScan, Leak, fingerprints, scan, versions
from .links import check_links
from .manifest import gated_entries, gated_media
from .newsletter_mail import Prerender, mail_leaks, render_mail, write_mail
from .plugin import PRELOADED, previews_file
from .privileges import privilege_entries
from .shell import publish_shells
from .stage import private_media

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
Progress = Callable[[str], None]


class LeakError(RuntimeError):
    WHERE = "members-only text reached the public build (.cache/club/out-public)"

    def __init__(self, leaks: list[Leak]):
        self.leaks = leaks
        lines = [f"{leak.file}: contains closed text of {leak.page} (\u201c{leak.words}\u2026\u201d)"
                 for leak in leaks[:20]]
        super().__init__(f"{self.WHERE}; nothing was published to site/:\n" + "\n".join(lines))


class MailLeakError(LeakError):
    """Closed text in an e-mail that goes to readers who may not read the page (the Ghost failure)."""

    WHERE = ("members-only text would go by e-mail to readers who may not read it (a newsletter's preview, "
             "or its subject or preheader, which every recipient sees)")


@dataclass
class BuildReport:
    pages: int
    gated: int
    seconds: float
    modes: dict[str, float] = field(default_factory=dict)


# One MkDocs build per mode and language: "public-en" is the English public site, published under /en/.
MODES = ("public", "private", "public-en", "private-en")
EN = "en"


def out_dir(config: ClubConfig, mode: str) -> Path:
    return config.stage_root / f"out-{mode}"


def sites(site: Site) -> list[tuple[str, Site]]:
    """The site in each language with the folder of site/ its pages go to ("" for Russian)."""
    return [("", site), (EN + "/", english_site(site))]


def all_fingerprints(site: Site) -> dict:
    """Closed text of every language: either may show up in either site (fail closed)."""
    prints = fingerprints(english_site(site))
    prints.update(fingerprints(site))
    return prints


def link_errors(site: Site) -> list[ContentError]:
    known = {page.rel for page in site.pages} | set(site.media)
    errors: list[ContentError] = []
    for page in site.pages:
        errors.extend(check_links(page.display, page.body, page.body_line, page.rel, known))
    for tr in site.translations.values():  # an English page links as its Russian page does
        errors.extend(check_links(tr.display, tr.body, tr.body_line, tr.rel, known))
    return errors


def check(config: ClubConfig, strict: bool = False) -> Site:
    """The model phase alone (`club check`): raise ContentErrors listing every problem."""
    site = load_site(config, strict_errors=False)
    errors = list(site.errors)
    if strict:
        errors += link_errors(site)
    if errors:
        raise ContentErrors(errors)
    return site


_PLUGIN_CACHES: dict[str, dict] = {}


def _show_mkdocs_warnings() -> None:
    """Print MkDocs warnings as `mkdocs: ...` (in strict mode they are what failed the build)."""
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.WARNING)
    if not any(getattr(h, "_club", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("mkdocs: %(message)s"))
        handler._club = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False


def run_mkdocs(config_file: str, mode: str, site_dir: str, dirty: bool = False, strict: bool = False,
               keep_plugins: bool = False, split: bool = False) -> float:
    """One MkDocs build of one mode; returns its seconds. Runs in a worker process or in-process.

    `split`: convert and render the pages in two processes (site_builder/fast/prefetch.py, split.py);
    only for a worker process of its own, as forking a process with other threads running is unsafe."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config as mkdocs_config

    from .fast.prefetch import Prefetch
    from .fast.split import PageSplit

    _show_mkdocs_warnings()
    started = time.perf_counter()
    if fast.enabled():
        fast.use_plugin_cache(mode, _PLUGIN_CACHES)
    config = mkdocs_config(config_file, site_dir=site_dir, strict=strict)
    config.plugins["club"].config.mode, _, language = mode.partition("-")
    config.plugins["club"].config.language = language or "ru"
    config.plugins.on_startup(command="build", dirty=dirty)
    try:
        with contextlib.ExitStack() as stack:
            if split and not dirty:
                stack.enter_context(PageSplit(config))
                stack.enter_context(Prefetch(config))
            mkdocs_build(config, dirty=dirty)
    finally:
        if not keep_plugins:
            config.plugins.on_shutdown()  # e.g. the blog plugin removes its temporary folder
            _PLUGIN_CACHES.pop(mode, None)
    return time.perf_counter() - started


def build(config: ClubConfig, strict: bool = False, jobs: int = 2, progress: Progress = print) -> BuildReport:
    started = time.perf_counter()
    site = check(config, strict)
    progress(f"content: {len(site.pages)} pages, {len(site.gated)} gated — ok")
    PRELOADED[str(config.config_file)] = site
    scanner = IncrementalScan(out_dir(config, "public"), {})
    mail = Prerender(site)

    def meanwhile(futures: dict[str, Future]) -> None:
        # This process is idle while the builds run: fingerprint now, and scan public files and
        # make newsletter e-mails as they are written once the (shorter) private build has freed a core.
        scanner.prints = all_fingerprints(site)
        while not futures["public"].done():
            busy = futures["private"].done() and (scanner.step(0.25) | mail.step(0.25))
            if not busy:  # polling without a pause would take a core from the builds
                wait([futures["public"]], timeout=0.2)

    modes = build_modes(config, strict, jobs, progress, meanwhile=meanwhile if jobs > 1 else None)
    if not scanner.prints:
        scanner.prints = all_fingerprints(site)
    publish(site, progress, scanner=scanner, swap=True, mail=mail)
    return BuildReport(len(site.pages), len(site.gated), time.perf_counter() - started, modes)


def build_modes(config: ClubConfig, strict: bool, jobs: int, progress: Progress, dirty: bool = False,
                keep_plugins: bool = False, modes: tuple[str, ...] = MODES,
                meanwhile: Callable[[dict[str, Future]], None] | None = None) -> dict:
    # The public build is the longest: it converts and renders its pages in two processes (not
    # with the stock code: other MkDocs versions, or CLUB_NO_SPEEDUPS). Plugins are kept between
    # builds (club serve's dirty rebuilds) only where each mode can have its own instances.
    split = jobs > 1 and fast.enabled()
    keep_plugins = keep_plugins and fast.enabled()
    args = [(str(config.config_file), mode, str(out_dir(config, mode)), dirty, strict, keep_plugins,
             split and mode == "public") for mode in modes]
    if not fast.enabled():
        seconds = in_fresh_processes(args, jobs > 1, meanwhile)
    elif jobs > 1:
        # fork: the children inherit the loaded content (PRELOADED) and imported MkDocs.
        context = multiprocessing.get_context("fork")
        # The workers start without the plugin instances this process keeps (`club serve` keeps
        # them between rebuilds): a forked copy would share their temporary folders with this one.
        with ProcessPoolExecutor(max_workers=2, mp_context=context, initializer=_PLUGIN_CACHES.clear) as pool:
            futures = {a[1]: pool.submit(run_mkdocs, *a) for a in args}
            if meanwhile is not None:
                meanwhile(futures)
            seconds = {mode: future.result() for mode, future in futures.items()}
    else:
        seconds = {a[1]: run_mkdocs(*a) for a in args}
    for mode, took in seconds.items():
        progress(f"{mode} site: built in {took:.1f} s")
    for mode in ("public", "private"):
        if f"{mode}-{EN}" in modes:
            nest(out_dir(config, f"{mode}-{EN}"), out_dir(config, mode) / EN)
    return seconds


def in_fresh_processes(args: list[tuple], parallel: bool,
                       meanwhile: Callable[[dict[str, Future]], None] | None) -> dict[str, float]:
    """Each build in a new process (the stock code). MkDocs keeps plugin instances process-wide, and
    only on the proven versions can each mode have its own (fast.use_plugin_cache): a second build in
    one process would reuse instances the first shut down (the blog's temporary folder is gone), and
    state could cross from a members' build into a public one."""
    context = multiprocessing.get_context("fork")
    with contextlib.ExitStack() as stack:
        futures: dict[str, Future] = {}
        for arg in args:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=1, mp_context=context,
                                                           initializer=_PLUGIN_CACHES.clear))
            futures[arg[1]] = pool.submit(run_mkdocs, *arg)
            if not parallel:
                futures[arg[1]].result()
        if parallel and meanwhile is not None:
            meanwhile(futures)
        return {mode: future.result() for mode, future in futures.items()}


def nest(built: Path, target: Path) -> None:
    """Put a language's build inside the Russian one (out-public/en/), so that it is scanned and
    published with it. A build that wrote nothing new (a dirty rebuild of other modes) keeps what is there."""
    if not built.is_dir():
        return
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(built, target)


def publish(site: Site, progress: Progress, changed_since: float | None = None,
            prints: dict | None = None, scanner: IncrementalScan | None = None, swap: bool = False,
            mail: Prerender | None = None, memo: dict | None = None, later: list | None = None) -> None:
    """Scan the public build, then copy it and the private pages into site/ (only if clean).

    `changed_since` (dev rebuilds): scan and copy only public files written since then; `prints`:
    fingerprints the caller already has, and `memo` the scan's answers for them (leaks.first_run);
    `mail`: newsletter e-mails made while the build ran; `later` (`club serve`): gets the calls that
    compress the big files (compress.LATER_SIZE), to be made once the browser has the rebuild.
    """
    config = site.config
    public = out_dir(config, "public")
    only = None
    if changed_since is not None:
        only = [path for (_, _, mtime), path in versions(public) if mtime >= changed_since * 1e9]
    if scanner is not None:
        prints, leaks = scanner.prints, scanner.finish()
    else:
        prints = all_fingerprints(site) if prints is None else prints
        leaks = scan(public, prints, only, memo)
    if leaks:
        raise LeakError(leaks)
    progress(f"leak scan: {len(only) if only is not None else 'all'} public files checked — clean")
    mails = render_mail(site, mail)
    leaks = mail_leaks(mails, prints)
    if leaks:
        raise MailLeakError(leaks)
    # Order matters for a portal serving while we publish: members' pages first, then the
    # manifest that points at them, then the public files.
    private, members = out_dir(config, "private"), config.output_dir("private")
    private_files = [prefix + rel for prefix, each in sites(site)
                     for rel in [p.url + "index.html" for p in each.gated] + sorted(private_media(each))]
    indexes = [prefix + INDEX for prefix, _ in sites(site) if (public / prefix / INDEX).is_file()]
    later_over = LATER_SIZE if later is not None else None
    copies = compress_files(private, private_files, previous=members, later_over=later_over)
    sync_files(private, members, private_files + copies.present,
               keep={rel for index in indexes for rel in (index, *copy_rels(index))})
    for index in indexes:
        write_members_index(public / index, private / index, members / index)
    copies.add(compress_files(members, indexes, later_over=later_over))
    entries, media = [], {}
    for prefix, each in sites(site):
        previews = _read_json(previews_file(each, prefix.strip("/") or "ru"))
        entries += gated_entries(each, previews, prefix)
        media.update(gated_media(each, prefix))
    write_manifest(config.site_dir / MANIFEST, entries, media)
    # Beside the manifest, never inside public/ or private/: it holds the webinar links.
    write_events(config.site_dir / EVENTS, event_entries(site.pages, config))
    write_privileges(config.site_dir / PRIVILEGES, privilege_entries(site.pages))
    write_catalogue(config.site_dir / CATALOGUE, catalogue_entries(site))  # the calculators' and orders' products
    moved = publish_shells(public, config.site_dir, config.language)  # the portal pages' shell, never served
    if only is not None:
        only = [path for path in only if path not in moved]
    public_copies = publish_public(public, config.output_dir("public"), only, swap, later_over)
    if later is not None:  # in place, in site/: made from the files just published
        later.append(functools.partial(compress_files, members, copies.later))
        later.append(functools.partial(compress_files, config.output_dir("public"), public_copies.later))
    copies.add(public_copies)
    progress(f"compressed copies (.br, .gz): {copies.summary()}")
    written = write_mail(config.site_dir, mails)
    for warning in mails.warnings:
        progress(f"warning: {warning}")
    progress(f"published: {config.output_dir('public')}, {config.output_dir('private')}, manifest.json, "
             f"{EVENTS}, {PRIVILEGES}, {CATALOGUE}, {SHELL_DIR}/; "
             f"e-mail of {len(mails.artefacts)} newsletters in {config.site_dir / 'mail'} ({written} written)")


def publish_public(built: Path, target: Path, only: list[Path] | None, swap: bool,
                   later_over: int | None = None) -> Outcome:
    """Compress the scanned public build (the copies go with it), then put it in place of `target`."""
    rels = text_files(built) if only is None else [path.relative_to(built).as_posix() for path in only]
    copies = compress_files(built, rels, previous=target, later_over=later_over)
    if swap:
        swap_in(built, target)
    elif only is None:
        sync_tree(built, target)
    else:  # a dirty build rewrites changed files only and removes none but their stale copies
        sync_files(built, target, rels + copies.present, remove_extra=False)
        for rel in copies.absent:
            (target / rel).unlink(missing_ok=True)
    return copies


INDEX = SEARCH_INDEX


def write_members_index(public_index: Path, private_index: Path, target: Path) -> None:
    """Members search everything: the private build's entries, plus the public build's for pages
    the private build did not render (public pages; their text is the same for everyone)."""
    private = json.loads(private_index.read_text(encoding="utf-8"))
    rendered = {doc["location"].split("#", 1)[0] for doc in private["docs"]}
    public_docs = json.loads(public_index.read_text(encoding="utf-8"))["docs"]
    private["docs"] += [doc for doc in public_docs if doc["location"].split("#", 1)[0] not in rendered]
    write_json_atomic(target, private, keep_same=True)  # unchanged, it keeps its compressed copies


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
