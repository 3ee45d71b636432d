"""The Net Promoter Score of a set of answers, with its margin of error: pure arithmetic, no database.

Each answer is 0-10. Promoters answered 9 or 10, passives 7 or 8, detractors 0 to 6. The score is the
share of promoters minus the share of detractors, in percentage points, a whole number from -100 to +100,
rounded half away from zero (12.5 -> 13, -12.5 -> -13: the sign does not bias the rounding).

Margin of error at 95 %: score each answer as a variable x = +1 (promoter), 0 (passive), -1 (detractor).
Its mean is p - d (p, d: the shares of promoters and detractors) and its variance
var = p + d - (p - d)^2 (E[x^2] - E[x]^2, since x^2 is 1 for promoters and detractors). The margin is
1.96 * sqrt(var / n), times 100 for points. Groups with fewer than MIN_ANSWERS answers get no score
("too few"): one unhappy person in a group of three would read as -33.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

MIN_ANSWERS = 10
Z95 = 1.96
SCALE = tuple(range(11))


def kind_of(score: int) -> str:
    """promoter (9-10), passive (7-8) or detractor (0-6)."""
    if not 0 <= score <= 10:
        raise ValueError(f"a score is 0-10, not {score}")
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


@dataclass(frozen=True)
class Score:
    answers: int
    promoters: int
    passives: int
    detractors: int

    @property
    def enough(self) -> bool:
        return self.answers >= MIN_ANSWERS

    @property
    def exact(self) -> float | None:
        """The score before rounding, in points; None without answers."""
        if not self.answers:
            return None
        return 100 * (self.promoters - self.detractors) / self.answers

    @property
    def value(self) -> int | None:
        """The whole-number score, -100..+100; None without answers."""
        if not self.answers:
            return None
        # Integer arithmetic: 100 * (P - D) / n exactly as a fraction, then half away from zero.
        numerator, n = 100 * (self.promoters - self.detractors), self.answers
        quotient, remainder = divmod(abs(numerator), n)
        rounded = quotient + (1 if 2 * remainder >= n else 0)
        return rounded if numerator >= 0 else -rounded

    @property
    def margin(self) -> float | None:
        """The 95 % margin of error in points (see the module doc); None without answers."""
        if not self.answers:
            return None
        p, d = self.promoters / self.answers, self.detractors / self.answers
        variance = max(p + d - (p - d) ** 2, 0.0)
        return 100 * Z95 * math.sqrt(variance / self.answers)

    def shown(self) -> int | None:
        """The score where there are enough answers to say it, else None ("too few")."""
        return self.value if self.enough else None


def score_of(scores: Iterable[int]) -> Score:
    counts = {"promoter": 0, "passive": 0, "detractor": 0}
    for score in scores:
        counts[kind_of(score)] += 1
    return Score(sum(counts.values()), counts["promoter"], counts["passive"], counts["detractor"])


def size_band(members: int) -> str:
    """A company's size by its number of members: "1", "2-5" or "6+"."""
    return "1" if members <= 1 else "2-5" if members <= 5 else "6+"
