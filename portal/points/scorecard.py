"""The dealer scorecard's rules, `extra.club.points.scorecard` in mkdocs.yml (seed 002: "a system of
criteria with points — annual turnover, years with us, marketing spend, readiness to push new products,
service; the sum gives a coefficient that caps our investment in the dealer's promotion").

    scorecard:
      budget_base_roubles: 1000000    # the manufacturer's co-funded marketing budget at coefficient 1
      coefficient: {min: 1, max: 5}   # at no points / at every criterion's top score; linear between
      criteria:
        - id: turnover                # latin letters, digits, _ and -; unique
          name: {ru: Годовой оборот, en: Annual turnover}
          weight: 30                  # a whole number above 0
          source: turnover            # turnover | years | manual
          scale:                      # ascending: the highest band reached gives the score
            - {from_roubles: 0, score: 0}
            - {from_roubles: 1000000, score: 1}
        - id: years
          source: years
          scale: [{from_years: 0, score: 0}, {from_years: 1, score: 1}]
        - id: service
          source: manual              # staff choose 0..max_score by hand
          max_score: 3
          scale:                      # optional: what each score means (staff and the partner see it)
            - {score: 0, text: {ru: ..., en: ...}}

The arithmetic, so a partner can check it by hand:
    total = Σ weight × score;  share = total / Σ weight × (the criterion's top score)
    coefficient = min + (max − min) × share, rounded to hundredths (half up)
    budget cap = coefficient (as rounded) × budget_base_roubles, in whole roubles (half up)
The cap is the manufacturer's share for the year after the scored one; the partner invests at least
as much (seed 002: "provided the dealer invests the same").

Without the section the defaults below apply (seed 002's five criteria).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from portal.points.terms import section_of

SOURCES = ("turnover", "years", "manual")
START_KEY = {"turnover": "from_roubles", "years": "from_years"}
ID = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
MAX_SCORE = 100
MAX_WEIGHT = 1000
WHERE = "extra.club.points.scorecard"
log = logging.getLogger("portal.points")


@dataclass(frozen=True)
class Band:
    """A data criterion's step: from this many roubles (years) on, this score."""

    start: int
    score: int


@dataclass(frozen=True)
class Criterion:
    id: str
    name: tuple[str, str]            # ru, en
    weight: int
    source: str                      # turnover | years | manual
    bands: tuple[Band, ...] = ()     # data criteria: ascending
    max_score: int = 0
    texts: tuple[tuple[int, tuple[str, str]], ...] = ()  # manual: (score, (ru, en)) what each score means

    def name_in(self, language: str) -> str:
        return self.name[1] if language == "en" else self.name[0]

    def text_of(self, score: int | None, language: str) -> str:
        for value, (ru, en) in self.texts:
            if value == score:
                return en if language == "en" else ru
        return ""

    @property
    def scores(self) -> tuple[int, ...]:
        """The scores this criterion can give."""
        if self.source == "manual":
            return tuple(range(self.max_score + 1))
        return tuple(band.score for band in self.bands)


@dataclass(frozen=True)
class Scorecard:
    criteria: tuple[Criterion, ...]
    coefficient_min: Fraction = Fraction(1)
    coefficient_max: Fraction = Fraction(5)
    budget_base_roubles: int = 1_000_000

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((item for item in self.criteria if item.id == criterion_id), None)

    @property
    def max_total(self) -> int:
        return sum(item.weight * item.max_score for item in self.criteria)

    def coefficient(self, total: int) -> Decimal:
        """min + (max − min) × total / max_total, to hundredths (half up)."""
        share = Fraction(total, self.max_total) if self.max_total else Fraction(0)
        exact = self.coefficient_min + (self.coefficient_max - self.coefficient_min) * share
        return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def budget(self, coefficient: Decimal) -> int:
        """The cap in whole roubles: the rounded coefficient × the base (half up)."""
        return int((coefficient * self.budget_base_roubles).quantize(Decimal(1), ROUND_HALF_UP))


def _manual(id_: str, ru: str, en: str, weight: int, texts: tuple[tuple[str, str], ...]) -> Criterion:
    return Criterion(id_, (ru, en), weight, "manual", max_score=len(texts) - 1, texts=tuple(enumerate(texts)))


# Seed 002's criteria. mkdocs.yml spells the same out (tests/points/test_scorecard.py keeps them equal).
DEFAULT = Scorecard(criteria=(
    Criterion("turnover", ("Годовой оборот", "Annual turnover"), 30, "turnover", bands=(
        Band(0, 0), Band(1_000_000, 1), Band(5_000_000, 2), Band(15_000_000, 3), Band(30_000_000, 4),
        Band(60_000_000, 5)), max_score=5),
    Criterion("years", ("Опыт работы с нами", "Years with us"), 15, "years", bands=(
        Band(0, 0), Band(1, 1), Band(2, 2), Band(3, 3), Band(5, 4), Band(8, 5)), max_score=5),
    _manual("marketing", "Динамика затрат на маркетинг", "Marketing spend trend", 20, (
        ("Совместного маркетинга не было", "No joint marketing"),
        ("Затраты снизились по сравнению с прошлым годом", "Spend fell compared with the year before"),
        ("Затраты на уровне прошлого года", "Spend held at last year's level"),
        ("Затраты выросли, отчёты сданы вовремя", "Spend grew, reports handed in on time"))),
    _manual("novelty", "Готовность продвигать новинки", "Readiness to push new products", 20, (
        ("Новинки не закупались и не продвигались", "No new products bought or promoted"),
        ("Новинки закупались только под заказ клиента", "New products bought only to a client's order"),
        ("Новинки на складе и в прайс-листе", "New products in stock and in the price list"),
        ("Новинки в шоуруме, демонстрации и акции для клиентов",
         "New products in the showroom, demos and promotions for clients"))),
    _manual("service", "Сервис", "Service", 15, (
        ("Нет гарантийного и сервисного обслуживания", "No warranty or service work"),
        ("Гарантийные случаи передаются на завод", "Warranty cases passed on to the factory"),
        ("Свой сервис: замена и ремонт на месте", "Own service: replacement and repair on site"),
        ("Сервис, обученный на заводе, и склад запчастей", "Factory-trained service and a spare parts stock"))),
))


def _whole(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{where}: a whole number from {low} to {high}, not {value!r}")
    return value


def _number(value: Any, where: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{where}: a number of 0 or more, e.g. 1 or 2.5, not {value!r}")
    return Fraction(str(value))


def _pair(value: Any, where: str) -> tuple[str, str]:
    if not isinstance(value, dict) or set(value) != {"ru", "en"} or not all(
            isinstance(value[lang], str) and value[lang].strip() for lang in ("ru", "en")):
        raise ValueError(f"{where}: both languages as {{ru: ..., en: ...}}, each not empty")
    return " ".join(value["ru"].split()), " ".join(value["en"].split())


def _mapping(value: Any, where: str, allowed: set[str], required: set[str]) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: a mapping of {', '.join(sorted(allowed))}")
    unknown, missing = set(value) - allowed, required - set(value)
    if unknown:
        raise ValueError(f"{where}.{sorted(unknown)[0]}: unknown key; use {', '.join(sorted(allowed))}")
    if missing:
        raise ValueError(f"{where}.{sorted(missing)[0]}: missing")
    return value


def _bands(raw: Any, where: str, source: str) -> tuple[Band, ...]:
    key = START_KEY[source]
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{where}: a list of {{{key}: N, score: N}}, ascending")
    bands: list[Band] = []
    for number, item in enumerate(raw, start=1):
        at = f"{where}[{number}]"
        item = _mapping(item, at, {key, "score"}, {key, "score"})
        band = Band(_whole(item[key], f"{at}.{key}", 0, 10 ** 12), _whole(item["score"], f"{at}.score", 0, MAX_SCORE))
        if bands and not (band.start > bands[-1].start and band.score > bands[-1].score):
            raise ValueError(f"{at}: {key} and score must both be above the band before's "
                             f"({bands[-1].start}, {bands[-1].score})")
        bands.append(band)
    return tuple(bands)


def _texts(raw: Any, where: str, max_score: int) -> tuple[tuple[int, tuple[str, str]], ...]:
    if not isinstance(raw, list):
        raise ValueError(f"{where}: a list of {{score: N, text: {{ru: ..., en: ...}}}}")
    found: list[tuple[int, tuple[str, str]]] = []
    for number, item in enumerate(raw, start=1):
        at = f"{where}[{number}]"
        item = _mapping(item, at, {"score", "text"}, {"score", "text"})
        score = _whole(item["score"], f"{at}.score", 0, max_score)
        if found and score <= found[-1][0]:
            raise ValueError(f"{at}.score: scores ascending, each once ({score} after {found[-1][0]})")
        found.append((score, _pair(item["text"], f"{at}.text")))
    return tuple(found)


def _criterion(raw: Any, where: str) -> Criterion:
    item = _mapping(raw, where, {"id", "name", "weight", "source", "scale", "max_score"}, {"id", "name", "weight",
                                                                                           "source"})
    if not isinstance(item["id"], str) or not ID.match(item["id"]):
        raise ValueError(f"{where}.id: latin small letters, digits, _ and - (up to 40), starting with a letter")
    name, weight = _pair(item["name"], f"{where}.name"), _whole(item["weight"], f"{where}.weight", 1, MAX_WEIGHT)
    source = item["source"]
    if source not in SOURCES:
        raise ValueError(f"{where}.source: one of {', '.join(SOURCES)}, not {source!r}")
    if source == "manual":
        max_score = _whole(item.get("max_score"), f"{where}.max_score", 1, MAX_SCORE)
        texts = _texts(item.get("scale", []), f"{where}.scale", max_score)
        return Criterion(item["id"], name, weight, source, max_score=max_score, texts=texts)
    if "max_score" in item:
        raise ValueError(f"{where}.max_score: only for source: manual (a data criterion's top is its last band)")
    bands = _bands(item.get("scale"), f"{where}.scale", source)
    return Criterion(item["id"], name, weight, source, bands=bands, max_score=bands[-1].score)


def parse_scorecard(points_section: Any) -> Scorecard:
    """The scorecard from `extra.club.points` (the whole section); ValueError naming the key that is wrong."""
    if points_section is None or (isinstance(points_section, dict) and points_section.get("scorecard") is None):
        return DEFAULT
    if not isinstance(points_section, dict):
        raise ValueError("extra.club.points must be a mapping")
    raw = _mapping(points_section["scorecard"], WHERE, {"criteria", "coefficient", "budget_base_roubles"}, set())
    base = _whole(raw.get("budget_base_roubles", DEFAULT.budget_base_roubles), f"{WHERE}.budget_base_roubles",
                  0, 10 ** 12)
    coefficient = _mapping(raw.get("coefficient", {}), f"{WHERE}.coefficient", {"min", "max"}, set())
    low = _number(coefficient.get("min", 1), f"{WHERE}.coefficient.min")
    high = _number(coefficient.get("max", 5), f"{WHERE}.coefficient.max")
    if high < low:
        raise ValueError(f"{WHERE}.coefficient.max: not below min ({float(low):g})")
    if "criteria" not in raw:
        return Scorecard(DEFAULT.criteria, low, high, base)
    if not isinstance(raw["criteria"], list) or not raw["criteria"]:
        raise ValueError(f"{WHERE}.criteria: a list of at least one criterion")
    criteria = tuple(_criterion(item, f"{WHERE}.criteria[{n}]") for n, item in enumerate(raw["criteria"], start=1))
    seen: set[str] = set()
    for number, item in enumerate(criteria, start=1):
        if item.id in seen:
            raise ValueError(f"{WHERE}.criteria[{number}].id: {item.id!r} is used twice")
        seen.add(item.id)
    return Scorecard(criteria, low, high, base)


def club_scorecard(club: Any) -> Scorecard:
    """The club's scorecard (ClubConfig.raw); ValueError when the section is wrong."""
    return parse_scorecard(section_of(club))


PART = "points.scorecard"  # its key in Portal.parts: the parsed scorecard, or the ValueError


def scorecard_of(portal: Any) -> Scorecard:
    """The running portal's scorecard, parsed once; ValueError (each time) while the config is wrong."""
    found = portal.parts.get(PART)
    if found is None:
        try:
            found = club_scorecard(portal.club)
        except ValueError as exc:
            log.error("%s: the scorecard pages say so until it is fixed and the portal restarted", exc)
            found = exc
        portal.parts[PART] = found
    if isinstance(found, ValueError):
        raise found
    return found
