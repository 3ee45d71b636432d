"""What every request handler needs: the portal's parts (`Portal`) and who is asking (`Visitor`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlite_utils import Database
from starlette.requests import Request

from .accounts import User, get_user
from .i18n import pick_language, translate
from .sessions import Session, load_session
from .settings import Settings

if TYPE_CHECKING:
    from site_builder.config import ClubConfig

    from .gated import GatedSite
    from .mail import Mailer
    from .oidc import OIDCClient


@dataclass
class Portal:
    settings: Settings
    db: Database
    mailer: Mailer
    site: GatedSite
    club: ClubConfig | None
    oidc: OIDCClient | None = None
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
