"""Event pages: their front matter (time, place, registration) validated, and their entries in
site/events.json (the format: contract.py), which the portal reads to take registrations."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from .config import ClubConfig
from .contract import QUESTION_KINDS, EventEntry, Question
from .errors import ContentError
from .model import Page, Validator

MAX_QUESTIONS = 5
DEFAULT_OFFER_HOURS = 24  # a freed seat is held this long for the first person waiting (issue 14)
MAX_OFFER_HOURS = 168
OPTIONS = (2, 10)  # a choice offers this many options, at least and at most
# Longest answer by kind: (default, ceiling). A one-line answer fits a short field; a long one, a letter.
ANSWER_MAX = {"text": (200, 200), "long": (1000, 2000)}
QUESTION_KEYS = ("name", "label", "kind", "options", "required", "max")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
QUESTION_EXAMPLE = '`- {name: diet, label: "Особенности питания", kind: text}`'


def event_fields(check: Validator, data: dict) -> dict:
    starts = check.moment(data, "starts", required=True)
    ends = check.moment(data, "ends")
    if starts and ends and ends < starts:
        check.error("ends", "`ends` is before `starts`; check the date and time")
    online = check.flag(data, "online")
    city = check.text(data, "city")
    if not city and not online:
        check.error("starts", "an event needs `city:` or `online: true`")
    fields = {"starts": starts, "ends": ends, "online": online, "city": city,
              "venue": check.text(data, "venue"), "capacity": check.count(data, "capacity"),
              "cancelled": check.flag(data, "cancelled")}
    fields.update(registration_fields(check, data, fields))
    return fields


def registration_fields(check: Validator, data: dict, event: dict) -> dict:
    """Registration is on for every event (the club's events all ask for it) unless `registration: false`."""
    registration = check.flag(data, "registration") if "registration" in data else True
    per_company = check.count(data, "per_company")
    capacity = event["capacity"]
    if per_company and capacity and per_company > capacity:
        check.error("per_company", f"`per_company: {per_company}` is more than `capacity: {capacity}`; "
                                   f"a company can take at most all {capacity} seats: lower it or remove it")
    fields = {"registration": registration, "per_company": per_company,
              "register_until": deadline(check, data, event), "questions": questions(check, data),
              "online_link": online_link(check, data, event["online"]), "offer_hours": offer_hours(check, data)}
    if not registration:
        for key in ("per_company", "register_until", "questions", "online_link", "offer_hours"):
            if key in data and key not in check.bad_keys:
                check.error(key, f"`{key}` is for registration, but this page has `registration: false`; "
                                 f"remove `{key}` or the `registration: false` line")
    return fields


def offer_hours(check: Validator, data: dict) -> int:
    """How long a freed seat is held for the first person waiting: 24 hours unless the page says, at most a week."""
    hours = check.count(data, "offer_hours")
    if hours is not None and hours > MAX_OFFER_HOURS:
        check.error("offer_hours", f"`offer_hours: {hours}` is more than a week; a seat held that long is "
                                   f"lost to everyone else: write at most {MAX_OFFER_HOURS} (24 is the usual)")
        return DEFAULT_OFFER_HOURS
    return hours or DEFAULT_OFFER_HOURS


def deadline(check: Validator, data: dict, event: dict) -> datetime | None:
    """`register_until`, not after the event's end (or its start when it has no end); default: the start."""
    until = check.moment(data, "register_until")
    starts, ends = event["starts"], event["ends"]
    last, name = (ends, "ends") if ends else (starts, "starts")
    if until and last and until > last:
        check.error("register_until", f"`register_until` is after `{name}`; registration must close by "
                                      f'{last:%Y-%m-%d %H:%M}: write e.g. `register_until: "{starts:%Y-%m-%d %H:%M}"`'
                                      " or remove the line (it then closes when the event starts)")
        return None
    return until


def online_link(check: Validator, data: dict, online: bool) -> str:
    link = check.text(data, "online_link")
    if not link:
        return ""
    if not online:
        check.error("online_link", "`online_link` is only for online events: add `online: true` "
                                   "or remove `online_link`")
        return ""
    if not re.match(r"^https://[^\s/?#]+\.[^\s/?#]+\S*$", link):
        check.error("online_link", f"`online_link` must be a full https:// address, got {link!r}; "
                                   'e.g. `online_link: "https://meet.example.ru/dali"`')
        return ""
    return link


def questions(check: Validator, data: dict) -> list[Question]:
    items = data.get("questions")
    if items is None:
        return []
    if not isinstance(items, list) or not items:
        check.error("questions", f"`questions` must be a list of questions, one per line, e.g. {QUESTION_EXAMPLE}")
        return []
    if len(items) > MAX_QUESTIONS:
        check.error("questions", f"{len(items)} questions; a registration form asks at most {MAX_QUESTIONS}: "
                                 "keep the ones you will use")
    found: list[Question] = []
    for index, item in enumerate(items[:MAX_QUESTIONS]):
        question = one_question(check, item, f"questions.{index}")
        if question and any(q.name == question.name for q in found):
            check.error(f"questions.{index}.name", f"two questions are named {question.name!r}; "
                                                   "each needs its own `name`")
        elif question:
            found.append(question)
    return found


def one_question(check: Validator, item: object, at: str) -> Question | None:
    """One item of `questions:`; `at` ("questions.2") finds its lines for the errors."""
    if not isinstance(item, dict):
        check.error(at, f"each question must be a `name`, `label` and `kind`, e.g. {QUESTION_EXAMPLE}")
        return None
    for key in item:
        if key not in QUESTION_KEYS:
            check.error(f"{at}.{key}", f"unknown question key `{key}`; a question takes: {', '.join(QUESTION_KEYS)}")
    sub = Validator(check.config, check.display, {k[len(at) + 1:]: v for k, v in check.lines.items()
                                                  if k.startswith(at + ".")})
    name, label = sub.text(item, "name", required=True), sub.text(item, "label", required=True)
    if name and not _NAME.match(name):
        sub.error("name", f"question name {name!r} must be a short latin id: lowercase letters, digits, '-' or '_', "
                          'e.g. "diet" or "question-to-engineer"')
    kind = sub.text(item, "kind") or "text"
    if kind not in QUESTION_KINDS:
        sub.error("kind", f"unknown question kind {kind!r}; use text (one line), long (a paragraph) or choice")
        kind = "text"
    result = Question(name=name, label=label, kind=kind, options=choice_options(sub, item, kind),
                      required=sub.flag(item, "required"), max=answer_max(sub, item, kind))
    item_line = check.lines.get(at, 1)
    for error in sub.errors:  # a missing key has no line of its own (1): point at the item instead
        check.errors.append(error if error.line != 1 else ContentError(error.path, item_line, error.message))
    if sub.errors:
        check.bad_keys.add("questions")
        return None
    return result


def choice_options(check: Validator, item: dict, kind: str) -> tuple[str, ...]:
    if "options" not in item:
        if kind == "choice":
            check.error("", f"a `kind: choice` question needs `options:`, {OPTIONS[0]} to {OPTIONS[1]} of them, "
                            "e.g. `options: [Мясо, Рыба, Вегетарианское]`")
        return ()
    if kind != "choice":
        check.error("options", "`options` are for `kind: choice` questions; add `kind: choice` or remove `options`")
        return ()
    options = check.strings(item, "options")
    low, high = OPTIONS
    if not low <= len(options) <= high or len(set(options)) != len(options):
        check.error("options", f"a choice needs {low} to {high} different options, got {len(options)}: "
                               "e.g. `options: [Мясо, Рыба, Вегетарианское]`")
    return tuple(options)


def answer_max(check: Validator, item: dict, kind: str) -> int:
    if kind == "choice":
        if "max" in item:
            check.error("max", "`max` is for text answers; a choice's answer is one of its `options`: remove `max`")
        return 0
    default, ceiling = ANSWER_MAX[kind]
    value = item.get("max", default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ceiling:
        check.error("max", f"`max` of a `{kind}` answer is a number of characters from 1 to {ceiling}, "
                           f"got {value!r}; the default is {default}")
        return default
    return value


# --- site/events.json ---------------------------------------------------------------------------

def event_entries(pages: list[Page], config: ClubConfig) -> list[EventEntry]:
    tz = ZoneInfo(config.timezone)
    return [event_entry(page, config.timezone, tz) for page in sorted(pages, key=lambda p: p.url)
            if page.kind == "event" and page.extra.get("starts")]


def event_entry(page: Page, zone: str, tz: ZoneInfo) -> EventEntry:
    e = page.extra
    def iso(moment: datetime | None) -> str | None:
        return moment.replace(tzinfo=tz).isoformat() if moment else None
    starts, ends = iso(e["starts"]), iso(e["ends"])
    place = [starts, ends, e["city"], e["venue"], e["online_link"]]
    revision = hashlib.sha256(json.dumps(place, ensure_ascii=False).encode()).hexdigest()[:16]
    return EventEntry(
        url="/" + page.url, slug=page.slug, source=page.display, title=page.title, access=page.access,
        starts=starts or "", ends=ends, register_until=iso(e["register_until"]) or starts or "", timezone=zone,
        city=e["city"], venue=e["venue"], online=e["online"], online_link=e["online_link"],
        capacity=e["capacity"], per_company=e["per_company"], questions=tuple(e["questions"]),
        cancelled=e["cancelled"], registration=e["registration"], revision=revision, offer_hours=e["offer_hours"])


def duplicate_slugs(pages: list[Page]) -> list[ContentError]:
    """Event pages in different folders under events/ may not share a slug: the portal finds an
    event by it (/account/events/<slug>/)."""
    seen: dict[str, Page] = {}
    errors = []
    for page in sorted((p for p in pages if p.kind == "event"), key=lambda p: p.rel):
        other = seen.setdefault(page.slug, page)
        if other is not page:
            errors.append(ContentError(page.display, page.line_of("slug") if "slug" in page.lines else 1,
                                       f"event slug {page.slug!r} is also the slug of {other.display}; the "
                                       "registration page needs one per event: set a different `slug:`"))
    return errors
