"""Happenings: one capability says what happened ("a person attended an event") and others act on it,
without importing each other (../shared/layout.md rule 3), and without losing it.

A happening is a frozen dataclass defined here, in core, so both sides share its shape. The announcer
`record`s it inside the transaction that made the change (the `happenings` table, migration 21): the change
and its happening are committed together or not at all. Capabilities declare their handlers
(`Capability.happening_handlers`: the happening's class -> handler(db, settings, happening)); `deliver`
runs each handler on the happenings it has not handled yet, in order, and notes each one it finished
(`happenings_handled`). The announcer delivers right after its commit, so staff see the effect at once;
the core job "happenings" delivers every minute and at start, so a process that died in between, or a
handler that failed (a busy database), catches up. A handler must be idempotent: a crash after its work
and before its note runs it again. A handler that raises stops at that happening (logged) and is tried
again at the next delivery; the other handlers go on.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from portal.core.db import write_transaction
from portal.core.jobs import periodic
from portal.core.settings import Settings

log = logging.getLogger("portal.happenings")
DELIVER_SECONDS = 60.0
BATCH = 500  # happenings per handler per delivery: a backlog drains over a few rounds
Handler = Callable[[Database, Settings, Any], None]


@dataclass(frozen=True)
class Attended:
    """A person's attendance at an event was marked (attended=True) or corrected to absent (False)."""

    company_id: int | None  # the person's company when they registered; None: no company, no points
    user_id: int
    event_slug: str
    event_title: str
    attended: bool
    at: float               # when the mark was made (Unix seconds)
    by_id: int | None = None  # who marked it (staff), None for the club's own jobs


@dataclass(frozen=True)
class Detracted:
    """A person answered a survey wave 0-6 ("would not recommend"): the company's account manager should ask why."""

    wave_id: int
    user_id: int
    company_id: int | None  # the person's company when asked; None: no company, no account manager
    score: int
    why: str
    at: float               # when the answer was given (Unix seconds)


KINDS: dict[str, type] = {kind.__name__: kind for kind in (Attended, Detracted)}


def record(db: Database, happening: object) -> int:
    """Write the happening inside the caller's transaction (refused outside one: then a crash between the
    change and this row would lose it)."""
    if not db.conn.in_transaction:
        raise RuntimeError("record a happening inside the transaction that makes the change")
    name = type(happening).__name__
    if KINDS.get(name) is not type(happening):
        raise TypeError(f"{name} is not a happening (add it to KINDS in portal/core/happenings.py)")
    return db.conn.execute("INSERT INTO happenings (kind, payload, at) VALUES (?, ?, ?)",
                           [name, json.dumps(dataclasses.asdict(happening)), time.time()]).lastrowid


def handlers_of(capabilities: Iterable[Any]) -> list[tuple[str, type, Handler]]:
    """(name, kind, handler) of every capability's declared handlers; the name is what `deliver` notes."""
    return [(f"{capability.name}.{getattr(handler, '__name__', 'handler')}", kind, handler)
            for capability in capabilities for kind, handler in capability.happening_handlers.items()]


def _pending(db: Database, name: str, kind: type) -> list[tuple[int, object]]:
    last = db.execute("SELECT coalesce(max(happening_id), 0) FROM happenings_handled WHERE handler = ?",
                      [name]).fetchone()[0]
    rows = db.execute("SELECT id, payload FROM happenings WHERE kind = ? AND id > ? ORDER BY id LIMIT ?",
                      [kind.__name__, last, BATCH]).fetchall()
    return [(row_id, kind(**json.loads(payload))) for row_id, payload in rows]


def _deliver_one(db: Database, settings: Settings, name: str, kind: type, handler: Handler) -> int:
    done = 0
    for happening_id, happening in _pending(db, name, kind):
        try:
            handler(db, settings, happening)
        except Exception:  # a handler's bug or a busy database: this handler waits, the others go on
            log.exception("happening %s %r: handler %s failed; tried again at the next delivery",
                          happening_id, happening, name)
            if db.conn.in_transaction:
                db.conn.rollback()
            return done
        with write_transaction(db):  # INSERT OR IGNORE: another process delivered it meanwhile
            db.conn.execute("INSERT OR IGNORE INTO happenings_handled (happening_id, handler, at) VALUES (?, ?, ?)",
                            [happening_id, name, time.time()])
        done += 1
    return done


_delivering = threading.Lock()  # one delivery at a time per process: a handler sees its happenings in order


def deliver(db: Database, settings: Settings, handlers: list[tuple[str, type, Handler]]) -> int:
    """Run every handler on what it has not handled yet; how many (happening, handler) pairs finished.
    Never inside a transaction: each handler's work and each note are transactions of their own."""
    if db.conn.in_transaction:
        raise RuntimeError("deliver happenings after the transaction that recorded them has committed")
    with _delivering:
        return sum(_deliver_one(db, settings, name, kind, handler) for name, kind, handler in handlers)


def deliver_installed(settings: Settings, db: Database) -> int:
    """`deliver` with the handlers of every installed capability (the job's and the announcers' call)."""
    from portal.core.capability import REGISTRY

    return deliver(db, settings, handlers_of(REGISTRY))


def delivery_job(settings: Settings, progress: Callable[[str], None], enabled: bool = True,
                 every: float = DELIVER_SECONDS) -> AbstractContextManager[None]:
    return periodic(settings, progress, enabled, name="happenings", work=deliver_installed, every=every,
                    said=f"happenings: what one part of the club did, delivered to the others every {every:.0f} s",
                    at_start=True)
