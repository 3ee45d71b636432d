"""The events panel and health column against hand-counted registrations, a waiting list and check-ins."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.core.companies import merge
from portal.core.dashboard import Period
from portal.events import attendance, figures, store
from tests.events.helpers import event, person, publish

MSK = ZoneInfo("Europe/Moscow")
NOVEMBER = Period(date(2026, 11, 1), date(2026, 12, 1))


def at(month: int, day: int, hour: int = 12) -> float:
    return datetime(2026, month, day, hour, 0, tzinfo=MSK).timestamp()


@pytest.fixture
def club(db, mini_site):
    """Two events in November and December (two seats and one) and one called off; five people.

    Oct 25 Аня registers for November. Nov 2 Борис registers, Nov 3 Вера waits, Nov 4 Борис cancels (Вера is
    offered the seat), Nov 5 Вера accepts, Nov 6 Борис signs up again (waiting). Nov 7 Глеб takes December's
    one seat, Дина waits for it. November's event: Аня there, Вера marked there then corrected to absent.
    """
    nov = event("nov", starts="2026-11-20T10:00:00+03:00", ends=None, register_until="2026-11-20T10:00:00+03:00",
                capacity=2, questions=())
    dec = event("dec", title="Декабрьский семинар", starts="2026-12-10T10:00:00+03:00", ends=None,
                register_until="2026-12-10T10:00:00+03:00", capacity=1, questions=())
    off = event("off", starts="2026-11-15T10:00:00+03:00", ends=None, cancelled=True, questions=())
    publish(mini_site, nov, dec, off)
    people = {name: person(db, f"{name}@example.ru", company=f"ООО «{name}»", name=name)
              for name in ("anya", "boris", "vera", "gleb", "dina")}

    def register(who, entry, day):
        return store.register(db, entry, people[who], people[who], {}, at(*day)).registration

    anya = register("anya", nov, (10, 25))
    register("boris", nov, (11, 2))
    vera = register("vera", nov, (11, 3))
    store.cancel(db, nov, people["boris"].id, people["boris"].id, at(11, 4))
    store.accept_offer(db, nov, people["vera"].id, at(11, 5, 9))
    register("boris", nov, (11, 6))
    register("gleb", dec, (11, 7))
    register("dina", dec, (11, 7))
    attendance.mark(db, anya, True, None, at(11, 20))
    vera = store.get(db, vera.id)
    attendance.mark(db, vera, True, None, at(11, 20))
    attendance.mark(db, vera, False, None, at(11, 21))
    return {"events": {"nov": nov, "dec": dec}, "people": people}


def test_the_panel_of_november(db, settings, club):
    found = figures.panel(db, settings, NOVEMBER, "ru")
    values = {figure.key: figure.value for figure in found.figures}
    # Борис twice on November's event counts once (his cancelled row does not); Аня registered in October.
    assert values == {"registrations": 4, "cancellations": 1, "attendance": 50.0, "waiting": 1, "offers": 1}
    assert dict(found.breakdowns[0].values) == {"Академия монтажника": 2, "Декабрьский семинар": 2}
    assert all(figure.url == "/staff/events/" for figure in found.figures)


def test_the_waiting_list_is_the_state_at_the_period_end(db, settings, club):
    store.leave_waiting_list(db, club["events"]["dec"], club["people"]["dina"].id, None, at(12, 3))
    assert figures.waiting_at(db, ["dec"], at(12, 1, 0)) == 1  # she was still waiting then
    assert figures.waiting_at(db, ["dec"], at(12, 4)) == 0


def test_a_period_without_events_has_no_attendance_rate(db, settings, club):
    values = {f.key: f.value for f in figures.panel(db, settings, Period(date(2026, 9, 1), date(2026, 10, 1)),
                                                    "en").figures}
    assert values["attendance"] is None and values["registrations"] == 0


def test_events_attended_per_company_over_twelve_months(db, settings, club):
    people = club["people"]
    gleb = store.active_of(db, "dec", people["gleb"].id)
    attendance.mark(db, gleb, True, None, at(12, 10))
    merge(db, people["gleb"].company_id, people["anya"].company_id, None)
    assert figures.attended_12m(db, settings, at(12, 11)) == {people["anya"].company_id: 2}
    assert figures.attended_12m(db, settings, at(12, 11) + 400 * 86400) == {}  # over a year ago
