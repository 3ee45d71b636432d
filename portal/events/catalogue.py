"""The events the build published (site/events.json), read through the contract, kept while the file is
unchanged (its mtime), so a rebuild shows at once and a request costs one stat()."""

from __future__ import annotations

import logging
from pathlib import Path

from site_builder import contract
from site_builder.contract import EventEntry

log = logging.getLogger("portal.events")
PART = "events"  # its key in Portal.parts


class EventCatalogue:
    """Event entries by slug. A missing or broken file means no events (logged), never an error page."""

    def __init__(self, path: Path):
        self.path = path
        self._mtime: float | None = None
        self._events: dict[str, EventEntry] = {}

    def all(self) -> dict[str, EventEntry]:
        self._refresh()
        return dict(self._events)

    def get(self, slug: str) -> EventEntry | None:
        self._refresh()
        return self._events.get(slug)

    def _refresh(self) -> None:
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            self._events, self._mtime = {}, None  # no events.json: the site has no event pages
            return
        if mtime == self._mtime:
            return
        try:
            self._events = contract.read_events(self.path)
        except contract.EventsError as exc:
            log.error("%s: taking no event registrations until the next build", exc)
            self._events = {}
        self._mtime = mtime


def catalogue_for(site_dir: Path) -> EventCatalogue:
    return EventCatalogue(contract.SiteLayout(Path(site_dir)).events)


def open_catalogue(portal) -> None:
    """The capability's start: the events of the site under CLUB_SITE_DIR."""
    portal.parts[PART] = catalogue_for(portal.settings.site_dir)


def catalogue(portal) -> EventCatalogue:
    return portal.parts[PART]
