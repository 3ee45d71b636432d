"""The dashboard panel (NPS of the period's answers, answers, response rate) and the health column."""

from __future__ import annotations

import time
from datetime import date, timedelta

from portal.core.dashboard import Period
from portal.surveys import store
from portal.surveys.capability import CAPABILITY
from portal.surveys.dashboard import HEALTH, PANEL, company_nps, company_nps_change
from tests.surveys.helpers import members, start


def test_declared_in_the_capability():
    assert CAPABILITY.dashboard_panels == (PANEL,) and CAPABILITY.health_columns == HEALTH
    assert [column.key for column in HEALTH] == ["nps", "nps_trend"]  # nps_trend: the drifting filter's


def test_panel_figures(db, settings):
    people = members(db, 4)
    wave, _ = start(db, settings)
    for person, score in zip(people[:3], (10, 9, 3), strict=True):
        store.answer(db, wave, person.id, score, "")
    today = date.today()
    found = {f.key: f.value for f in PANEL.figures(db, settings, Period(today - timedelta(days=1),
                                                                       today + timedelta(days=2)), "ru").figures}
    assert found == {"nps": 33, "answers": 3.0, "rate": 75.0}
    empty = {f.key: f.value for f in PANEL.figures(db, settings, Period(date(2020, 1, 1), date(2020, 2, 1)),
                                                   "ru").figures}
    assert empty == {"nps": None, "answers": 0.0, "rate": None}


def test_health_column_is_the_mean_of_latest_answers(db, settings):
    first, second = members(db, 2)
    solo = members(db, 1, "s", company="ИП Фонарёв")[0]
    wave, _ = start(db, settings, now=time.time() - 100 * 86400)
    store.answer(db, wave, first.id, 2, "", now=wave.send_at + 60)
    later, _ = start(db, settings)
    store.answer(db, later, first.id, 9, "")                  # the latest answer counts, not the old 2
    store.answer(db, later, second.id, 6, "")
    store.answer(db, later, solo.id, 10, "")
    assert company_nps(db, settings, time.time()) == {first.company_id: 7.5, solo.company_id: 10.0}
    # The change: only the first company's first person answered twice (2, then 9): +7.
    assert company_nps_change(db, settings, time.time()) == {first.company_id: 7.0}


def test_a_falling_score_is_a_negative_change(db, settings):
    first, second = members(db, 2)
    wave, _ = start(db, settings, now=time.time() - 100 * 86400)
    store.answer(db, wave, first.id, 9, "", now=wave.send_at + 60)
    store.answer(db, wave, second.id, 8, "", now=wave.send_at + 60)
    later, _ = start(db, settings)
    store.answer(db, later, first.id, 4, "")
    store.answer(db, later, second.id, 7, "")
    assert company_nps_change(db, settings, time.time()) == {first.company_id: -3.0}  # (−5 + −1) / 2
