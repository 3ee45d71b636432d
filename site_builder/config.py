"""The club's configuration: read once from `mkdocs.yml` (`extra.club`), shared by every phase."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from mkdocs.utils.yaml import yaml_load

from .contract import ACCESS_LEVELS  # noqa: F401 - the content model's levels are the contract's

DEFAULT_SEGMENTS = {
    "distributors": "Дистрибьюторы",
    "designers": "Проектировщики и дизайнеры",
    "installers": "Монтажные организации",
    "end_customers": "Конечные заказчики",
}
DEFAULT_TOPICS = {
    "products": "Новинки продукции",
    "promotions": "Акции и конкурсы",
    "regulation": "Нормативы и стандарты",
    "design": "Тренды и дизайн освещения",
    "installation": "Монтаж и подключение",
    "analytics": "Аналитика рынка",
    "training": "Обучение и семинары",
}
DEFAULT_ROLES = {  # a partner company is several people; each needs a different letter (seed 004)
    "management": "Руководитель компании",
    "purchasing": "Закупки и снабжение",
    "sales": "Продажи",
    "engineering": "Проектирование и инженерия",
    "installation": "Монтаж и сервис",
    "marketing": "Маркетинг",
}
SECTIONS = ("newsletters", "magazine", "technical", "analytics", "events", "club")


class ConfigError(ValueError):
    pass


DEFAULT_TIMEZONE = "Europe/Moscow"  # extra.club.timezone when mkdocs.yml does not say


@dataclass(frozen=True)
class ClubConfig:
    root: Path
    config_file: Path
    docs_dir: Path
    site_dir: Path
    site_name: str
    site_url: str
    language: str
    segments: dict[str, str]
    regions: dict[str, str]
    topics: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TOPICS))
    roles: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ROLES))
    timezone: str = DEFAULT_TIMEZONE
    portal_url: str = ""  # where /account/... lives; "" = same origin as the site
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def stage_root(self) -> Path:
        return self.root / ".cache" / "club"

    def output_dir(self, mode: str) -> Path:
        return self.site_dir / mode


def find_config_file(start: Path | None = None) -> Path:
    """The nearest mkdocs.yml from `start` (default: the working directory) upwards."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "mkdocs.yml"
        if candidate.is_file():
            return candidate
    raise ConfigError("mkdocs.yml not found here or in any parent folder; run `club` inside the project "
                      "or pass --config path/to/mkdocs.yml")


def load_config(config_file: Path | str | None = None, site_dir: Path | str | None = None) -> ClubConfig:
    path = Path(config_file).resolve() if config_file else find_config_file()
    if not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    with path.open("rb") as handle:
        raw = yaml_load(handle) or {}
    root = path.parent
    club = (raw.get("extra") or {}).get("club") or {}
    theme = raw.get("theme") or {}
    language = theme.get("language", "ru") if isinstance(theme, dict) else "ru"
    out = Path(site_dir) if site_dir else root / str(club.get("output_dir", "site"))
    return ClubConfig(
        root=root,
        config_file=path,
        docs_dir=(root / raw.get("docs_dir", "content")).resolve(),
        site_dir=out.resolve(),
        site_name=str(raw.get("site_name", "Partner Club")),
        site_url=str(raw.get("site_url") or "http://127.0.0.1:8000/"),
        language=str(language),
        segments=_vocabulary(club, "segments", DEFAULT_SEGMENTS, path),
        regions=_vocabulary(club, "regions", {}, path),
        topics=_vocabulary(club, "topics", DEFAULT_TOPICS, path),
        roles=_vocabulary(club, "roles", DEFAULT_ROLES, path),
        timezone=str(club.get("timezone", DEFAULT_TIMEZONE)),
        portal_url=str(club.get("portal_url", "")).rstrip("/"),
        raw=raw,
    )


def _vocabulary(club: dict, key: str, default: dict[str, str], path: Path) -> dict[str, str]:
    value = club.get(key, default)
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: extra.club.{key} must be a mapping of ascii_key: Label")
    for item in value:
        if not str(item).isascii():
            raise ConfigError(f"{path}: extra.club.{key}: key {item!r} must be ASCII (labels may be Russian)")
    return {str(k): str(v) for k, v in value.items()}


_KEY_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def key_line(config_file: Path, key: str) -> int:
    """The line of mkdocs.yml where `key` (dotted, with list positions counted from 1 as editors count:
    `extra.club.points.bonuses[1].until` is the first bonus's) is written, or of its nearest written
    parent; 1 when none of it is there. For messages about settings that a capability checks (`club
    check`), so the editor is sent to the right line."""
    try:
        node = yaml.compose(config_file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return 1
    line = 1
    for name, index in _KEY_PART.findall(key):
        if index and isinstance(node, yaml.SequenceNode) and 1 <= int(index) <= len(node.value):
            node = node.value[int(index) - 1]
            line = node.start_mark.line + 1
        elif name and isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if getattr(k, "value", None) == name), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        else:
            break
    return line
