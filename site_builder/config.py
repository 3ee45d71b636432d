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
LANGUAGES = ("ru", "en")
VOCABULARIES = ("segments", "regions", "topics", "roles")
# English names of the default keys: a label written as plain text that is still the default Russian one
# reads in English as these (issue 18: segments, topics and roles stayed Russian on English pages).
DEFAULT_ENGLISH = {
    "segments": {"distributors": "Distributors", "designers": "Designers and lighting designers",
                 "installers": "Installers", "end_customers": "End customers"},
    "topics": {"products": "New products", "promotions": "Promotions and contests",
               "regulation": "Standards and regulations", "design": "Lighting design and trends",
               "installation": "Installation and wiring", "analytics": "Market analytics",
               "training": "Training and seminars"},
    "roles": {"management": "Management", "purchasing": "Purchasing", "sales": "Sales",
              "engineering": "Design and engineering", "installation": "Installation and service",
              "marketing": "Marketing"},
}
DEFAULTS = {"segments": DEFAULT_SEGMENTS, "regions": {}, "topics": DEFAULT_TOPICS, "roles": DEFAULT_ROLES}
Labels = dict[str, dict[str, dict[str, str]]]  # language -> vocabulary -> key -> label


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
    labels: Labels = field(default_factory=lambda: default_labels(), repr=False)

    def vocabulary(self, kind: str, language: str) -> dict[str, str]:
        """A vocabulary's labels (key -> name) in `language` ("ru" or "en"; others read as the site's)."""
        return self.labels.get(language, self.labels.get(self.language, {})).get(kind, {})

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
    labels = vocabulary_labels(club, path)
    return ClubConfig(
        root=root,
        config_file=path,
        docs_dir=(root / raw.get("docs_dir", "content")).resolve(),
        site_dir=out.resolve(),
        site_name=str(raw.get("site_name", "Partner Club")),
        site_url=str(raw.get("site_url") or "http://127.0.0.1:8000/"),
        language=str(language),
        **{kind: labels.get(str(language), labels["ru"])[kind] for kind in VOCABULARIES},
        labels=labels,
        timezone=str(club.get("timezone", DEFAULT_TIMEZONE)),
        portal_url=str(club.get("portal_url", "")).rstrip("/"),
        raw=raw,
    )


def default_labels() -> Labels:
    return {language: {kind: _default_names(kind, language) for kind in VOCABULARIES} for language in LANGUAGES}


def _default_names(kind: str, language: str) -> dict[str, str]:
    names = DEFAULTS[kind]
    return dict(names) if language == "ru" else {k: DEFAULT_ENGLISH.get(kind, {}).get(k, v) for k, v in names.items()}


def vocabulary_labels(club: dict, path: Path) -> Labels:
    """Every vocabulary of extra.club in both languages. A label is plain text (the same in both, but for a
    default key still named as by default, which reads in English as DEFAULT_ENGLISH) or `{ru: …, en: …}`
    (one of them may be missing: the other stands in)."""
    labels: Labels = {language: {} for language in LANGUAGES}
    for kind in VOCABULARIES:
        value = club.get(kind, DEFAULTS[kind])
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: extra.club.{kind} must be a mapping of ascii_key: Label "
                              "or ascii_key: {ru: Метка, en: Label}")
        for language in LANGUAGES:
            labels[language][kind] = {}
        for key, label in value.items():
            if not str(key).isascii():
                raise ConfigError(f"{path}: extra.club.{kind}: key {key!r} must be ASCII (labels may be Russian)")
            for language, name in _names(kind, str(key), label, path).items():
                labels[language][kind][str(key)] = name
    return labels


def _names(kind: str, key: str, label: object, path: Path) -> dict[str, str]:
    if isinstance(label, dict):
        unknown = [str(k) for k in label if k not in LANGUAGES]
        names = {language: str(label[language]).strip() for language in LANGUAGES if label.get(language)}
        if unknown or not names:
            raise ConfigError(f"{path}: extra.club.{kind}.{key}: write the name as text or as "
                              f"{{ru: Название, en: Name}} (languages: {', '.join(LANGUAGES)})")
        return {language: names.get(language) or next(iter(names.values())) for language in LANGUAGES}
    text = str(label)
    english = DEFAULT_ENGLISH.get(kind, {}).get(key) if text == DEFAULTS[kind].get(key) else None
    return {"ru": text, "en": english or text}


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
