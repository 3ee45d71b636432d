"""A wave's report: the score with its counts and margin, the response rate, breakdowns by segment, region,
tier and company size (groups under nps.MIN_ANSWERS answers show "too few"), the trend across waves, and
the rows of the CSV/XLSX download. Computed from the wave's own rows (store.py), as they were when asked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from portal.surveys import store
from portal.surveys.model import Answer, Wave
from portal.surveys.nps import Score, score_of, size_band

BANDS = ("1", "2-5", "6+")


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    score: Score


@dataclass(frozen=True)
class Report:
    wave: Wave
    asked: int
    score: Score
    breakdowns: dict[str, list[Group]]   # segment | region | tier | size -> groups
    trend: list[tuple[Wave, Score, int]]  # every wave up to this one, oldest first: (wave, score, asked)
    answers: list[Answer]

    @property
    def rate(self) -> float | None:
        """Answers per person asked, in percent; None when nobody was asked."""
        return 100 * self.score.answers / self.asked if self.asked else None


def groups(answers: list[Answer], key_of: Callable[[Answer], str | None], labels: Mapping[str, str],
           none_label: str) -> list[Group]:
    """One group per key (the labels' order, then the rest; people who did not say last)."""
    found: dict[str, list[int]] = {}
    for given in answers:
        found.setdefault(key_of(given) or "", []).append(given.score)
    keys = [k for k in labels if k in found] + sorted(k for k in found if k not in labels and k)
    result = [Group(k, labels.get(k, k), score_of(found[k])) for k in keys]
    if "" in found:
        result.append(Group("", none_label, score_of(found[""])))
    return result


def wave_report(db: Database, wave: Wave, labels: Mapping[str, Mapping[str, str]], none_label: str) -> Report:
    """`labels`: "segment", "region", "tier" -> key -> the reader's label."""
    given = store.answers(db, wave.id)
    breakdowns = {
        "segment": groups(given, lambda a: a.segment, labels.get("segment", {}), none_label),
        "region": groups(given, lambda a: a.region, labels.get("region", {}), none_label),
        "tier": groups(given, lambda a: None if a.tier is None else str(a.tier), labels.get("tier", {}), none_label),
        "size": groups(given, lambda a: size_band(a.company_size) if a.company_size else None,
                       {band: band for band in BANDS}, none_label),
    }
    return Report(wave, store.asked_count(db, wave.id), score_of(a.score for a in given), breakdowns,
                  trend(db, wave), given)


def trend(db: Database, upto: Wave | None = None) -> list[tuple[Wave, Score, int]]:
    """Every wave (up to `upto`), oldest first, with its score and the people it asked."""
    waves = [w for w in reversed(store.waves(db)) if upto is None or (w.send_at, w.id) <= (upto.send_at, upto.id)]
    return [(w, score_of(a.score for a in store.answers(db, w.id)), store.asked_count(db, w.id)) for w in waves]


def table(report: Report, t: Callable[..., str], labels: Mapping[str, Mapping[str, str]]) -> list[list[object]]:
    """The download: one row per answer, the header first."""
    header = [t(f"surveys.col.{name}") for name in
              ("name", "email", "company", "segment", "region", "tier", "size", "score", "kind", "why", "answered")]
    rows: list[list[object]] = [header]
    for a in report.answers:
        kind = "promoter" if a.score >= 9 else "passive" if a.score >= 7 else "detractor"
        rows.append([a.name, a.email, a.company, labels.get("segment", {}).get(a.segment or "", a.segment or ""),
                     labels.get("region", {}).get(a.region or "", a.region or ""),
                     labels.get("tier", {}).get(str(a.tier), "") if a.tier is not None else "",
                     size_band(a.company_size) if a.company_size else "", a.score, t(f"surveys.kind.{kind}"),
                     a.why, _iso(a.changed_at)])
    return rows


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M UTC")
