"""`club events list|show|expire-offers` and the job behind `club serve`."""

import time

import pytest

from portal.cli import main
from portal.core.db import connect
from portal.events import offers, store
from tests.events.helpers import event, person, publish


@pytest.fixture
def club_db(settings, mini_site, monkeypatch):
    for key, value in {"CLUB_DATABASE": str(settings.database), "CLUB_BASE_URL": settings.base_url,
                       "CLUB_SMTP_URL": settings.smtp_url, "CLUB_SITE_DIR": str(settings.site_dir),
                       "CLUB_CONFIG": str(settings.club_config)}.items():
        monkeypatch.setenv(key, value)
    publish(mini_site, event(capacity=1), event("other", title="Вебинар DALI", capacity=None))
    db = connect(settings.database)
    yield db
    db.conn.close()


def test_list_and_show(club_db, capsys):
    anna, boris = person(club_db, "anna@example.ru"), person(club_db, "boris@example.ru", company="ООО «Б»")
    store.register(club_db, event(capacity=1), anna, anna, {"diet": "Вегетарианское"}, time.time())
    store.register(club_db, event(capacity=1), boris, boris, {}, time.time())
    assert main(["events", "list"]) == 0
    out = capsys.readouterr().out
    assert "akademiya" in out and "1/1" in out and "waiting   1" in out and "2 events" in out
    assert main(["events", "show", "akademiya"]) == 0
    out = capsys.readouterr().out
    assert "anna@example.ru" in out and "diet: Вегетарианское" in out and "waiting" in out
    assert main(["events", "show", "nope"]) == 2


def test_expired_offers_pass_on_with_a_letter(club_db, settings, smtp, capsys):
    entry, crowd = event(capacity=1), [person(club_db, f"p{i}@example.ru", company=f"ООО «{i}»") for i in range(3)]
    long_ago = time.time() - event().offer_hours * 3600 - 60
    for p in crowd:
        store.register(club_db, entry, p, p, {}, long_ago)
    store.cancel(club_db, entry, crowd[0].id, crowd[0].id, long_ago)
    assert main(["events", "expire-offers"]) == 0
    assert "1 offer expired, 1 passed on, 1 letter sent" in capsys.readouterr().out
    assert store.active_of(club_db, "akademiya", crowd[2].id).status == "offered"
    received = smtp.wait_for(1)[0]
    assert received.recipients == ["p2@example.ru"]
    assert "Освободилось место" in received.message["Subject"]
    assert "/account/events/akademiya/" in received.message.get_body(("plain",)).get_content()
    assert offers.pass_on(settings, club_db) == (0, 0, 0)  # nothing more to do


def test_the_job_runs_and_stops(settings, club_db):
    said = []
    with offers.offers_job(settings, said.append, every=0.05):
        time.sleep(0.2)
    assert said and "event offers" in said[0]
    with offers.offers_job(settings, said.append, enabled=False):
        pass
    assert len(said) == 1


def test_send_letters(club_db, mini_site, smtp, capsys):
    anna = person(club_db, "anna@example.ru")
    store.register(club_db, event(capacity=1), anna, anna, {}, time.time())
    publish(mini_site, event(capacity=1, revision="r2"), event("other", title="Вебинар DALI", capacity=None))
    assert main(["events", "send-letters"]) == 0
    assert "1 updated" in capsys.readouterr().out and smtp.wait_for(1)[0].recipients == ["anna@example.ru"]
    assert main(["events", "send-letters"]) == 0
    assert "0 sent" in capsys.readouterr().out


def test_export_writes_csv_or_xlsx(club_db, tmp_path, capsysbinary):
    import csv
    import io

    from openpyxl import load_workbook

    anna = person(club_db, "anna@example.ru")
    store.register(club_db, event(capacity=1), anna, anna, {"diet": "=1+1"}, time.time())
    assert main(["events", "export", "akademiya"]) == 0
    out = capsysbinary.readouterr().out
    rows = list(csv.reader(io.StringIO(out.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "№" and rows[1][2:4] == ["Анна Светлова", "anna@example.ru"]
    assert rows[1][-2] == "'=1+1"  # a typed formula stays text (ASVS 5.0 1.2.10)
    target = tmp_path / "out.xlsx"
    assert main(["events", "export", "akademiya", "--format", "xlsx", "--output", str(target)]) == 0
    sheet = load_workbook(target).active
    assert sheet["C2"].value == "Анна Светлова" and sheet["A1"].font.bold
    assert main(["events", "export", "nope"]) == 2
    assert b"no event 'nope'" in capsysbinary.readouterr().err
