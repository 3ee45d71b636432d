"""The feedback panel and health column against hand-counted requests, replies and status changes."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from portal.core.companies import merge
from portal.core.dashboard import Period
from portal.feedback import figures, hours, store
from tests.feedback.helpers import new_request, person

MSK = ZoneInfo("Europe/Moscow")
NOVEMBER = Period(date(2026, 11, 1), date(2026, 12, 1))


def at(month: int, day: int, hour: int = 10) -> float:
    return datetime(2026, month, day, hour, 0, tzinfo=MSK).timestamp()


@pytest.fixture
def clock(monkeypatch):
    """Set the store's clock (its log rows take the time of writing)."""
    def set_to(moment: float) -> None:
        monkeypatch.setattr(store, "time", SimpleNamespace(time=lambda: moment))
    return set_to


def write(db, clock, author, kind: str, moment: float) -> int:
    clock(moment)
    request_id = new_request(db, author, kind)
    db.execute("UPDATE feedback_requests SET created_at = ? WHERE id = ?", [moment, request_id])  # as if then
    return request_id


@pytest.fixture
def inbox(db, clock):
    """Fri 30 Oct a question (answered Mon 2 Nov 10:00: 9 working hours, counted later); Tue 3 Nov a
    complaint answered at 12:00 (2 working hours, counted when written); Wed 4 Nov an idea, closed 10 Nov and
    reopened 2 Dec; Thu 5 Nov a question nobody answered; 2 Dec one more."""
    partner = person(db, "petr@svet.ru")
    other = person(db, "ira@luch.ru", company="ООО «Луч»", name="Ира")
    staff = person(db, "maria@club.example", role="staff", name="Мария")
    first = write(db, clock, partner, "question", at(10, 30))
    store.add_message(db, store.get_request(db, first), staff, "staff", "Ответ", at=at(11, 2))
    complaint = write(db, clock, other, "complaint", at(11, 3))
    store.add_message(db, store.get_request(db, complaint), staff, "staff", "Ответ", at=at(11, 3, 12),
                      reply_clock=hours.reply_clock(hours.DEFAULT_HOURS, MSK))
    idea = write(db, clock, partner, "idea", at(11, 4))
    clock(at(11, 10))
    store.set_status(db, idea, "closed", staff.id)
    write(db, clock, partner, "question", at(11, 5))
    clock(at(12, 2))
    store.add_message(db, store.get_request(db, idea), partner, "partner", "Ещё вопрос", at=at(12, 2))
    write(db, clock, other, "other", at(12, 2))
    return {"partner": partner, "other": other}


def test_the_panel_of_november(db, settings, inbox):
    found = figures.panel(db, settings, NOVEMBER, "ru")
    values = {figure.key: figure.value for figure in found.figures}
    # Open at the end: the October question (answered, not closed), the complaint, the unanswered question;
    # the idea was closed then (reopened only in December).
    assert values == {"opened": 3, "open": 3, "reply_median": 5.5, "reply_mean": 5.5}
    assert dict(found.breakdowns[0].values) == {"Жалоба": 1, "Вопрос": 1, "Идея": 1}
    assert [f.state for f in found.figures] == [False, True, False, False]
    english = figures.panel(db, settings, NOVEMBER, "en").breakdowns[0].values
    assert dict(english) == {"Complaint": 1, "Question": 1, "Idea": 1}


def test_open_now_counts_the_reopened_idea(db, settings, inbox):
    assert figures.open_at(db, at(12, 3)) == 5
    assert figures.open_at(db, at(10, 1)) == 0


def test_a_request_brought_in_closed_counts_closed_before_its_log(db, clock, inbox):
    """The demo's history: written with a past `at`, its log rows carry the time they were written."""
    request_id = write(db, clock, inbox["partner"], "other", at(9, 1))
    clock(at(12, 3))
    store.set_status(db, request_id, "closed", None)
    db.execute("UPDATE feedback_requests SET closed_at = ? WHERE id = ?", [at(9, 2), request_id])
    assert figures.open_at(db, at(10, 1)) == 0


def test_no_replies_means_no_reply_time(db, settings):
    values = {f.key: f.value for f in figures.panel(db, settings, NOVEMBER, "ru").figures}
    assert values["reply_median"] is None and values["reply_mean"] is None and values["opened"] == 0


def test_open_requests_per_company(db, settings, inbox):
    partner, other = inbox["partner"], inbox["other"]
    assert figures.open_requests(db, settings, at(12, 3)) == {partner.company_id: 3, other.company_id: 2}
    merge(db, other.company_id, partner.company_id, None)
    assert figures.open_requests(db, settings, at(12, 3)) == {partner.company_id: 5}
