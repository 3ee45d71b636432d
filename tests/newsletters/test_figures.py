"""The newsletters' panel against hand-counted sends and events: delivered, open and click rates over
delivered-and-tracked messages, by topic; finished newsletters kept in tallies that stay exact when
events keep coming (a new click shows at once, a second open of the same send counts once)."""

import json
from datetime import UTC, date, datetime

import pytest

from portal.core.dashboard import Period
from portal.newsletters import figures, stats, tallies
from portal.newsletters.model import get_newsletter

Q2 = Period(date(2026, 4, 1), date(2026, 7, 1))


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def add_newsletter(db, started: str, status: str, topics: list[str]) -> int:
    return db.execute(
        "INSERT INTO newsletters (page, url, subject, access, audience, mail, scheduled_at, status, created_at, "
        "started_at) VALUES ('p', '/p/', 'Тема', 'members', ?, '{}', ?, ?, '2026-01-01T00:00:00+00:00', ?)",
        [json.dumps({"topics": topics}), at(started), status, at(started)]).lastrowid


def add_send(db, newsletter_id: int, status: str = "sent", tracking: int = 1, events: tuple[str, ...] = ()) -> int:
    send_id = db.execute("INSERT INTO newsletter_sends (newsletter_id, email, name, variant, tracking, status) "
                         "VALUES (?, 'r@x.ru', 'Р', 'full', ?, ?)", [newsletter_id, tracking, status]).lastrowid
    for kind in events:
        add_event(db, send_id, kind)
    return send_id


def add_event(db, send_id: int, kind: str) -> None:
    db.execute("INSERT INTO newsletter_events (send_id, kind, at) VALUES (?, ?, ?)", [send_id, kind, at("2026-06-20")])


@pytest.fixture
def letters(db):
    n1 = add_newsletter(db, "2026-04-05T07:00:00", "done", ["products"])
    add_send(db, n1, events=("open", "open"))
    add_send(db, n1, events=("click",))               # a click without the pixel is an open too
    add_send(db, n1, tracking=0)                      # delivered, but never countable: not in the base
    add_send(db, n1, status="failed")
    quiet = add_send(db, n1)
    n2 = add_newsletter(db, "2026-06-01T07:00:00", "done", ["products", "design"])
    add_send(db, n2, events=("open", "click"))
    add_send(db, n2)
    n3 = add_newsletter(db, "2026-03-31T20:00:00", "done", [])   # 23:00 in Moscow, 31 March: the first quarter
    add_send(db, n3, events=("open",))
    n4 = add_newsletter(db, "2026-06-10T07:00:00", "sending", [])
    add_send(db, n4, events=("open",))
    add_send(db, n4, status="queued")
    return {"n1": n1, "quiet": quiet}


def numbers(found):
    return {figure.key: (round(figure.value, 2) if figure.value is not None else None) for figure in found.figures}


def test_the_quarter_hand_counted(letters, db, settings):
    found = figures.figures(db, settings, Q2, "ru")
    assert numbers(found) == {"newsletters": 3, "sent": 7, "open_rate": 66.67, "click_rate": 33.33}
    rates = {item.key: {name: round(value, 2) for name, value in item.values.items()} for item in found.breakdowns}
    assert rates["clicks_by_topic"] == {"Тренды и дизайн освещения": 50.0, "Новинки продукции": 40.0,
                                        "Без отбора по темам (всем)": 0.0}
    assert rates["opens_by_topic"] == {"Тренды и дизайн освещения": 50.0, "Новинки продукции": 60.0,
                                       "Без отбора по темам (всем)": 100.0}
    click = next(figure for figure in found.figures if figure.key == "click_rate")
    assert click.note == "dash.nl.click_note" and click.unit == "%"


def test_letters_to_an_explicit_list_are_not_newsletters(letters, db, settings):
    survey = add_newsletter(db, "2026-05-05T07:00:00", "done", [])
    db.execute("UPDATE newsletters SET recipients = '[1]' WHERE id = ?", [survey])  # a survey wave's letter
    add_send(db, survey, events=("open", "click"))
    assert numbers(figures.figures(db, settings, Q2, "ru"))["newsletters"] == 3


def test_previous_quarter_and_an_empty_year_before(letters, db, settings):
    assert numbers(figures.figures(db, settings, Q2.previous(), "ru")) == {
        "newsletters": 1, "sent": 1, "open_rate": 100.0, "click_rate": 0.0}
    assert numbers(figures.figures(db, settings, Q2.last_year(), "ru")) == {
        "newsletters": 0, "sent": 0, "open_rate": None, "click_rate": None}  # no rate is "—", never 0


def test_a_new_click_shows_at_once_and_a_second_open_counts_once(letters, db, settings):
    figures.figures(db, settings, Q2, "ru")
    kept = db.execute("SELECT newsletter_id FROM newsletter_tallies ORDER BY newsletter_id").fetchall()
    assert [row[0] for row in kept] == [letters["n1"], letters["n1"] + 1]   # finished ones only
    add_event(db, letters["quiet"], "click")
    add_event(db, letters["quiet"] - 4, "open")                            # the first send opened again
    assert numbers(figures.figures(db, settings, Q2, "ru")) == {
        "newsletters": 3, "sent": 7, "open_rate": 83.33, "click_rate": 50.0}


def test_tallies_equal_the_newsletter_statistics_after_each_event(letters, db):
    newsletter_id = letters["n1"]
    tallies.tally(db, newsletter_id, "done", tallies.last_event(db))
    for send_offset, kind in [(0, "click"), (4, "open"), (1, "open"), (4, "click"), (2, "click")]:
        add_event(db, letters["quiet"] - 4 + send_offset, kind)
        tallies.refresh(db, tallies.last_event(db))
        found = tallies.tally(db, newsletter_id, "done", tallies.last_event(db))
        live = stats.newsletter_stats(db, get_newsletter(db, newsletter_id)).total
        assert (found.recipients, found.sent, found.tracked, found.opens, found.clicks) == (
            live.recipients, live.sent, live.tracked, live.opens, live.clicks)


def test_one_refresh_brings_every_kept_tally_up_to_date_once(letters, db):
    upto = tallies.last_event(db)
    first = tallies.tally(db, letters["n1"], "done", upto)
    add_event(db, letters["quiet"], "click")
    newer = tallies.last_event(db)
    tallies.refresh(db, newer)
    tallies.refresh(db, newer)                       # again (another look): nothing is added twice
    assert tallies.tally(db, letters["n1"], "done", newer).clicks == first.clicks + 1
    assert db.execute("SELECT min(events_upto) FROM newsletter_tallies").fetchone()[0] == newer
