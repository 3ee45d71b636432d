"""The ops capability's start: the in-use lock and the identity of the database file, per portal process."""

from __future__ import annotations

import logging
from pathlib import Path

from portal.core.db import database_file
from portal.core.inuse import PortalLock, portal_lock_path
from portal.ops.health import FileIdentity, OpsState
from portal.web.context import Portal

log = logging.getLogger("portal")


def attach(portal: Portal) -> None:
    """Hold the database's portal lock while this process lives (`club db restore` refuses meanwhile,
    and a portal starting during a restore waits for it) and remember which file the connection
    opened (/healthz then notices a database deleted or replaced under the running portal)."""
    database = portal.settings.database
    opened = database_file(portal.db)
    if not opened:  # an in-memory database: nothing to lock or to watch
        portal.parts["ops"] = OpsState(database, None, None)
        return
    portal.parts["ops"] = OpsState(Path(opened), FileIdentity.of(Path(opened)), _lock(database))


def _lock(database: Path) -> PortalLock | None:
    try:
        return PortalLock.hold(database)
    except OSError as exc:  # e.g. a lock file created by root: serve anyway, and say what is lost
        log.warning("cannot lock %s (%s): club db restore will not notice this portal",
                    portal_lock_path(database), exc)
        return None
