"""Tiers: «Партнёр», «Серебряный», «Золотой» by a company's purchases over the last 12 months.

The tiers are `extra.club.points.tiers` in mkdocs.yml, lowest first, the first from 0 roubles:

    points:
      tiers:
        - name: {ru: Партнёр, en: Partner}      # or a plain string for both languages
          from_roubles: 0
          gives: {ru: "...", en: "..."}          # a text, or a list of texts (each a string or {ru, en})
        - {name: {ru: Серебряный, en: Silver}, from_roubles: 3000000, gives: [...]}

Without the key, DEFAULT_TIERS. The window is the 12 full calendar months before the current one (in the
club's time zone), as the accrual counts months: the tier changes once a month, on the 1st, and the sum
matches the monthly statements; the current month counts from the next 1st. Purchases are the shipments
net of reversals (shipments.company_months); a duplicate merged into a company counts as that company.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from portal.core.companies import with_duplicates
from portal.points import shipments
from portal.points.terms import section_of

log = logging.getLogger("portal.points")
KEY = "extra.club.points.tiers"
WINDOW_MONTHS = 12
MAX_TIERS = 12
MAX_ROUBLES = 10**12          # far beyond any purchases; keeps kopecks far from SQLite's integer limit
NAME_LIMIT, TEXT_LIMIT, MAX_BENEFITS = 60, 300, 12
PART = "points.tiers"         # the parsed tiers on portal.parts (set by the capability's on_start)


@dataclass(frozen=True)
class Text:
    """A text in the two languages (a plain string in the config is both)."""

    ru: str
    en: str

    def of(self, language: str) -> str:
        return self.en if language == "en" else self.ru


@dataclass(frozen=True)
class Tier:
    name: Text
    from_roubles: int
    gives: tuple[Text, ...] = ()

    @property
    def from_kopecks(self) -> int:
        return self.from_roubles * 100


DEFAULT_TIERS = (
    Tier(Text("Партнёр", "Partner"), 0, (
        Text("Баллы за каждую закупку", "Points for every purchase"),
        Text("Каталог привилегий", "The privilege catalogue"))),
    Tier(Text("Серебряный", "Silver"), 3_000_000, (
        Text("Всё, что даёт «Партнёр»", "Everything of Partner"),
        Text("Персональный менеджер клуба", "A personal club manager"),
        Text("Расчёт освещения в приоритетной очереди", "Lighting calculations in the priority queue"))),
    Tier(Text("Золотой", "Gold"), 10_000_000, (
        Text("Всё, что даёт «Серебряный»", "Everything of Silver"),
        Text("Образцы новинок до старта продаж", "Samples of new products before sales start"),
        Text("Совместные кейсы на сайте клуба", "Joint case studies on the club's site"))),
)


def _text(value: Any, where: str, limit: int) -> Text:
    if isinstance(value, str):
        value = {"ru": value, "en": value}
    if not isinstance(value, dict):
        raise ValueError(f"{where}: a text, or {{ru: ..., en: ...}} with both languages")
    unknown = sorted(set(value) - {"ru", "en"}, key=str)
    if unknown:
        raise ValueError(f"{where}.{unknown[0]}: unknown language; write ru and en")
    found = {}
    for language in ("ru", "en"):
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{where}.{language}: a text of 1 to {limit} characters is missing")
        text = " ".join(text.split())
        if len(text) > limit:
            raise ValueError(f"{where}.{language}: at most {limit} characters, not {len(text)}")
        found[language] = text
    return Text(found["ru"], found["en"])


def _roubles(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ROUBLES:
        raise ValueError(f"{where}: a whole number of roubles from 0 to {MAX_ROUBLES}, e.g. 3000000, not {value!r}")
    return value


def _tier(item: Any, where: str) -> Tier:
    if not isinstance(item, dict):
        raise ValueError(f"{where}: a mapping of name, from_roubles and gives")
    unknown = sorted(set(item) - {"name", "from_roubles", "gives"}, key=str)
    if unknown:
        raise ValueError(f"{where}.{unknown[0]}: unknown key; use name, from_roubles, gives")
    for key in ("name", "from_roubles"):
        if key not in item:
            raise ValueError(f"{where}.{key}: missing")
    gives = item.get("gives")
    gives = [] if gives is None else [gives] if isinstance(gives, str | dict) else gives
    if not isinstance(gives, list) or len(gives) > MAX_BENEFITS:
        raise ValueError(f"{where}.gives: a text, or a list of at most {MAX_BENEFITS} texts")
    return Tier(_text(item["name"], f"{where}.name", NAME_LIMIT),
                _roubles(item["from_roubles"], f"{where}.from_roubles"),
                tuple(_text(text, f"{where}.gives[{number}]", TEXT_LIMIT) for number, text in enumerate(gives, 1)))


def parse_tiers(raw: Any) -> tuple[Tier, ...]:
    """The tiers from the raw `extra.club.points` section (None: the defaults); ValueError naming the key
    that is wrong. Positions count from 1, as a person counts the list's lines."""
    if raw is None or (isinstance(raw, dict) and raw.get("tiers") is None):
        return DEFAULT_TIERS
    if not isinstance(raw, dict):
        raise ValueError("extra.club.points must be a mapping (tiers, roubles_per_point, ...)")
    items = raw["tiers"]
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_TIERS:
        raise ValueError(f"{KEY}: a list of 1 to {MAX_TIERS} tiers, lowest first, the first from_roubles: 0")
    tiers = tuple(_tier(item, f"{KEY}[{number}]") for number, item in enumerate(items, 1))
    if tiers[0].from_roubles != 0:
        raise ValueError(f"{KEY}[1].from_roubles: the first tier starts from 0, not {tiers[0].from_roubles}")
    for number in range(2, len(tiers) + 1):
        tier, before = tiers[number - 1], tiers[number - 2]
        if tier.from_roubles <= before.from_roubles:
            raise ValueError(f"{KEY}[{number}].from_roubles: more than the tier before ({before.from_roubles}), "
                             f"not {tier.from_roubles}: list the tiers lowest first")
        names = [other.name.ru.casefold() for other in tiers[:number - 1]]
        if tier.name.ru.casefold() in names:
            same = names.index(tier.name.ru.casefold()) + 1
            raise ValueError(f"{KEY}[{number}].name: «{tier.name.ru}» is the name of tier {same} already")
    return tiers


def club_tiers(club: Any) -> tuple[Tier, ...]:
    """The club's tiers (ClubConfig.raw); the defaults, with a warning, when the config is wrong."""
    try:
        return parse_tiers(section_of(club))
    except ValueError as exc:
        log.warning("%s; using the default tiers", exc)
        return DEFAULT_TIERS


def configure(portal: Any) -> None:
    """The capability's on_start: the club's tiers, read once."""
    portal.parts[PART] = club_tiers(portal.club)


def configured(portal: Any) -> tuple[Tier, ...]:
    return portal.parts.get(PART) or DEFAULT_TIERS


def window(today: date) -> tuple[str, str]:
    """The 12 full calendar months before today's month, as ISO dates [start, end)."""
    end = today.replace(day=1)
    return end.replace(year=end.year - WINDOW_MONTHS // 12).isoformat(), end.isoformat()


@dataclass(frozen=True)
class Standing:
    """A company's tier: where it is, by how much, and how far the next tier is."""

    tier: Tier
    number: int                # 1 = the lowest tier
    kopecks: int               # purchases over the window, net of reversals
    next: Tier | None          # None at the top
    missing_kopecks: int       # to the next tier; 0 at the top
    start: str                 # the window, ISO [start, end)
    end: str

    @property
    def percent(self) -> int:
        """The way from this tier's threshold to the next one's, 0-100 (100 at the top)."""
        if self.next is None:
            return 100
        span = self.next.from_kopecks - self.tier.from_kopecks
        return min(100, max(0, (self.kopecks - self.tier.from_kopecks) * 100 // span))


def standing(tiers: tuple[Tier, ...], kopecks: int, start: str = "", end: str = "") -> Standing:
    """The highest tier whose threshold the purchases reach (exactly the threshold counts)."""
    number = max(number for number, tier in enumerate(tiers, 1) if tier.from_kopecks <= max(kopecks, 0))
    following = tiers[number] if number < len(tiers) else None
    missing = following.from_kopecks - kopecks if following else 0
    return Standing(tiers[number - 1], number, kopecks, following, missing, start, end)


def company_standing(db: Database, company_id: int, today: date, tiers: tuple[Tier, ...]) -> Standing:
    """The company's tier today (its merged duplicates' purchases count as its own)."""
    start, end = window(today)
    rows = shipments.company_months(db, with_duplicates(db, company_id), start, end)
    return standing(tiers, sum(kopecks for _, _, kopecks in rows), start, end)
