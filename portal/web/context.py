"""What every request handler needs: the portal's parts (`Portal`) and who is asking (`Visitor`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlite_utils import Database
from starlette.requests import Request

from portal.core.i18n import pick_language, translate
from portal.core.identity import User, get_user
from portal.core.mail import Mailer
from portal.core.sessions import Session, load_session
from portal.core.settings import Settings

if TYPE_CHECKING:
    from portal.core.capability import Capability
    from site_builder.config import ClubConfig

log = logging.getLogger("portal")


class DevHooks(Protocol):
    """What `club serve` adds to the app (site_builder.devserver.DevBuilder): the reload routes and script."""

    def routes(self) -> list: ...
    def decorate_html(self, body: bytes) -> bytes: ...


@dataclass
class Portal:
    """The parts of one running portal. Capabilities keep their own parts on it (their `on_start`
    sets them): `site` (the built site, GatedSite), `oidc` (the external sign-in client)."""

    settings: Settings
    db: Database
    mailer: Mailer
    club: ClubConfig | None
    capabilities: tuple[Capability, ...] = ()
    site: Any = None
    oidc: Any = None
    parts: dict[str, Any] = field(default_factory=dict)  # other capabilities' per-process state, by name
    background: set = field(default_factory=set)  # running mail tasks, so they are not garbage-collected

    @property
    def site_name(self) -> str:
        return self.club.site_name if self.club else "Partner Club"

    @property
    def zone(self) -> ZoneInfo:
        """The club's time zone: every time the portal shows (forum, bans, newsletters) is in it."""
        return club_zone(self.club)


def club_zone(club: ClubConfig | None) -> ZoneInfo:
    """extra.club.timezone of mkdocs.yml; its default when there is no config or the name is unknown
    (newsletters.club_view falls back the same way and tells staff why)."""
    from site_builder.config import DEFAULT_TIMEZONE

    try:
        return ZoneInfo(club.timezone if club else DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def settings_zone(settings: Settings) -> str:
    """The club's time zone name for code that has the settings but not the Portal (dashboard panels get
    (db, settings, period, language)): mkdocs.yml is read once per change of the file."""
    return club_zone(club_of(settings)).key


def settings_vocabulary(settings: Settings, kind: str, language: str) -> dict[str, str]:
    """One of the club's vocabularies (segments, regions, topics, roles) for code that has the settings."""
    return vocabularies(club_of(settings), language).get(kind, {})


def vocabularies(club: ClubConfig | None, language: str = "ru") -> dict[str, dict[str, str]]:
    """The club's segments, regions, topics and roles in the company (key -> label) in `language` (the
    reader's: a Russian label on an English page was issue 18's slip), from mkdocs.yml or the defaults."""
    if club is None:
        from site_builder.config import VOCABULARIES, default_labels

        labels = default_labels()
        return {kind: labels.get(language, labels["ru"])[kind] for kind in VOCABULARIES}
    return {kind: club.vocabulary(kind, language) for kind in ("segments", "regions", "topics", "roles")}


def load_club_config(path: Path) -> ClubConfig | None:
    """Site name, time zone and vocabularies from mkdocs.yml when it is there; defaults otherwise."""
    from site_builder.config import ConfigError, load_config

    try:
        return load_config(path) if path.is_file() else None
    except ConfigError as exc:
        log.warning("%s", exc)
        return None


_CLUB_CACHE: dict[Path, tuple[int, ClubConfig | None]] = {}


def club_of(settings: Settings) -> ClubConfig | None:
    """The club's config for code that has the settings but no Portal (the dashboard's figures, the health
    table's columns): read again only when mkdocs.yml changes (its mtime), not on every call."""
    path = settings.club_config
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    cached = _CLUB_CACHE.get(path)
    if cached is None or cached[0] != stamp:
        cached = _CLUB_CACHE[path] = (stamp, load_club_config(path))
    return cached[1]


def build_portal(settings: Settings, db: Database, capabilities: tuple[Capability, ...],
                 mailer: Mailer | None = None) -> Portal:
    """The portal's parts, each capability's `on_start` run (for the app and for `club` commands alike)."""
    portal = Portal(settings=settings, db=db, mailer=mailer or Mailer(settings),
                    club=load_club_config(settings.club_config), capabilities=capabilities)
    for capability in capabilities:
        for start in capability.on_start:
            start(portal)
    return portal


@dataclass(frozen=True)
class Visitor:
    session: Session | None
    user: User | None
    language: str

    @property
    def level(self) -> str:
        return self.user.level if self.user else "anonymous"

    def t(self, key: str, **values: object) -> str:
        return translate(self.language, key, **values)


def portal_of(request: Request) -> Portal:
    return request.app.state.portal


def visitor(request: Request) -> Visitor:
    """Who is asking; loaded once per request, only when a handler needs it (static files never do)."""
    cached = request.scope.setdefault("state", {}).get("club_visitor")
    if cached is not None:
        return cached
    portal = portal_of(request)
    session = load_session(portal.db, portal.settings, request)
    user = get_user(portal.db, session.user_id) if session else None
    if session is not None and user is None:
        session = None
    found = Visitor(session, user, pick_language(request, portal.settings.language, user.language if user else None))
    request.scope["state"]["club_visitor"] = found
    return found


def forget_visitor(request: Request) -> None:
    """After sign-in/out in the same request, the next `visitor()` call reloads."""
    request.scope.setdefault("state", {}).pop("club_visitor", None)
