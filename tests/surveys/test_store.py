"""Answers: one per person per wave (a second changes it), refused when not asked or closed; a detractor's
answer records Detracted once, in the answer's transaction; what a person's data download holds."""

from __future__ import annotations

import json
import time

import pytest

from portal.surveys import store
from tests.surveys.helpers import members, start

DAY = 86400.0


def detracted(db) -> list[dict]:
    return [json.loads(row[0]) for row in db.execute("SELECT payload FROM happenings WHERE kind = 'Detracted'")]


def test_second_answer_changes_the_first(db, settings):
    person = members(db, 1)[0]
    wave, _ = start(db, settings)
    first = store.answer(db, wave, person.id, 8, "хорошо")
    second = store.answer(db, wave, person.id, 9, "отлично")
    assert (second.score, second.why, second.answered_at) == (9, "отлично", first.answered_at)
    assert [a.score for a in store.answers(db, wave.id)] == [9]


def test_not_asked_and_closed_are_refused(db, settings):
    person, stranger = members(db, 2)
    now = time.time()
    store.set_opt_out(db, stranger.id, True, now)
    wave, _ = start(db, settings, now=now)
    with pytest.raises(store.Refused, match="not_asked"):
        store.answer(db, wave, stranger.id, 9, "")
    with pytest.raises(store.Refused, match="closed"):
        store.answer(db, wave, person.id, 9, "", now=wave.closes_at)
    assert store.answers(db, wave.id) == []


def test_detractor_records_a_happening_once(db, settings):
    person = members(db, 1)[0]
    wave, _ = start(db, settings)
    store.answer(db, wave, person.id, 4, "долго везут")
    store.answer(db, wave, person.id, 3, "очень долго")     # still a detractor: not again
    assert [(h["wave_id"], h["user_id"], h["score"], h["why"]) for h in detracted(db)] == \
        [(wave.id, person.id, 4, "долго везут")]
    assert detracted(db)[0]["company_id"] == person.company_id


def test_promoter_records_nothing_and_a_change_to_detractor_does(db, settings):
    person = members(db, 1)[0]
    wave, _ = start(db, settings)
    store.answer(db, wave, person.id, 9, "")
    assert detracted(db) == []
    store.answer(db, wave, person.id, 6, "передумал")
    assert [h["score"] for h in detracted(db)] == [6]


def test_cabinet_card_wave_hides_after_answer_or_dismiss(db, settings):
    first, second = members(db, 2)
    wave, _ = start(db, settings)
    now = time.time() + 1
    assert store.open_for(db, first.id, now).id == wave.id
    store.answer(db, wave, first.id, 10, "")
    assert store.open_for(db, first.id, now) is None
    assert store.dismiss(db, wave.id, second.id, now)
    assert store.open_for(db, second.id, now) is None
    assert store.open_for(db, second.id, wave.closes_at) is None


def test_personal_data(db, settings):
    person = members(db, 1)[0]
    wave, _ = start(db, settings, title="Осень")
    store.answer(db, wave, person.id, 7, "норм")
    store.set_opt_out(db, person.id, True, time.time())
    data = store.personal_data(db, person.id)
    assert [a["title"] for a in data["survey_waves_asked"]] == ["Осень"]
    assert [(a["score"], a["why"]) for a in data["survey_answers"]] == [(7, "норм")]
    assert len(data["survey_opt_out"]) == 1


def test_deleting_the_account_deletes_the_answers(db, settings):
    person = members(db, 1)[0]
    wave, _ = start(db, settings)
    store.answer(db, wave, person.id, 9, "")
    store.set_opt_out(db, person.id, True, time.time())
    db.execute("DELETE FROM users WHERE id = ?", [person.id])
    assert store.answers(db, wave.id) == [] and store.asked_count(db, wave.id) == 0
    assert not store.opted_out(db, person.id)
