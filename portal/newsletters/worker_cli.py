"""`club worker [--once]` sends due newsletters; `club serve` runs the same worker in a thread.

The daemon stops on SIGTERM or SIGINT after the messages already handed to the SMTP server are
answered and recorded; the ones not yet started go back to the queue. docs/operators.md describes
the settings (CLUB_NEWSLETTER_*) and what happens after a crash.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime

from portal.core.db import connect
from portal.core.settings import Settings
from portal.newsletters.worker import Summary, Worker, WorkerBusy, WorkerLock, waiting

log = logging.getLogger("portal.newsletters.queue")


def add_parser(commands: argparse._SubParsersAction) -> None:
    worker = commands.add_parser(
        "worker", help="send due newsletters (runs until stopped; `club serve` runs it too)",
        description="Freeze the recipients of newsletters whose time has come and send them over "
                    "CLUB_NEWSLETTER_CONCURRENCY SMTP connections at most CLUB_NEWSLETTER_RATE messages a "
                    "second (CLUB_SMTP_URL; without it the messages go to CLUB_OUTBOX). Stops cleanly on "
                    "SIGTERM or Ctrl+C and continues where it left off.")
    worker.add_argument("--once", action="store_true",
                        help="send everything due now and exit: 0 when nothing is left, 1 when messages wait "
                             "for a retry")


def run(args: argparse.Namespace, settings: Settings, db) -> int:
    logging.basicConfig(level=logging.INFO, format="club worker: %(message)s")
    lock = WorkerLock(settings.database)
    try:
        lock.acquire()
    except WorkerBusy as exc:
        print(f"club worker: {exc}", file=sys.stderr)
        return 1
    try:
        worker = Worker(settings, db)
        summary = asyncio.run(_main(worker, once=args.once))
    except KeyboardInterrupt:
        return 130
    finally:
        lock.release()
    print(f"club worker: {describe(summary)}")
    left, next_at = waiting(db)
    if left:
        when = club_clock(settings, next_at) if next_at else "?"
        print(f"club worker: {left} message(s) wait for another attempt (next at {when}); run again later")
        return 1 if args.once else 0
    return 0


def club_clock(settings: Settings, timestamp: float) -> str:
    """"2026-12-03 14:30 (Asia/Vladivostok)": club time, as `club newsletter status` writes it."""
    from portal.web.context import club_zone, load_club_config

    zone = club_zone(load_club_config(settings.club_config))
    return f"{datetime.fromtimestamp(timestamp, zone):%Y-%m-%d %H:%M} ({zone.key})"


async def _main(worker: Worker, once: bool) -> Summary:
    if once:
        return await worker.run_once()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stop.set)
    print("club worker: running; SIGTERM or Ctrl+C stops it after the messages in flight", flush=True)
    return await worker.run_forever()


def describe(summary: Summary) -> str:
    return (f"sent {summary.sent}, failed {summary.failed}, bounced {summary.bounced}, "
            f"to retry later {summary.retry}; newsletters finished: {len(summary.newsletters)}")


class BackgroundWorker:
    """The worker in a thread with its own event loop (for `club serve`); a slow send never blocks a page."""

    def __init__(self, settings: Settings, progress: Callable[[str], None]) -> None:
        self.settings = settings
        self.progress = progress
        self.loop: asyncio.AbstractEventLoop | None = None
        self.worker: Worker | None = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="club-newsletter-worker", daemon=True)

    def start(self) -> BackgroundWorker:
        self.thread.start()
        return self

    def _run(self) -> None:
        lock, db = WorkerLock(self.settings.database), connect(self.settings.database)
        try:
            while not self.stopping.is_set():  # another `club worker` may hold the lock: wait for it
                try:
                    lock.acquire()
                    break
                except WorkerBusy:
                    self.stopping.wait(30)
            if self.stopping.is_set():
                return
            self.worker = Worker(self.settings, db)
            asyncio.run(self._serve())
        except Exception:  # the site keeps running; the operator sees why newsletters stopped
            log.exception("the newsletter worker stopped")
        finally:
            lock.release()
            db.conn.close()

    async def _serve(self) -> None:
        assert self.worker is not None
        self.loop = asyncio.get_running_loop()
        if self.stopping.is_set():
            return
        await self.worker.run_forever()

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        if self.loop is not None and self.worker is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                self.loop.call_soon_threadsafe(self.worker.stop.set)
        self.thread.join(timeout)


def worker_wanted(enabled: bool = True) -> bool:
    """`club serve` starts the worker unless --no-worker or CLUB_WORKER=0 (e.g. a `club worker` runs apart)."""
    return enabled and os.environ.get("CLUB_WORKER", "1").strip().lower() not in ("0", "false", "no", "off")


@contextlib.contextmanager
def background_worker(settings: Settings, progress: Callable[[str], None], enabled: bool = True) -> Iterator[None]:
    if not worker_wanted(enabled):
        progress("newsletter worker off (CLUB_WORKER=0 or --no-worker): run `club worker` to send newsletters")
        yield
        return
    worker = BackgroundWorker(settings, progress).start()
    progress("newsletter worker running (CLUB_WORKER=0 turns it off)")
    try:
        yield
    finally:
        worker.stop()
