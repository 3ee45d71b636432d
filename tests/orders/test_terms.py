"""extra.club.orders.answer_hours: checked by `club check`, and the deadline counted in weekday hours."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal.orders import terms

MOSCOW = ZoneInfo("Europe/Moscow")


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=MOSCOW).timestamp()


def config(section) -> dict:
    return {"extra": {"club": {"orders": section}}}


def test_no_section_is_fine_and_the_default_is_one_day():
    assert terms.check_orders_config({}) == [] and terms.parse_answer_hours(None) == 24


@pytest.mark.parametrize(("section", "problem"), [
    ({"answer_hours": 0}, "answer_hours: a whole number"), ({"answer_hours": "24"}, "answer_hours"),
    ({"answer_hours": True}, "answer_hours"), ({"answer_hour": 8}, "answer_hour: no such setting"),
    ([1, 2], "extra.club.orders: a mapping")])
def test_bad_settings_are_named(section, problem):
    assert any(problem in found for found in terms.check_orders_config(config(section)))


@pytest.mark.parametrize(("start", "hours", "due"), [
    ("2026-12-01 10:00", 24, "2026-12-02 10:00"),   # Tuesday -> Wednesday
    ("2026-12-04 15:00", 24, "2026-12-07 15:00"),   # Friday -> Monday: the weekend does not count
    ("2026-12-05 11:00", 24, "2026-12-08 00:00"),   # sent on Saturday: counting starts on Monday
    ("2026-12-04 15:00", 8, "2026-12-04 23:00"),
])
def test_the_deadline_skips_weekends(start, hours, due):
    assert terms.due_at(at(start), hours, MOSCOW) == at(due)


def test_overdue_from_the_deadline_on():
    start = at("2026-12-04 15:00")
    assert not terms.is_overdue(start, at("2026-12-07 14:59"), 24, MOSCOW)
    assert terms.is_overdue(start, at("2026-12-07 15:00"), 24, MOSCOW)
