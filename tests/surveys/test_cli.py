"""`club nps send [--segment S] [--region R] [--now]` and `club nps report [WAVE]`."""

from __future__ import annotations

import pytest

from portal.cli import main
from portal.core.db import connect
from portal.surveys import store
from tests.surveys.helpers import members


@pytest.fixture
def club_db(settings, monkeypatch):
    for key, value in {"CLUB_DATABASE": str(settings.database), "CLUB_BASE_URL": settings.base_url,
                       "CLUB_SMTP_URL": settings.smtp_url, "CLUB_SITE_DIR": str(settings.site_dir),
                       "CLUB_CONFIG": str(settings.club_config)}.items():
        monkeypatch.setenv(key, value)
    db = connect(settings.database)
    yield db
    db.conn.close()


def test_send_now_and_report(club_db, capsys):
    people = members(club_db, 3, segment="installers", region="central")
    members(club_db, 1, "d", company="ООО «Проект Люкс»", segment="designers", region="central")
    assert main(["nps", "send", "--segment", "installers", "--region", "central", "--now"]) == 0
    assert "asks 3 people" in capsys.readouterr().out
    wave = store.latest_wave(club_db)
    assert wave.send_at <= wave.created_at + 1 and store.asked_recipients(club_db, wave.id) == [p.id for p in people]
    for person, score in zip(people, (10, 8, 2), strict=True):
        store.answer(club_db, wave, person.id, score, "")
    assert main(["nps", "report"]) == 0
    out = capsys.readouterr().out
    # 1 promoter, 1 passive, 1 detractor of 3: NPS 0; var = 2/3, margin = 1.96 * sqrt(2/9) * 100 = 92.4
    assert "NPS +0 ± 92.4" in out and "answers 3 of 3 asked (response rate 100 %)" in out
    assert "promoters 1, passives 1, detractors 1" in out
    assert main(["nps", "report", str(wave.id)]) == 0


def test_send_at_the_next_slot_by_default(club_db, capsys):
    members(club_db, 1)
    assert main(["nps", "send"]) == 0
    wave = store.latest_wave(club_db)
    assert wave.send_at > wave.created_at
    assert "the letter goes 20" in capsys.readouterr().out


def test_nobody_to_ask_and_bad_choices(club_db, capsys):
    assert main(["nps", "send", "--now"]) == 1
    assert "nobody to ask" in capsys.readouterr().out
    assert main(["nps", "send", "--segment", "astronauts"]) == 2
    assert "unknown segment" in capsys.readouterr().out
    assert main(["nps", "send", "--tier", "99"]) == 2
    assert main(["nps", "report"]) == 1
    assert main(["nps", "report", "42"]) == 1
    assert store.waves(club_db) == []
