"""`club points balance|grant|expire|verify` (portal/points/ledger_cli.py)."""

import pytest

from portal.cli import main
from portal.core.companies import find_or_create_company
from portal.core.db import connect


@pytest.fixture
def club_db(settings, monkeypatch):
    for key, value in {"CLUB_DATABASE": str(settings.database), "CLUB_BASE_URL": settings.base_url,
                       "CLUB_SMTP_URL": settings.smtp_url, "CLUB_SITE_DIR": str(settings.site_dir),
                       "CLUB_CONFIG": str(settings.club_config)}.items():
        monkeypatch.setenv(key, value)
    db = connect(settings.database)
    find_or_create_company(db, "ООО «Свет-Монтаж»", "7707083893")
    yield db
    db.conn.close()


def test_grant_and_balance(club_db, capsys):
    assert main(["points", "grant", "свет монтаж", "2000", "--reason", "Награда года"]) == 0
    assert main(["points", "grant", "7707083893", "-500", "--reason", "Ошибка"]) == 0
    capsys.readouterr()
    assert main(["points", "balance", "7707083893"]) == 0
    out = capsys.readouterr().out
    assert "available 1500, held 0" in out and "expiring within 90 days: 0" in out


def test_a_take_beyond_the_balance_fails(club_db, capsys):
    assert main(["points", "grant", "свет монтаж", "-1", "--reason", "x"]) == 1
    assert "not enough points" in capsys.readouterr().err


def test_unknown_company(club_db, capsys):
    assert main(["points", "balance", "Нет такой"]) == 2


def test_expire_and_verify(club_db, capsys):
    assert main(["points", "expire"]) == 0
    assert main(["points", "verify"]) == 0
    club_db.execute("INSERT INTO points_ledger (company_id, kind, amount, at) VALUES (1, 'adjust', -5, 0)")
    assert main(["points", "verify"]) == 1
    assert "below zero" in capsys.readouterr().err
