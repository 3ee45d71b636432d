"""What a registration is, the rules that need no database, and the checks of a person's answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from site_builder.contract import EventEntry, Question

STATUSES = ("registered", "waiting", "offered", "cancelled", "left")
ACTIVE = ("registered", "waiting", "offered")  # a person has at most one of these per event
HOLDING = ("registered", "offered")  # these hold a seat


@dataclass(frozen=True)
class Registration:
    id: int
    event: str
    user_id: int
    company_id: int | None
    status: str
    answers: dict[str, str]
    registered_by: int | None
    position: int
    revision: str
    created_at: float
    updated_at: float
    offer_expires_at: float | None
    sequence: int = 0  # the .ics SEQUENCE last sent (RFC 5546 2.1.4)
    user_name: str = ""
    user_email: str = ""

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


@dataclass(frozen=True)
class Outcome:
    """What a change did: the person's row, whether it is new, and who was offered a freed seat."""

    registration: Registration
    created: bool = False
    offered: list[Registration] = field(default_factory=list)


class Refused(Exception):
    """Registration is not possible; `key` names the reason (a word key under events.refused.)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


def timestamp(iso: str | None) -> float | None:
    """Unix seconds of an ISO 8601 time from events.json; None for a missing or unreadable one."""
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso).timestamp()
    except ValueError:
        return None


def local_time(iso: str | None) -> str:
    """"18.02.2027 09:30": the time as the page states it, in the club's zone (events.json carries the offset)."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).strftime("%d.%m.%Y %H:%M")
    except ValueError:
        return iso


def open_problem(event: EventEntry, now: float, staff: bool = False) -> str | None:
    """Why the event takes no registrations now (a word key), or None when it does.

    `staff`: staff adding a person may pass the registration deadline, but not the start (issue 14).
    """
    if not event.registration:
        return "events.refused.no_registration"
    if event.cancelled:
        return "events.refused.cancelled"
    deadline = timestamp(event.starts) if staff else timestamp(event.register_until) or timestamp(event.starts)
    if deadline is None or now >= deadline:
        return "events.refused.deadline"
    return None


def check_answers(questions: tuple[Question, ...], raw: dict[str, str]) -> tuple[dict[str, str], dict]:
    """The answers to keep (only the event's own questions) and the problems: name -> (word key, values)."""
    answers: dict[str, str] = {}
    problems: dict[str, tuple[str, dict]] = {}
    for question in questions:
        value = raw.get(question.name, "").strip()
        if not value:
            if question.required:
                problems[question.name] = ("events.error.required", {})
            continue
        if question.kind == "choice" and value not in question.options:
            problems[question.name] = ("events.error.choice", {})
        elif question.kind != "choice" and question.max and len(value) > question.max:
            problems[question.name] = ("events.error.too_long", {"max": question.max})
        elif question.kind == "text" and ("\n" in value or "\r" in value):
            value = " ".join(value.split())  # a one-line field: a pasted break is a space
        answers[question.name] = value
    return answers, problems
