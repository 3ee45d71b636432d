"""GET /healthz: can this portal process serve? For monitors, load balancers and deploy scripts.

200 `{"status": "ok", "database": "ok", "site": "ok", "schema": 4}`; 503 with the failing part
named in place of its "ok". Cheap enough to poll every few seconds: two `stat` calls, one query on
the portal's own connection, `site/manifest.json` parsed again only when it changed. No session is
loaded, no CSRF cookie set, nothing written; `Cache-Control: no-store`, so no cache answers for a
portal that has since died. The messages name no paths, and nginx lets only the host itself ask
(deploy/nginx/club.conf; ASVS 5.0 13.4.5: monitoring endpoints are not exposed unless intended).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from portal.core.db import schema_version
from portal.core.inuse import PortalLock
from portal.ops.backup import code_schema
from portal.web.context import portal_of

PATH = "/healthz"


@dataclass(frozen=True)
class FileIdentity:
    """Which file a path named at one moment: a file replaced or removed since has another (or none)."""

    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity:
        found = os.stat(path)
        return cls(found.st_dev, found.st_ino)


@dataclass
class OpsState:
    """What the ops capability keeps per portal process (portal.parts["ops"])."""

    database: Path
    identity: FileIdentity | None  # the file the portal's connection opened; None: in memory
    lock: PortalLock | None  # held while the process lives: `club db restore` refuses meanwhile


async def healthz(request: Request) -> Response:
    portal = portal_of(request)
    state = portal.parts["ops"]
    database, schema = database_state(portal.db, state)
    site = site_state(portal.site)
    healthy = database == "ok" and site == "ok"
    body = {"status": "ok" if healthy else "fail", "database": database, "site": site, "schema": schema}
    return JSONResponse(body, status_code=200 if healthy else 503, headers={"Cache-Control": "no-store"})


def database_state(db: Database, state: OpsState) -> tuple[str, int | None]:
    """("ok", schema version) or (what is wrong, the version when the connection still answers)."""
    try:
        schema = schema_version(db)
    except sqlite3.Error as exc:
        return f"not answering: {exc}", None
    problem = file_problem(state)
    if problem is not None:
        return problem, schema
    if schema != code_schema():
        advice = "run club db upgrade" if schema < code_schema() else "restart the portal on the new release"
        return f"schema {schema}, this code expects {code_schema()}: {advice}", schema
    return "ok", schema


def file_problem(state: OpsState) -> str | None:
    """The connection still answers from an open file after that file was deleted or swapped: the
    writes would go where nobody finds them again, so say so while it can still be fixed."""
    if state.identity is None:
        return None
    try:
        now = FileIdentity.of(state.database)
    except FileNotFoundError:
        return "file missing: the portal is writing to a deleted file; restore it and restart the portal"
    except OSError as exc:
        return f"file not accessible: {exc.strerror}"
    if now != state.identity:
        return "file replaced since the portal started (a restore?): restart the portal"
    if not os.access(state.database, os.R_OK | os.W_OK):
        return "file not readable and writable by the portal's user"
    return None


def site_state(site) -> str:
    """The built site as the pages see it: a home page, and a manifest that is absent or readable."""
    if not (site.site_dir / "public" / "index.html").is_file():
        return "missing: no public/index.html (run club build)"
    site.gated.lookup("/")  # reloads manifest.json if it changed, and flags it when unreadable
    if site.gated.broken:
        return "manifest.json unreadable: every page answers 503 until the next club build"
    return "ok"


ROUTES = [Route(PATH, healthz, methods=["GET"])]
