"""Working hours: the time to first reply counts only the club's working time (table tests)."""

from datetime import datetime, time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from portal.feedback.hours import (
    DEFAULT_HOURS,
    WorkingHours,
    club_hours,
    describe,
    median_seconds,
    parse_hours,
    working_seconds,
)

MOSCOW = ZoneInfo("Europe/Moscow")  # no DST since 2014
BERLIN = ZoneInfo("Europe/Berlin")
H = 3600


def at(text: str, zone: ZoneInfo = MOSCOW) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=zone).timestamp()


# 2026-12-07 is a Monday, 2026-12-11 a Friday.
CASES = [
    ("inside one day", "2026-12-07 10:00", "2026-12-07 12:30", 2.5 * H),
    ("start before opening", "2026-12-07 07:00", "2026-12-07 10:00", 1 * H),
    ("end after closing", "2026-12-07 17:00", "2026-12-07 23:00", 1 * H),
    ("overnight", "2026-12-07 17:00", "2026-12-08 10:00", 2 * H),
    ("whole night outside hours", "2026-12-07 19:00", "2026-12-08 08:59", 0),
    ("friday evening to monday morning", "2026-12-11 17:30", "2026-12-14 09:30", 1 * H),
    ("written on saturday", "2026-12-12 11:00", "2026-12-14 11:00", 2 * H),
    ("a whole weekend", "2026-12-12 00:00", "2026-12-13 23:59", 0),
    ("a whole week", "2026-12-07 00:00", "2026-12-14 00:00", 45 * H),
    ("end before start", "2026-12-08 12:00", "2026-12-07 12:00", 0),
]


@pytest.mark.parametrize(("name", "start", "end", "expected"), CASES, ids=[c[0] for c in CASES])
def test_working_seconds(name, start, end, expected):
    assert working_seconds(at(start), at(end), DEFAULT_HOURS, MOSCOW) == expected


def test_hours_are_read_in_the_club_zone_not_utc():
    # 09:00 in Moscow is 06:00 UTC: a reply at 10:00 Moscow time is one working hour after a 06:00 UTC request.
    start = datetime.fromisoformat("2026-12-07 06:00+00:00").timestamp()
    assert working_seconds(start, at("2026-12-07 10:00"), DEFAULT_HOURS, MOSCOW) == 1 * H


def test_a_dst_change_keeps_the_working_day_nine_hours():
    # Berlin moves its clocks on Sunday 2026-03-29: the Monday after still has 09:00-18:00 local.
    assert working_seconds(at("2026-03-27 00:00", BERLIN), at("2026-03-31 00:00", BERLIN), DEFAULT_HOURS,
                           BERLIN) == 18 * H


def test_the_total_never_exceeds_the_elapsed_time_and_grows_with_the_end():
    start = at("2026-12-07 08:13")
    previous = 0.0
    for minutes in range(0, 14 * 24 * 60, 97):
        end = start + minutes * 60
        value = working_seconds(start, end, DEFAULT_HOURS, MOSCOW)
        assert previous <= value <= end - start
        previous = value


def test_configured_hours_and_mistakes():
    hours = parse_hours({"days": ["mon", "Tuesday", "sat"], "start": "10:00", "end": "14:30"})
    assert hours == WorkingHours(frozenset({0, 1, 5}), time(10, 0), time(14, 30))
    assert working_seconds(at("2026-12-12 00:00"), at("2026-12-13 00:00"), hours, MOSCOW) == 4.5 * H
    for bad in ({"days": ["someday"]}, {"start": "9"}, {"start": "18:00", "end": "09:00"}, ["mon"], {"days": []}):
        with pytest.raises(ValueError):
            parse_hours(bad)
    club = SimpleNamespace(raw={"extra": {"club": {"working_hours": {"start": "08:00", "end": "17:00"}}}})
    assert club_hours(club).start.hour == 8
    assert club_hours(SimpleNamespace(raw={"extra": {"club": {"working_hours": "always"}}})) == DEFAULT_HOURS
    assert club_hours(None) == DEFAULT_HOURS


def test_median_and_its_words():
    pairs = [(at("2026-12-07 10:00"), at("2026-12-07 11:00")), (at("2026-12-07 17:00"), at("2026-12-08 10:00")),
             (at("2026-12-11 17:00"), at("2026-12-14 13:00"))]
    assert median_seconds(pairs, DEFAULT_HOURS, MOSCOW) == 2 * H
    assert median_seconds([], DEFAULT_HOURS, MOSCOW) is None
    counted = [(*pairs[0], 5 * H), (*pairs[1], None), (*pairs[2], 7 * H)]  # stored when replied; None: count now
    assert median_seconds(counted, DEFAULT_HOURS, MOSCOW) == 5 * H
    assert describe(2 * H + 15 * 60, "ru") == "2 ч 15 мин" and describe(50 * 60, "en") == "50 min"
    assert describe(None, "ru") == "—"


def day_by_day(start: float, end: float, hours: WorkingHours, zone: ZoneInfo) -> float:
    """The plain definition, one day at a time: what the week-skipping version must agree with."""
    from datetime import UTC, timedelta

    total, day = 0.0, datetime.fromtimestamp(start, zone).date()
    while day <= datetime.fromtimestamp(end, zone).date():
        if day.weekday() in hours.days:
            opens = datetime.combine(day, hours.start, tzinfo=zone).astimezone(UTC).timestamp()
            closes = datetime.combine(day, hours.end, tzinfo=zone).astimezone(UTC).timestamp()
            total += max(0.0, min(end, closes) - max(start, opens))
        day += timedelta(days=1)
    return max(total, 0.0)


def test_long_spans_agree_with_the_day_by_day_count():
    import random

    rng = random.Random(7)
    weekend_shift = parse_hours({"days": ["sat", "sun", "wed"], "start": "08:30", "end": "20:00"})
    for _ in range(300):
        start = at("2026-01-01 00:00") + rng.uniform(0, 300 * 24 * H)
        end = start + rng.choice([rng.uniform(0, 3 * 24 * H), rng.uniform(0, 400 * 24 * H)])
        for hours in (DEFAULT_HOURS, weekend_shift):
            assert working_seconds(start, end, hours, MOSCOW) == pytest.approx(day_by_day(start, end, hours, MOSCOW))
    year = working_seconds(at("2026-01-05 00:00"), at("2027-01-04 00:00"), DEFAULT_HOURS, MOSCOW)
    assert year == 52 * 45 * H
