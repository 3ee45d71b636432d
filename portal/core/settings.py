"""Portal settings from the environment and an optional `.env` file (Starlette `Config`).

Every setting is named `CLUB_*`; docs/operators.md lists them. Defaults suit a developer's
machine: a SQLite file and a mail outbox under `var/`, a secret key generated there once.
"""

from __future__ import annotations

import ipaddress
import math
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from starlette.config import Config, Environ, environ

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(Exception):
    """A setting is missing or wrong; the message names it and says how to fix it."""


@dataclass(frozen=True)
class OIDCSettings:
    """One optional external identity provider (OpenID Connect, discovery document)."""

    name: str  # shown on the button: "Войти через {name}"
    discovery_url: str  # https://id.example.com/.well-known/openid-configuration
    client_id: str
    client_secret: str
    scope: str = "openid email profile"


@dataclass(frozen=True)
class Settings:
    database: Path
    site_dir: Path
    base_url: str
    secret_key: str
    smtp_url: str | None
    mail_from: str
    outbox_dir: Path
    language: str = "ru"
    club_config: Path = Path("mkdocs.yml")
    oidc: OIDCSettings | None = None
    max_body_bytes: int = 512 * 1024  # a 20,000-character Cyrillic post is ~120 KB form-encoded
    max_upload_bytes: int = 11 * 1024 * 1024  # CLUB_MAX_UPLOAD_BYTES: forms with files (10 MB of files and text)
    files_dir: Path = Path("var/files")  # CLUB_FILES_DIR: uploaded files, outside every served folder
    session_idle_seconds: int = 14 * 24 * 3600
    session_absolute_seconds: int = 60 * 24 * 3600
    accel_redirect: str = ""  # CLUB_ACCEL_REDIRECT: nginx internal location for members' files (docs/nginx.md)
    files_accel: str = ""  # CLUB_FILES_ACCEL: nginx internal location aliased to CLUB_FILES_DIR (docs/nginx.md)
    extra: dict = field(default_factory=dict)
    newsletter_tracking: bool = True  # CLUB_NEWSLETTER_TRACKING: open pixel and click redirects club-wide
    newsletter_concurrency: int = 4  # CLUB_NEWSLETTER_CONCURRENCY: SMTP connections the worker keeps open
    newsletter_rate: float = 0.0  # CLUB_NEWSLETTER_RATE: messages per second over all connections; 0 = no limit
    # CLUB_TRUSTED_PROXIES: the reverse proxies whose X-Forwarded-For names the client; none by default.
    trusted_proxies: tuple[IPNetwork, ...] = ()

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def load_settings(env_file: str | Path | None = ".env", environ_: Environ | None = None,
                  var_dir: Path | None = None) -> Settings:
    """Read CLUB_* settings; raise SettingsError with the variable's name when one is wrong."""
    env = environ_ if environ_ is not None else environ
    path = Path(env_file) if env_file else None
    config = Config(path if path and path.is_file() else None, environ=env)
    database = Path(config("CLUB_DATABASE", default="var/club.db"))
    var = var_dir or database.parent
    base_url = config("CLUB_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise SettingsError(f"CLUB_BASE_URL={base_url!r} is not an http(s) URL; "
                            "set it to the address people open, e.g. https://club.example.ru")
    secret = config("CLUB_SECRET_KEY", default="")
    if not secret:
        if base_url.startswith("https://"):
            raise SettingsError("CLUB_SECRET_KEY is required when CLUB_BASE_URL is https; "
                                "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'")
        secret = development_secret(var / "secret_key")
    elif len(secret) < 32:
        raise SettingsError("CLUB_SECRET_KEY is shorter than 32 characters; generate a longer one")
    language = config("CLUB_LANGUAGE", default="ru")
    if language not in ("ru", "en"):
        raise SettingsError(f"CLUB_LANGUAGE={language!r}: use ru or en")
    return Settings(
        database=database,
        site_dir=Path(config("CLUB_SITE_DIR", default="site")),
        base_url=base_url,
        secret_key=secret,
        smtp_url=config("CLUB_SMTP_URL", default="") or None,
        mail_from=config("CLUB_MAIL_FROM", default="") or club_sender(Path(config("CLUB_CONFIG",
                                                                                  default="mkdocs.yml"))),
        outbox_dir=Path(config("CLUB_OUTBOX", default=str(var / "outbox"))),
        language=language,
        club_config=Path(config("CLUB_CONFIG", default="mkdocs.yml")),
        oidc=load_oidc(config),
        max_body_bytes=config("CLUB_MAX_BODY_BYTES", cast=int, default=512 * 1024),
        max_upload_bytes=config("CLUB_MAX_UPLOAD_BYTES", cast=int, default=11 * 1024 * 1024),
        files_dir=Path(config("CLUB_FILES_DIR", default=str(var / "files"))),
        accel_redirect=config("CLUB_ACCEL_REDIRECT", default="").strip(),
        files_accel=config("CLUB_FILES_ACCEL", default="").strip(),
        trusted_proxies=load_trusted_proxies(config("CLUB_TRUSTED_PROXIES", default="")),
        **load_newsletter_settings(config),
    )


_SITE_NAME = re.compile(r"^site_name:[ \t]*(.+?)[ \t]*$", re.M)


def club_sender(club_config: Path, address: str = "club@localhost") -> str:
    """The sender when CLUB_MAIL_FROM is unset: the club's own name (mkdocs.yml `site_name`), so that the
    From line and the letters' signature name the same club (issue 18). One line read, not the whole
    config: settings come before everything, and core does not load the site's configuration."""
    try:
        found = _SITE_NAME.search(club_config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        found = None
    name = found.group(1).strip("'\"").strip() if found else ""
    if not name:
        return f"Partner Club <{address}>"
    if any(mark in name for mark in '",<>@;:()[]\\'):  # RFC 5322 specials: quote the phrase
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


MAX_CONCURRENCY = 50  # more parallel connections than this looks like an attack to most relays
_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def load_newsletter_settings(config: Config) -> dict:
    """CLUB_NEWSLETTER_* for the sending worker (docs/operators.md, «Newsletters: sending»)."""
    tracking = config("CLUB_NEWSLETTER_TRACKING", default="1").strip().lower()
    if tracking not in _BOOLEANS:
        raise SettingsError(f"CLUB_NEWSLETTER_TRACKING={tracking!r}: use 1 (open pixel and click links on) "
                            "or 0 (off for every newsletter)")
    raw = config("CLUB_NEWSLETTER_CONCURRENCY", default="4").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_CONCURRENCY:
        raise SettingsError(f"CLUB_NEWSLETTER_CONCURRENCY={raw!r}: use a whole number of SMTP connections "
                            f"from 1 to {MAX_CONCURRENCY}, e.g. 4")
    rate_text = config("CLUB_NEWSLETTER_RATE", default="0").strip()
    try:
        rate = float(rate_text)
    except ValueError:
        rate = math.nan
    if not (math.isfinite(rate) and rate >= 0):
        raise SettingsError(f"CLUB_NEWSLETTER_RATE={rate_text!r}: use messages per second, e.g. 50 or 0.5; "
                            "0 means no limit")
    return {"newsletter_tracking": _BOOLEANS[tracking], "newsletter_concurrency": int(raw),
            "newsletter_rate": rate}


def load_trusted_proxies(text: str) -> tuple[IPNetwork, ...]:
    """CLUB_TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8": addresses or networks, comma-separated."""
    networks = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise SettingsError(f"CLUB_TRUSTED_PROXIES: {item!r} is not an IP address or network; "
                                "list your reverse proxies, e.g. 127.0.0.1 or 10.0.0.0/8") from exc
    return tuple(networks)


def load_oidc(config: Config) -> OIDCSettings | None:
    discovery = config("CLUB_OIDC_DISCOVERY_URL", default="")
    if not discovery:
        return None
    client_id = config("CLUB_OIDC_CLIENT_ID", default="")
    if not client_id:
        raise SettingsError("CLUB_OIDC_DISCOVERY_URL is set but CLUB_OIDC_CLIENT_ID is not; set both or neither")
    return OIDCSettings(
        name=config("CLUB_OIDC_NAME", default="SSO"),
        discovery_url=discovery,
        client_id=client_id,
        client_secret=config("CLUB_OIDC_CLIENT_SECRET", default=""),
        scope=config("CLUB_OIDC_SCOPE", default="openid email profile"),
    )


def development_secret(path: Path) -> str:
    """A key generated once per checkout, so dev sessions survive restarts. Never used over https."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key + "\n", encoding="utf-8")
        path.chmod(0o600)
        return key
