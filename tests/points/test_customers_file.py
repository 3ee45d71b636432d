"""Reading the customer register: good lines in CSV and XLSX, and each bad input named with its line."""

import pytest
from openpyxl import Workbook

from portal.points.customers_file import Customer, read_file
from portal.points.shipments_file import Problem, UnreadableFile
from tests.points.helpers import inn, write_csv

VOCAB = ({"installers": ("Монтажные организации", "Installers"), "designers": ("Проектировщики", "Designers")},
         {"central": ("Центральный ФО", "Central Federal District"), "south": ("Южный ФО", "Southern FD")})
HEADER = "ИНН;Наименование;Сегмент;Регион;В клубе с"
A, B, C = inn(101), inn(202), inn(303)


def read(path):
    return list(read_file(path, VOCAB))


def test_good_lines_take_keys_or_labels_in_either_language(tmp_path):
    path = write_csv(tmp_path / "r.csv", [f"{A};ООО «Ампер»;installers;Центральный ФО;",
                                          f"{B};  ООО  «Луч» ;монтажные организации;Southern FD;05.03.2025",
                                          ";;;;",
                                          f"{C};ИП Светов;DESIGNERS;central;2025-04-01"], header=HEADER)
    assert read(path) == [Customer(2, A, "ООО «Ампер»", "installers", "central", None),
                          Customer(3, B, "ООО «Луч»", "installers", "south", "2025-03-05"),
                          Customer(5, C, "ИП Светов", "designers", "central", "2025-04-01")]


def test_english_headers_without_the_joining_column(tmp_path):
    path = write_csv(tmp_path / "r.csv", [f"{A},Amper LLC,installers,central"], header="INN,Name,Segment,Region")
    assert read(path) == [Customer(2, A, "Amper LLC", "installers", "central", None)]


def test_xlsx(tmp_path):
    book = Workbook()
    book.active.append(["ИНН", "Клиент", "Сегмент", "Федеральный округ", "Дата вступления"])
    book.active.append([7707083893, "ООО «Ампер»", "Проектировщики", "Южный ФО", None])  # the INN a number cell
    path = tmp_path / "r.xlsx"
    book.save(path)
    assert read(path) == [Customer(2, "7707083893", "ООО «Ампер»", "designers", "south", None)]


@pytest.mark.parametrize(("cells", "said"), [
    ("123;ООО «Ампер»;installers;central;", "INN '123' is not 10 digits"),
    (f"{A[:-1]}0;ООО «Ампер»;installers;central;" if A[-1] != "0" else f"{A[:-1]}1;ООО;installers;central;",
     "fails its check digits"),
    (f"{A};;installers;central;", "the name is empty"),
    (f"{A};{'Я' * 201};installers;central;", "the name is longer than 200 characters"),
    (f"{A};ООО «Ампер»;;central;", "the segment is empty"),
    (f"{A};ООО «Ампер»;монтажники;central;", "unknown segment 'монтажники'; write one of installers"),
    (f"{A};ООО «Ампер»;installers;Марс;", "unknown region 'Марс'; write one of central (Центральный ФО)"),
    (f"{A};ООО «Ампер»;installers;;", "the region is empty"),
    (f"{A};ООО «Ампер»;installers;central;весной", "date 'весной' is not a date"),
])
def test_each_bad_field_is_named_with_its_line(tmp_path, cells, said):
    found = read(write_csv(tmp_path / "r.csv", [cells], header=HEADER))
    assert len(found) == 1 and isinstance(found[0], Problem) and found[0].line == 2
    assert said in found[0].text and found[0].text.endswith("the line was skipped")


def test_every_problem_of_a_line_at_once(tmp_path):
    [problem] = read(write_csv(tmp_path / "r.csv", ["12;;x;y;z"], header=HEADER))
    for said in ("INN '12'", "the name is empty", "unknown segment 'x'", "unknown region 'y'", "date 'z'"):
        assert said in problem.text


def test_an_inn_twice_keeps_the_first_line(tmp_path):
    found = read(write_csv(tmp_path / "r.csv", [f"{A};Один;installers;central;", f"{A};Два;designers;south;"],
                           header=HEADER))
    assert found[0] == Customer(2, A, "Один", "installers", "central", None)
    assert found[1] == Problem(3, f"INN {A} is already on line 2: one line per customer — the line was skipped")


def test_no_vocabulary_configured_says_so(tmp_path):
    path = write_csv(tmp_path / "r.csv", [f"{A};ООО;installers;central;"], header=HEADER)
    [problem] = list(read_file(path, ({}, {})))
    assert "extra.club.segments (none configured)" in problem.text


def test_files_that_cannot_be_read(tmp_path):
    with pytest.raises(UnreadableFile, match="no such file"):
        read(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(UnreadableFile, match="the file is empty") as empty:
        read(tmp_path / "empty.csv")
    assert empty.value.where("empty.csv") == "empty.csv:1: the file is empty; export the customers with a header line"
    with pytest.raises(UnreadableFile, match="no column for segment: name it one of Сегмент, Segment; region"):
        read(write_csv(tmp_path / "h.csv", [f"{A};x"], header="ИНН;Наименование"))
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(UnreadableFile, match="not an XLSX workbook"):
        read(tmp_path / "bad.xlsx")
