"""Whom a wave asks: members only, the audience's lists, nobody twice within min_days (across waves), and
nobody who opted out; tiers from points, attendees from events."""

from __future__ import annotations

import time

import pytest

from portal.surveys import audience, store
from portal.surveys.model import Audience
from portal.surveys.waves import NobodyToAsk
from tests.portal_fixtures import make_user
from tests.surveys.helpers import members, start

DAY = 86400.0


def test_members_only(db, settings):
    people = members(db, 2)
    make_user(db, "reader@example.ru")                       # no company: not a member
    make_user(db, "staff@club.example", role="staff")         # staff are not asked
    wave, asked = start(db, settings)
    assert asked == 2
    assert store.asked_recipients(db, wave.id) == [p.id for p in people]


def test_segment_and_region(db, settings):
    members(db, 2, "inst", segment="installers", region="central")
    members(db, 1, "des", company="ООО «Проект Люкс»", segment="designers", region="central")
    members(db, 1, "nosay", company="ИП Фонарёв")
    assert len(audience.candidates(db, None, Audience(segments=["installers"]), time.time(), 90)) == 2
    assert len(audience.candidates(db, None, Audience(regions=["central"]), time.time(), 90)) == 3
    assert len(audience.candidates(db, None, Audience(segments=["designers"], regions=["south"]), time.time(), 90)) == 0


def test_company_size_is_kept(db, settings):
    members(db, 3)
    members(db, 1, "solo", company="ИП Фонарёв")
    sizes = sorted(c.company_size for c in audience.candidates(db, None, Audience(), time.time(), 90))
    assert sizes == [1, 3, 3, 3]


def test_nobody_is_asked_twice_within_min_days_across_waves(db, settings):
    people = members(db, 3)
    now = time.time()
    first, asked = start(db, settings, now=now - 89 * DAY)
    assert asked == 3
    with pytest.raises(NobodyToAsk):
        start(db, settings, now=now)                          # 89 days later: everyone asked lately
    newcomer = members(db, 1, "new")[0]
    second, asked = start(db, settings, now=now)
    assert store.asked_recipients(db, second.id) == [newcomer.id]
    third, asked = start(db, settings, now=now - 89 * DAY + 91 * DAY)  # 91 days after the first
    assert store.asked_recipients(db, third.id) == [p.id for p in people]


def test_throttle_is_checked_again_when_the_wave_is_written(db, settings):
    people = members(db, 2)
    now = time.time()
    found = audience.candidates(db, None, Audience(), now, 90)
    start(db, settings, now=now)                               # another wave asked them meanwhile
    wave_id, asked = store.create_wave(db, "late", "Клуб", Audience(), found, now, now + 30 * DAY, None, 90, now)
    assert asked == 0 and store.asked_count(db, wave_id) == 0
    assert len(people) == 2


def test_opted_out_are_not_asked(db, settings):
    people = members(db, 2)
    store.set_opt_out(db, people[0].id, True, time.time())
    wave, asked = start(db, settings)
    assert store.asked_recipients(db, wave.id) == [people[1].id]
    store.set_opt_out(db, people[0].id, False, time.time())
    assert not store.opted_out(db, people[0].id)


def test_tier_filter_uses_points(db, settings):
    members(db, 2)
    everyone = audience.candidates(db, None, Audience(), time.time(), 90)
    assert {c.tier for c in everyone} == {1}                   # no purchases: the lowest tier
    assert audience.candidates(db, None, Audience(tiers=[2]), time.time(), 90) == []
    assert len(audience.candidates(db, None, Audience(tiers=[1]), time.time(), 90)) == 2


def test_event_attendees_from_events(db, settings):
    people = members(db, 3)
    now = time.time()
    for position, (person, present) in enumerate(((people[0], 1), (people[1], 0))):
        registration = db.execute(
            "INSERT INTO event_registrations (event, user_id, company_id, status, answers, registered_by, position, "
            "created_at, updated_at) VALUES ('seminar', ?, ?, 'registered', '{}', ?, ?, ?, ?)",
            [person.id, person.company_id, person.id, position, now, now]).lastrowid
        db.execute("INSERT INTO event_attendance (registration_id, event, present, at) VALUES (?, 'seminar', ?, ?)",
                   [registration, present, now])
    found = audience.candidates(db, None, Audience(event="seminar"), now, 90)
    assert [c.user_id for c in found] == [people[0].id]
