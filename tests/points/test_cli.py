"""`club points import|accrue|match|unmatched`: the report printed, exit codes 0, 1 and 2."""

import pytest

from portal.cli import main
from portal.core.db import connect
from portal.points import accrual
from tests.points.helpers import company, inn, write_csv

A, STRANGER = inn(111111111), inn(333333333)


@pytest.fixture
def club_db(settings, monkeypatch):
    for key, value in {"CLUB_DATABASE": str(settings.database), "CLUB_BASE_URL": settings.base_url,
                       "CLUB_SMTP_URL": settings.smtp_url, "CLUB_SITE_DIR": str(settings.site_dir),
                       "CLUB_CONFIG": str(settings.club_config)}.items():
        monkeypatch.setenv(key, value)
    db = connect(settings.database)
    yield db
    db.conn.close()


def test_import_prints_the_report_and_exits_1_when_lines_had_problems(club_db, tmp_path, capsys):
    company(club_db, "ООО «Свет-Монтаж»", 111111111)
    path = write_csv(tmp_path / "nov.csv", [f"{A};05.11.2026;УПД-1;\"1 840 000,50\";", f"{A};5 ноября;УПД-2;1;",
                                            f"{STRANGER};06.11.2026;УПД-3;100;"])
    assert main(["points", "import", str(path), "--dry-run"]) == 1
    assert "dry run" in capsys.readouterr().out
    assert main(["points", "import", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:3: date '5 ноября' is not a date" in out
    assert f"{path}:4: INN {STRANGER} matches no company" in out
    assert "2 new, 0 unchanged, 0 corrected, 0 matched, 1 kept aside" in out
    good = write_csv(tmp_path / "again.csv", [f"{A};05.11.2026;УПД-1;1840000,50;"])
    assert main(["points", "import", str(good)]) == 0
    assert "0 new, 1 unchanged" in capsys.readouterr().out


def test_an_unreadable_file_exits_2(club_db, tmp_path, capsys):
    path = write_csv(tmp_path / "x.csv", ["1;2"], header="ИНН;Дата")
    assert main(["points", "import", str(path)]) == 2
    assert f"{path}:1: the header has no column for the document number" in capsys.readouterr().err
    assert main(["points", "import", str(tmp_path / "missing.csv")]) == 2


def test_unmatched_match_and_accrue(club_db, tmp_path, capsys, monkeypatch):
    calls = []
    monkeypatch.setattr(accrual, "_ledger_earn", lambda: lambda db, company_id, amount, **kw: calls.append(
        (company_id, amount, kw["source"])))
    main(["points", "import", str(write_csv(tmp_path / "n.csv", [f"{STRANGER};05.11.2026;1;1000;"]))])
    assert main(["points", "unmatched"]) == 0
    assert STRANGER in capsys.readouterr().out
    found = company(club_db, "ООО «Новый»", 444444444)
    assert main(["points", "match", STRANGER, "ООО «Новый»"]) == 0
    assert "1 line of INN" in capsys.readouterr().out
    assert main(["points", "match", STRANGER, "Никто"]) == 2
    assert main(["points", "accrue", "--month", "2026-11"]) == 0
    assert calls == [(found, 2, "accrual:2026-11")] and "accrued 2 points to 1 company" in capsys.readouterr().out
    assert main(["points", "accrue", "--month", "2026-11"]) == 0
    assert len(calls) == 1 and "1 already accrued" in capsys.readouterr().out
    assert main(["points", "accrue", "--month", "11.2026"]) == 2


def test_accrue_again_writes_the_difference_for_lines_attached_later(club_db, tmp_path, capsys):
    found = company(club_db, "ООО «Свет-Монтаж»", 111111111)
    path = write_csv(tmp_path / "oct.csv", [f"{A};05.10.2026;1;1000000;", f"{STRANGER};06.10.2026;2;500000;"])
    main(["points", "import", str(path)])
    assert main(["points", "accrue", "--month", "2026-10"]) == 0
    assert main(["points", "match", STRANGER, "#" + str(found)]) == 0
    capsys.readouterr()
    assert main(["points", "accrue", "--month", "2026-10", "--dry-run"]) == 0
    assert "1 company corrected by +1000 points" in capsys.readouterr().out
    assert main(["points", "accrue", "--month", "2026-10"]) == 0
    assert "1 company corrected by +1000 points" in capsys.readouterr().out
    assert main(["points", "accrue", "--month", "2026-10"]) == 0
    assert "corrected" not in capsys.readouterr().out
