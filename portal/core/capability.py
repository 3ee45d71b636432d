"""What a capability adds to the portal, declared in one place, and the registry that collects them.

Each capability package (`portal/forum/`, `portal/newsletters/`, …) has a `capability.py` with one
`CAPABILITY = Capability(...)`: its routes, URL prefixes, word tables, migrations, CLI commands,
background jobs, cabinet cards, staff menu entries and header links, its entries on a company's
timeline, its part of a person's data download, its demo data, and its figures on the staff
dashboard. `portal/capabilities.py` lists the built-in ones (and finds installed ones through the
`partner_club.capabilities` entry point group); `portal/app.py` and `portal/cli.py` only walk that
list. Built-in capabilities use exactly the hooks an outside one would (as Datasette's built-in
plugins do), so adding one touches no other capability and no central file except the list.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from portal.core import i18n
from portal.core.dashboard import DashboardPanel, HealthColumn

if TYPE_CHECKING:
    from sqlite_utils import Database

    from portal.core.settings import Settings


class Migration(NamedTuple):
    """A numbered schema change: applied once, in one transaction, in version order across capabilities.

    Append only: a released migration is never edited; a correction is a new migration. Numbers are
    one sequence for the whole portal (the registry refuses a number two capabilities claim).
    """

    version: int
    name: str
    sql: str


@dataclass(frozen=True)
class Command:
    """A `club NAME …` subcommand: `add(subcommands)` adds its parser (help, arguments) to the `club`
    command's subparsers; `run(args, settings, db)` does it and returns the exit code. The database
    comes open with migrations applied (and its in-use lock held), or None with `database=False`:
    such a command opens it itself, if at all."""

    name: str
    add: Callable[[argparse._SubParsersAction], Any]
    run: Callable[[argparse.Namespace, Settings, Database | None], int]
    database: bool = True


@dataclass(frozen=True)
class Job:
    """Background work `club serve` runs beside the portal (each also has a command of its own):
    `start(settings, progress, enabled)` is a context manager that runs it until exit."""

    name: str
    start: Callable[[Settings, Callable[[str], None], bool], AbstractContextManager[Any]]


@dataclass(frozen=True)
class MenuEntry:
    """A link for staff: on the staff home (`/staff/`) and, with `header`, in the portal's header."""

    url: str
    label: str  # a word key
    roles: tuple[str, ...]
    header: bool = True
    order: int = 50


@dataclass(frozen=True)
class NavLink:
    """A link in the portal's header for signed-in people at `level` or above (e.g. the forum)."""

    url: str
    label: str  # a word key
    level: str = "member"
    order: int = 50


@dataclass(frozen=True)
class CabinetCard:
    """A card on the cabinet page: `template` (a partial, `_*.html`) with the values `values(request)`
    returns; shown to people whose level is `level` or above."""

    template: str
    values: Callable[[Any], Mapping[str, Any]] | None = None
    level: str = "registered"
    order: int = 50


@dataclass(frozen=True)
class TimelineEntry:
    """One contact on a company's timeline (the staff company card): a request, a reply, a call..."""

    at: float            # Unix seconds
    kind: str            # a word key naming what happened, e.g. "timeline.request"
    title: str           # the human part: a subject, a note
    url: str | None = None   # where staff open it
    actor: str | None = None  # who (a person or a staff member)
    detail: str = ""


Timeline = Callable[[Any, int, int], Sequence[TimelineEntry]]  # (db, company id, limit) -> newest first


@dataclass(frozen=True)
class Capability:
    name: str
    routes: Sequence[Any] = ()
    url_prefixes: tuple[str, ...] = ()  # the paths its routes live under (others go straight to the site)
    words: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    migrations: Sequence[Migration] = ()
    commands: Sequence[Command] = ()
    jobs: Sequence[Job] = ()
    cabinet_cards: Sequence[CabinetCard] = ()
    staff_menu: Sequence[MenuEntry] = ()
    nav_links: Sequence[NavLink] = ()
    exception_handlers: Mapping[Any, Callable] = field(default_factory=dict)
    # Paths whose forms carry files: their bodies may be CLUB_MAX_UPLOAD_BYTES instead of CLUB_MAX_BODY_BYTES.
    upload_prefixes: tuple[str, ...] = ()
    # What the capability adds to a company's timeline (the staff company card merges them by time).
    timeline: Timeline | None = None
    # What it keeps about a person, for their data download (152-FZ art. 14): (db, user id) -> top-level
    # keys of the export. Every table that holds a person's data answers through its owner here.
    personal_data: Callable[[Any, int], Mapping[str, Any]] | None = None
    # The endpoint for every path outside all capabilities' prefixes (the built site); one capability has it.
    fallback: Callable | None = None
    # Called with the Portal when an app (or a command) is made: sets up the capability's parts.
    on_start: Sequence[Callable[[Any], None]] = ()
    # Run once when `club serve` starts a development club (e.g. starter forum categories); may say what it did.
    on_dev_start: Sequence[Callable[[Database], str | None]] = ()
    # Run by `club serve --demo` (what `make run` does), after on_dev_start and in capability order:
    # demo data that shows the club at work. Each adds its own part only to a club that has none yet. The
    # settings are there for data that needs them (e.g. the built site's event pages).
    on_demo: Sequence[Callable[[Database, Settings], str | None]] = ()
    # What `club check` and `club build` ask of the club's settings in mkdocs.yml (the raw config): each
    # problem as "extra.club.<key path>: what is wrong, what to write"; the command adds mkdocs.yml:LINE.
    config_checks: Sequence[Callable[[Mapping[str, Any]], Sequence[str]]] = ()
    # What it does when another capability records a happening (core/happenings.py): the happening's class ->
    # handler(db, settings, happening), idempotent; delivered once each, in order, also after a crash.
    happening_handlers: Mapping[type, Callable[[Database, Settings, Any], None]] = field(default_factory=dict)
    # Its blocks of figures on the staff dashboard and its columns of the partner health table (core/dashboard.py).
    dashboard_panels: Sequence[DashboardPanel] = ()
    health_columns: Sequence[HealthColumn] = ()


class CapabilityError(RuntimeError):
    """Two capabilities claim the same migration number, word or name."""


class Registry:
    """The capabilities of this process, in registration order."""

    def __init__(self) -> None:
        self._items: list[Capability] = []

    def register(self, capability: Capability) -> None:
        if any(item is capability for item in self._items):
            return
        if any(item.name == capability.name for item in self._items):
            raise CapabilityError(f"two capabilities are called {capability.name!r}")
        taken = {m.version: item.name for item in self._items for m in item.migrations}
        for migration in capability.migrations:
            if migration.version in taken:
                raise CapabilityError(f"migration {migration.version} of {capability.name!r} is already "
                                      f"{taken[migration.version]!r}'s; take the next free number")
        i18n.register_words(capability.words, capability.name)
        self._items.append(capability)

    def __iter__(self):
        return iter(list(self._items))

    def migrations(self) -> list[Migration]:
        found = sorted((m for item in self._items for m in item.migrations), key=lambda m: m.version)
        if not found:
            raise CapabilityError("no capabilities are registered: import portal.capabilities first")
        return found


REGISTRY = Registry()
