"""What portal/app.py takes from the ops capability, in one place to re-wire when modules move.

`ROUTES` (GET /healthz), `PREFIXES` (paths app.ClubRouter must route instead of handing them to the
built site) and `attach(app, portal)`, called once by `create_app`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.applications import Starlette

from ..context import Portal
from ..db import database_file
from .health import PATH, ROUTES, FileIdentity, OpsState
from .inuse import PortalLock, portal_lock_path

__all__ = ["PREFIXES", "ROUTES", "attach"]
log = logging.getLogger("portal")
PREFIXES = (PATH,)


def attach(app: Starlette, portal: Portal) -> None:
    """Hold the database's portal lock while this process lives (`club db restore` refuses meanwhile,
    and a portal starting during a restore waits for it) and remember which file the connection
    opened (/healthz then notices a database deleted or replaced under the running portal)."""
    database = portal.settings.database
    opened = database_file(portal.db)
    if not opened:  # an in-memory database: nothing to lock or to watch
        app.state.ops = OpsState(database, None, None)
        return
    app.state.ops = OpsState(Path(opened), FileIdentity.of(Path(opened)), _lock(database))


def _lock(database: Path) -> PortalLock | None:
    try:
        return PortalLock.hold(database)
    except OSError as exc:  # e.g. a lock file created by root: serve anyway, and say what is lost
        log.warning("cannot lock %s (%s): club db restore will not notice this portal",
                    portal_lock_path(database), exc)
        return None
