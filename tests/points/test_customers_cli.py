"""`club points customers import FILE`: the report, FILE:LINE problems, exit codes 0, 1 and 2."""

from portal.cli import main
from portal.points import customers
from tests.points.helpers import inn, write_csv
from tests.points.test_cli import club_db  # noqa: F401 - the fixture

HEADER = "ИНН;Наименование;Сегмент;Регион;В клубе с"
A, B = inn(101), inn(202)


def test_import_reports_problems_by_line_and_exits_1(club_db, tmp_path, capsys):  # noqa: F811
    path = write_csv(tmp_path / "r.csv", [f"{A};ООО «Ампер»;Монтажные организации;Центральный ФО;",
                                          f"{B};ООО «Луч»;installers;Луна;01.02.2025",
                                          f"{A};ООО «Ампер-2»;designers;south;"], header=HEADER)
    assert main(["points", "customers", "import", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:3: unknown region 'Луна'; write one of central (Центральный ФО)" in out
    assert f"{path}:4: INN {A} is already on line 2" in out
    assert f"{path}: 1 new, 0 changed, 0 unchanged, 2 skipped with problems" in out
    assert customers.register(club_db)[A].segment == "installers"
    good = write_csv(tmp_path / "good.csv", [f"{A};ООО «Ампер»;installers;central;",
                                             f"{B};ООО «Луч»;installers;volga;01.02.2025"], header=HEADER)
    assert main(["points", "customers", "import", str(good)]) == 0
    assert f"{good}: 1 new, 0 changed, 1 unchanged, 0 skipped" in capsys.readouterr().out
    assert customers.register(club_db)[B].joined_on == "2025-02-01"


def test_unreadable_files_exit_2(club_db, tmp_path, capsys):  # noqa: F811
    assert main(["points", "customers", "import", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv: no such file" in capsys.readouterr().err
    header = write_csv(tmp_path / "h.csv", [f"{A};x"], header="ИНН;Наименование")
    assert main(["points", "customers", "import", str(header)]) == 2
    assert f"{header}:1: the header has no column for segment" in capsys.readouterr().err
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert main(["points", "customers", "import", str(folder)]) == 2
    assert customers.count(club_db) == 0
