"""`club companies list|show|merge|representative`."""

import pytest

from portal.cli import main
from portal.core import companies
from portal.core.db import connect
from tests.portal_fixtures import addressed_to, make_user


@pytest.fixture
def club_db(settings, monkeypatch):
    """The settings' database with one company of two people and one without; the CLI reads CLUB_* too."""
    for key, value in {"CLUB_DATABASE": str(settings.database), "CLUB_BASE_URL": settings.base_url,
                       "CLUB_SMTP_URL": settings.smtp_url, "CLUB_SITE_DIR": str(settings.site_dir),
                       "CLUB_CONFIG": str(settings.club_config)}.items():
        monkeypatch.setenv(key, value)
    db = connect(settings.database)
    make_user(db, "anna@svet-montazh.ru", member=True, name="Анна Светлова")
    make_user(db, "ivan@svet-montazh.ru", member=True, name="Иван Колесов")
    companies.find_or_create_company(db, "Свет Монтаж Групп")
    yield db
    db.conn.close()


def club(*args: str) -> int:
    return main(["companies", *args])


def test_list_and_show(club_db, capsys):
    assert club("list") == 0
    out = capsys.readouterr().out
    assert "Свет-Монтаж" in out and "Свет Монтаж Групп" in out and "2 companies" in out
    assert club("list", "--search", "групп") == 0
    assert "1 company" in capsys.readouterr().out
    assert club("show", "свет монтаж") == 0
    out = capsys.readouterr().out
    assert "anna@svet-montazh.ru" in out and "ivan@svet-montazh.ru" in out


def test_an_unknown_company_is_a_clear_error(club_db, capsys):
    assert club("show", "Нет такой") == 2
    assert "no company 'Нет такой'" in capsys.readouterr().err


def test_representative_is_set_and_both_people_get_a_letter(club_db, smtp, capsys):
    assert club("representative", "Свет-Монтаж", "anna@svet-montazh.ru") == 0
    assert addressed_to(smtp.wait_for(1)[0])[1] == "anna@svet-montazh.ru"
    assert club("representative", "Свет-Монтаж", "IVAN@svet-montazh.ru") == 0
    received = smtp.wait_for(3)
    assert {addressed_to(r)[1] for r in received[1:]} == {"anna@svet-montazh.ru", "ivan@svet-montazh.ru"}
    company = companies.find_company(club_db, "Свет-Монтаж")
    assert company.representative_id is not None
    assert [c.kind for c in companies.changes(club_db, company.id)] == ["representative", "representative"]
    assert "2 letters sent" in capsys.readouterr().out


def test_representative_must_be_a_person_of_the_company(club_db, capsys):
    make_user(club_db, "petr@lamp.ru", name="Пётр")
    assert club("representative", "Свет-Монтаж", "petr@lamp.ru") == 1
    assert "is not a person of" in capsys.readouterr().err
    assert club("representative", "Свет-Монтаж") == 2
    assert club("representative", "Свет-Монтаж", "--none") == 0


def test_merge(club_db, capsys):
    assert club("merge", "Свет Монтаж Групп", "Свет-Монтаж") == 0
    assert "merged into" in capsys.readouterr().out
    assert club("merge", "Свет Монтаж Групп", "Свет-Монтаж") == 1
    assert "merged already" in capsys.readouterr().err
