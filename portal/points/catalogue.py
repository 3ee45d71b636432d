"""The privilege catalogue the build published (site/privileges.json), read through the contract and
kept while the file is unchanged (its mtime), so a rebuild shows at once and a request costs one stat()."""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request

from portal.web.context import portal_of
from site_builder import contract
from site_builder.contract import PrivilegeEntry

log = logging.getLogger("portal.points")
PART = "points.privileges"  # its key in Portal.parts


class PrivilegeCatalogue:
    """Privileges by id. A missing or broken file means an empty catalogue (logged), never an error page."""

    def __init__(self, path: Path):
        self.path = path
        self._mtime: float | None = None
        self._privileges: dict[str, PrivilegeEntry] = {}

    def offered(self) -> list[PrivilegeEntry]:
        """What partners may request now, in the catalogue's order (without `available: false` ones)."""
        self._refresh()
        return [entry for entry in self._privileges.values() if entry.available]

    def get(self, privilege_id: str) -> PrivilegeEntry | None:
        """Any privilege by id, a withdrawn one too (old requests keep showing its name)."""
        self._refresh()
        return self._privileges.get(privilege_id)

    def _refresh(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            self._privileges, self._mtime = {}, None  # no privileges.json: the site has no catalogue
            return
        if mtime == self._mtime:
            return
        try:
            self._privileges = contract.read_privileges(self.path)
        except contract.PrivilegesError as exc:
            log.error("%s: offering no privileges until the next build", exc)
            self._privileges = {}
        self._mtime = mtime


def catalogue_for(site_dir: Path) -> PrivilegeCatalogue:
    return PrivilegeCatalogue(contract.SiteLayout(Path(site_dir)).privileges)


def open_catalogue(portal) -> None:
    """The capability's start: the privileges of the site under CLUB_SITE_DIR."""
    portal.parts[PART] = catalogue_for(portal.settings.site_dir)


def catalogue(portal) -> PrivilegeCatalogue:
    return portal.parts[PART]


def offered_or_404(request: Request, key: str = "privilege") -> PrivilegeEntry:
    """The privilege named in the URL (`{privilege}`) that partners may request; 404 for an unknown or
    withdrawn id, so a URL never tells a withdrawn privilege from one that never was."""
    entry = catalogue(portal_of(request)).get(request.path_params[key])
    if entry is None or not entry.available:
        raise HTTPException(404)
    return entry
