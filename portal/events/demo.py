"""Demo registrations for `club serve --demo`: the demo members (portal/accounts/demo.py) registered for the
demo site's event pages, so the events look alive — a few people on each, colleagues registered by their
company's representative, answers to the questions, one small event full with a waiting list and a live
offer of a freed seat, and attendance marked for events that are over.

Everything goes through the store (register, cancel) and attendance.mark with `now` set back in time, as
a club with a history would have it. Only on a club without a single registration, and only when the demo
people are there; a second start adds nothing.
"""

from __future__ import annotations

import time

from sqlite_utils import Database

from portal.core.identity import User, find_user_by_email
from portal.core.settings import Settings
from portal.events import attendance, store
from portal.events.catalogue import catalogue_for
from portal.events.model import Refused, check_answers, timestamp
from site_builder.contract import EventEntry

DAY = 86400.0
HOUR = 3600.0
ANNA, IVAN, PAVEL = "anna@svet-montazh.example", "ivan@svet-montazh.example", "pavel@svet-montazh.example"
ELENA, DMITRY = "elena@proekt-lux.example", "dmitry@proekt-lux.example"
MARIA, IGOR, NIKOLAY = "maria@elopt-yug.example", "igor@elopt-yug.example", "nikolay@fonarev.example"
CHECKER = "olga@lior.example"  # the staff member who marks attendance at the door

# event slug: (person's e-mail, registered by (a colleague's e-mail) or None, answers), in arrival order
PLANS: dict[str, tuple[tuple[str, str | None, dict[str, str]], ...]] = {
    "biznes-zavtrak-sankt-peterburg": (
        (ANNA, None, {"diet": "Без ограничений"}),
        (IVAN, ANNA, {}),  # registered by Anna, his company's representative
        (DMITRY, None, {"diet": "Вегетарианское", "allergies": "Орехи"}),
        (MARIA, None, {"diet": "Без глютена"}),
    ),
    "akademiya-montazhnika-ekaterinburg": (
        (IVAN, None, {"experience": "Больше трёх лет",
                      "question-to-engineer": "Как подключить аварийный блок к треку и не потерять адрес DALI?"}),
        (PAVEL, ANNA, {}),
        (NIKOLAY, None, {"experience": "1–3 года",
                         "question-to-engineer": "Какой подвес нужен «Цех-М» на высоте 12 м с вибрацией?"}),
    ),
    "vebinar-dali": ((ELENA, None, {}), (DMITRY, ELENA, {}), (IGOR, None, {}), (PAVEL, None, {})),
    "seminar-proektirovshchikov-moskva": ((ELENA, None, {}), (DMITRY, ELENA, {}), (IVAN, None, {}),
                                          (MARIA, None, {})),
    "prezentaciya-novinok-novosibirsk": ((MARIA, None, {}), (IGOR, MARIA, {}), (NIKOLAY, None, {}),
                                         (ANNA, None, {}), (IVAN, ANNA, {})),
}
# The small event (five seats): five in, three on the waiting list, then one gives the seat back two hours
# ago, so the first waiting person holds a live offer and two still wait.
FULL = "ekskursiya-na-zavod"
FULL_PEOPLE = (ANNA, ELENA, MARIA, NIKOLAY, IVAN, DMITRY, IGOR, PAVEL)
GIVES_BACK = NIKOLAY


def seed_demo_registrations(db: Database, settings: Settings) -> str | None:
    """The on_demo_club hook: idempotent (only while no one is registered for anything)."""
    if store.counts(db) or find_user_by_email(db, ANNA) is None:
        return None  # seeded already, or not the demo people
    events, now = catalogue_for(settings.site_dir).all(), time.time()
    made = marks = 0
    for slug, plan in PLANS.items():
        event = events.get(slug)
        if event is not None and event.registration and not event.cancelled:
            rows = register_all(db, event, plan, now)
            made += len(rows)
            marks += mark_attendance(db, event, rows, now)
    if FULL in events:
        made += fill(db, events[FULL], now)
    return f"events: {made} demo registrations, {marks} attendance marks" if made else None


def register_all(db: Database, event: EventEntry, plan, now: float) -> list:
    """Each person of the plan, a day or so apart, the last of them a few hours before the deadline (or now)."""
    base = min(now, timestamp(event.register_until) or now) - 3 * HOUR
    rows = []
    for number, (email, by_email, answers) in enumerate(plan):
        person, by = find_user_by_email(db, email), find_user_by_email(db, by_email or email)
        if person is None or by is None:
            continue
        kept, _problems = check_answers(event.questions, answers)  # only the event's own questions
        at = base - (len(plan) - number) * 1.3 * DAY
        try:
            rows.append(store.register(db, event, person, by, kept, at).registration)
        except Refused:  # a quota the content has since lowered: the demo shows who got in
            continue
    return rows


def mark_attendance(db: Database, event: EventEntry, rows: list, now: float) -> int:
    """For an event that is over: everyone there but the last registered, who is marked absent."""
    ends = timestamp(event.ends) or timestamp(event.starts)
    if ends is None or ends > now:
        return 0
    checker = find_user_by_email(db, CHECKER)
    registered = [row for row in rows if row.status == "registered"]
    at = min(ends + HOUR, now)
    for number, row in enumerate(registered):
        attendance.mark(db, row, number < len(registered) - 1, checker.id if checker else None, at,
                        title=event.title)
    return len(registered)


def fill(db: Database, event: EventEntry, now: float) -> int:
    """The full event with its waiting list and a live offer; nothing when it is closed or too big to fill."""
    people = [person for person in (find_user_by_email(db, email) for email in FULL_PEOPLE) if person]
    if event.capacity is None or event.capacity >= len(people) or store.seats_left(db, event) != event.capacity:
        return 0
    made = 0
    for number, person in enumerate(people):
        at = now - (len(people) - number) * 0.4 * DAY
        try:
            store.register(db, event, person, person, passport_answer(event, person), at)
            made += 1
        except Refused:
            return made  # closed (past its deadline): the demo leaves it as it is
    leaving = find_user_by_email(db, GIVES_BACK)
    if leaving is not None:
        store.cancel(db, event, leaving.id, leaving.id, now - 2 * HOUR)  # the offer lives 22 more hours
    return made


def passport_answer(event: EventEntry, person: User) -> dict[str, str]:
    kept, _problems = check_answers(event.questions, {question.name: person.name for question in event.questions
                                                      if question.kind == "text"})
    return kept
