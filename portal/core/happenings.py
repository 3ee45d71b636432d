"""Happenings: a small in-process hook where one capability says what happened ("a person attended an
event") and others act on it, without importing each other (../shared/layout.md rule 3).

A happening is a frozen dataclass defined here, in core, so both sides share its shape. Each Portal has
its own `Happenings` (in `portal.parts`, made on first use): a capability subscribes from its `on_start`,
so two apps in one process (tests, `club` commands) never see each other's handlers.

Rules for the announcer: announce only after its own transaction has committed (`announce` refuses to
run inside one), so a handler never sees, nor can roll back, a change that is not final. Rules for a
handler: it runs in the announcer's request, in order of subscription; it must be idempotent (a
happening may be announced again, e.g. by a retry) and quick. A handler that raises is logged and
skipped: it never breaks the announcer's request, nor the handlers after it.

Limitation (by design, kept small): nothing is stored. A process that dies between the announcer's
commit and a handler loses that handler's work; the handler's capability says how staff make it up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlite_utils import Database

log = logging.getLogger("portal.happenings")
PART = "core.happenings"  # the key in Portal.parts
H = TypeVar("H")


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


class Happenings:
    """Handlers by the happening's class, for one portal."""

    def __init__(self) -> None:
        self._handlers: dict[type, list[Callable[[Database, Any], None]]] = {}

    def subscribe(self, kind: type[H], handler: Callable[[Database, H], None]) -> None:
        """Call `handler(db, happening)` for every announced happening of class `kind`."""
        self._handlers.setdefault(kind, []).append(handler)

    def handlers(self, kind: type) -> tuple[Callable[[Database, Any], None], ...]:
        return tuple(self._handlers.get(kind, ()))

    def announce(self, db: Database, happening: object) -> int:
        """Run the handlers of the happening's class; how many finished without an error."""
        if db.conn.in_transaction:
            raise RuntimeError("announce a happening after the transaction that made it has committed")
        done = 0
        for handler in self.handlers(type(happening)):
            try:
                handler(db, happening)
                done += 1
            except Exception:  # a handler's bug must not turn the announcer's request into a 500
                log.exception("happening %r: handler %s failed", happening, getattr(handler, "__qualname__", handler))
            finally:
                if db.conn.in_transaction:  # a handler that left its transaction open: not the next one's
                    db.conn.rollback()
        return done


def of(portal: Any) -> Happenings:
    """The portal's happenings (made on first use; `portal` is a web.context.Portal, duck-typed here)."""
    parts = portal.parts
    found = parts.get(PART)
    if found is None:
        found = parts[PART] = Happenings()
    return found
