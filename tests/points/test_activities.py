"""Points for event attendance: checked in on the real staff check-in page, each person earns the company the
rule's points once; a correction to absent takes them back, checking in again gives them again; the rule
off gives nothing; the cabinet history names the event."""

import logging
import threading
import time

import pytest
from starlette.testclient import TestClient

from portal.core import happenings
from portal.core.companies import find_or_create_company, merge
from portal.core.db import connect
from portal.core.happenings import Attended
from portal.events import attendance, store
from portal.points import accrual, activities, ledger
from tests.events.helpers import event, person, publish
from tests.portal_fixtures import BASE_URL, csrf_of, sign_in, with_settings

LIST = "/staff/events/akademiya/checkin"
RULE = activities.Activities(event_attendance=100)
CONFIG = """site_name: Клуб
extra:
  club:
    points:
      roubles_per_point: 500
      activities:
        event_attendance: 100
"""


@pytest.fixture
def settings(settings, tmp_path):
    """The test club with `extra.club.points.activities.event_attendance: 100`."""
    path = tmp_path / "mkdocs.yml"
    path.write_text(CONFIG, encoding="utf-8")
    return with_settings(settings, club_config=path)


@pytest.fixture
def guests(app, mini_site):
    """Anna and Boris of Svet-Montazh and Vera of Lampa registered for akademiya."""
    publish(mini_site, event(capacity=10))
    db, now = app.state.portal.db, time.time()
    people = {"anna": person(db, "anna@svet.example"), "boris": person(db, "boris@svet.example", name="Борис"),
              "vera": person(db, "vera@lampa.example", company="ООО «Лампа»", name="Вера")}
    return {key: store.register(db, event(capacity=10), user, user, {"diet": "Вегетарианское"}, now).registration
            for key, user in people.items()}


def tap(client, registration_id: int, present: str = "1"):
    token = csrf_of(client.get(LIST).text)
    return client.post(f"{LIST}/{registration_id}", data={"csrf": token, "present": present},
                       follow_redirects=False)


def available(app, company_id: int) -> int:
    return ledger.balance(app.state.portal.db, company_id, time.time()).available


def test_each_person_checked_in_earns_the_company_once(app, manager, guests):
    svet, lampa = guests["anna"].company_id, guests["vera"].company_id
    assert tap(manager.client, guests["anna"].id).status_code == 303
    assert tap(manager.client, guests["anna"].id).status_code == 303  # a double tap: no second award
    assert tap(manager.client, guests["boris"].id).status_code == 303
    assert tap(manager.client, guests["vera"].id).status_code == 303
    assert (available(app, svet), available(app, lampa)) == (200, 100)
    rows = ledger.history(app.state.portal.db, svet)
    assert sorted(row.source for row in rows) == [f"event:akademiya:user:{guests[key].user_id}"
                                                   for key in ("anna", "boris")]
    assert {(row.kind, row.amount, row.reason, row.by_name) for row in rows} == {
        ("earn", 100, "Академия монтажника", "Ольга Кураторова")}


def test_marked_absent_first_earns_nothing(app, manager, guests):
    assert tap(manager.client, guests["anna"].id, "0").status_code == 303
    assert ledger.count(app.state.portal.db, guests["anna"].company_id) == 0


def test_corrections_take_back_and_give_again_and_the_balance_follows(app, manager, guests):
    anna, svet, db = guests["anna"], guests["anna"].company_id, app.state.portal.db
    for present, expected in (("1", 100), ("0", 0), ("1", 100), ("0", 0), ("1", 100)):
        assert tap(manager.client, anna.id, present).status_code == 303
        assert available(app, svet) == expected, present
    base = f"event:akademiya:user:{anna.user_id}"
    earned = ledger.earned_under(db, svet, base)
    assert [(row.source, row.reversed) for row in earned] == [(base, True), (f"{base}:2", True), (f"{base}:3", False)]
    total = db.execute("SELECT sum(amount) FROM points_ledger WHERE company_id = ?", [svet]).fetchone()[0]
    assert total == available(app, svet) == 100 and ledger.verify(db) == []
    assert attendance.present_now(db, anna.id) is True


def test_the_cabinet_history_names_the_event(app, manager, guests):
    tap(manager.client, guests["anna"].id)
    tap(manager.client, guests["anna"].id, "0")
    with TestClient(app, base_url=BASE_URL) as anna:
        sign_in(anna, "anna@svet.example")
        page = anna.get("/account/points/").text
    assert page.count("Участие в мероприятии «Академия монтажника»") == 2  # the award and its reversal
    assert "event:akademiya" not in page  # the source (with a person's id) is not shown


def test_a_rule_turned_off_gives_nothing(app, manager, guests, settings):
    settings.club_config.write_text(CONFIG.replace("event_attendance: 100", "event_attendance: 0"), encoding="utf-8")
    tap(manager.client, guests["anna"].id)
    assert ledger.count(app.state.portal.db, guests["anna"].company_id) == 0
    assert attendance.present_now(app.state.portal.db, guests["anna"].id) is True


def test_a_failing_handler_never_breaks_the_check_in_and_catches_up(app, manager, guests, caplog, monkeypatch):
    from portal.points.capability import CAPABILITY

    def broken(db, settings, happening):
        raise RuntimeError("points are down")

    monkeypatch.setitem(CAPABILITY.happening_handlers, Attended, broken)
    with caplog.at_level(logging.ERROR, logger="portal.happenings"):
        assert tap(manager.client, guests["anna"].id).status_code == 303
    assert "points are down" in caplog.text
    assert attendance.present_now(app.state.portal.db, guests["anna"].id) is True
    assert available(app, guests["anna"].company_id) == 0
    monkeypatch.undo()  # the points are back: the next delivery (the job's) awards what was missed
    happenings.deliver_installed(app.state.portal.settings, app.state.portal.db)
    assert available(app, guests["anna"].company_id) == 100


def test_a_mark_whose_process_died_before_delivery_is_awarded_by_the_job(app, guests):
    db = app.state.portal.db
    attendance.mark(db, guests["vera"], True, None, time.time(), title="Академия монтажника")  # no delivery
    assert available(app, guests["vera"].company_id) == 0
    happenings.deliver_installed(app.state.portal.settings, db)
    happenings.deliver_installed(app.state.portal.settings, db)
    assert available(app, guests["vera"].company_id) == 100


def seen(company_id, attended=True, user_id=7, at=None):
    return Attended(company_id, user_id, "akademiya", "Академия монтажника", attended, at or time.time())


def test_without_a_company_nothing(db):
    activities.on_attended(db, seen(None), RULE)
    assert db.execute("SELECT count(*) FROM points_ledger").fetchone()[0] == 0


def test_a_merged_company_earns_for_its_survivor(db):
    old, new = find_or_create_company(db, "ООО «Старая»"), find_or_create_company(db, "ООО «Новая»")
    merge(db, old.id, new.id, None)
    activities.on_attended(db, seen(old.id), RULE)
    assert ledger.balance(db, new.id, time.time()).available == 100 and ledger.count(db, old.id) == 0


def test_points_spent_meanwhile_are_logged_for_staff(db, caplog):
    firm = find_or_create_company(db, "ООО «Потратила»").id
    activities.on_attended(db, seen(firm), RULE)
    ledger.hold(db, firm, 100, reason="привилегия", source="request:1", by_id=None, now=time.time())
    with caplog.at_level(logging.WARNING, logger="portal.points"):
        activities.on_attended(db, seen(firm, attended=False), RULE)
    assert "has only 0 of the 100 points" in caplog.text and f"/staff/points/{firm}/" in caplog.text
    assert [row.reversed for row in ledger.earned_under(db, firm, f"event:akademiya:user:{7}")] == [False]


def test_the_same_happening_in_two_workers_at_once_awards_once(settings, db):
    firm = find_or_create_company(db, "ООО «Гонка»").id
    start = threading.Barrier(4)

    def handle():
        own = connect(settings.database)
        try:
            start.wait()
            activities.on_attended(own, seen(firm), RULE)
        finally:
            own.conn.close()

    workers = [threading.Thread(target=handle) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert ledger.balance(db, firm, time.time()).available == 100 and ledger.count(db, firm) == 1


@pytest.mark.parametrize(("section", "expected"), [
    (None, 0), ({}, 0), ({"activities": None}, 0), ({"activities": {}}, 0),
    ({"activities": {"event_attendance": 0}}, 0), ({"activities": {"event_attendance": 250}}, 250)])
def test_parse_activities(section, expected):
    assert activities.parse_activities(section).event_attendance == expected


@pytest.mark.parametrize(("section", "named"), [
    ("100", "extra.club.points must be a mapping"),
    ({"activities": [100]}, "extra.club.points.activities: a mapping"),
    ({"activities": {"webinars": 5}}, "unknown key 'webinars'"),
    ({"activities": {"event_attendance": -1}}, "activities.event_attendance"),
    ({"activities": {"event_attendance": True}}, "activities.event_attendance"),
    ({"activities": {"event_attendance": 2.5}}, "activities.event_attendance"),
    ({"activities": {"event_attendance": 10**9}}, "activities.event_attendance")])
def test_parse_activities_names_the_key(section, named):
    with pytest.raises(ValueError, match=named.replace(".", r"\.")):
        activities.parse_activities(section)


def test_a_wrong_rule_is_logged_and_off_and_the_accrual_rule_accepts_the_key(caplog):
    club = type("Club", (), {"raw": {"extra": {"club": {"points": {"activities": {"event_attendance": "many"}}}}}})
    with caplog.at_level(logging.WARNING, logger="portal.points"):
        assert activities.club_activities(club).event_attendance == 0
    assert "activities.event_attendance" in caplog.text
    assert accrual.parse_rule({"activities": {"event_attendance": 5}, "expiry_months": 12}) == accrual.Rule()


@pytest.mark.parametrize("text", ["site_name: Клуб\n", CONFIG.replace("100", "0"),
                                  CONFIG.replace("event_attendance: 100", "event_attendance: lots")])
def test_a_club_without_the_rule_awards_nothing_and_a_changed_file_is_read_again(tmp_path, settings, text):
    import os

    path = tmp_path / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    club = with_settings(settings, club_config=path)
    assert activities.rule_of(club).event_attendance == 0
    path.write_text(CONFIG, encoding="utf-8")
    os.utime(path, (1, 1))  # another modification time: the rule is read again
    assert activities.rule_of(club).event_attendance == 100
    assert activities.rule_of(with_settings(settings, club_config=tmp_path / "none.yml")).event_attendance == 0
