"""Survey records that cross modules: a wave, who it asked, an answer, and a wave's audience."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Audience:
    """Whom a wave asks: members, narrowed by any non-empty list (a member who never said does not match)."""

    segments: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)     # role in the company (users.job_role)
    tiers: list[int] = field(default_factory=list)     # tier numbers (points/api.py)
    event: str = ""                                    # an event's slug: its attendees only

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Audience:
        data = json.loads(text or "{}")
        return cls([str(v) for v in data.get("segments") or []], [str(v) for v in data.get("regions") or []],
                   [str(v) for v in data.get("roles") or []], [int(v) for v in data.get("tiers") or []],
                   str(data.get("event") or ""))


@dataclass(frozen=True)
class Wave:
    id: int
    title: str
    subject: str
    audience: Audience
    created_by: int | None
    created_at: float
    send_at: float
    closes_at: float
    newsletter_id: int | None

    def open_at(self, now: float) -> bool:
        return self.send_at <= now < self.closes_at


WAVE_COLUMNS = "id, title, subject, audience, created_by, created_at, send_at, closes_at, newsletter_id"


def wave_from_row(row: tuple) -> Wave:
    values = list(row)
    values[3] = Audience.from_json(values[3])
    return Wave(*values)


@dataclass(frozen=True)
class Candidate:
    """A person a new wave would ask, with what the breakdowns need, as it is when asked."""

    user_id: int
    company_id: int | None
    segment: str | None
    region: str | None
    tier: int | None
    company_size: int


@dataclass(frozen=True)
class Answer:
    """One person's answer to one wave, with what they were when asked (for the report and its download)."""

    wave_id: int
    user_id: int
    score: int
    why: str
    answered_at: float
    changed_at: float
    name: str = ""
    email: str = ""
    company: str = ""
    company_id: int | None = None
    segment: str | None = None
    region: str | None = None
    tier: int | None = None
    company_size: int = 0
