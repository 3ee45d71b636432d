"""Reading shipments files: encodings, separators, number and date forms, headers, XLSX, bad lines."""

from datetime import datetime

import pytest
from openpyxl import Workbook

from portal.points.shipments_file import Problem, Row, UnreadableFile, parse_amount, read_file
from tests.points.helpers import inn, write_csv

A = inn(770708389)


def rows(path):
    return list(read_file(path))


def test_semicolons_decimal_comma_and_spaces_in_utf8(tmp_path):
    path = write_csv(tmp_path / "s.csv", [f"{A};05.11.2026;УПД-1;\"1 840 000,50\";Светильники",
                                          f"{A};2026-11-06;УПД-2;1\u00a0000,00;"])
    assert rows(path) == [Row(2, A, "2026-11-05", "УПД-1", 184000050, "Светильники"),
                          Row(3, A, "2026-11-06", "УПД-2", 100000, "")]


def test_commas_decimal_point_english_headers_with_bom(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(f"INN,Date,Document number,\"Amount, RUB\",Product group\n{A},2026-11-05,D-1,1840000.5,Lamps\n",
                    encoding="utf-8-sig")
    assert rows(path) == [Row(2, A, "2026-11-05", "D-1", 184000050, "Lamps")]


def test_windows_1251(tmp_path):
    path = write_csv(tmp_path / "s.csv", [f"{A};05.11.2026;Реализация 7;500;Трековые системы"], encoding="cp1251")
    assert rows(path) == [Row(2, A, "2026-11-05", "Реализация 7", 50000, "Трековые системы")]


def test_headers_ignore_case_and_group_is_optional(tmp_path):
    path = write_csv(tmp_path / "s.csv", [f"{A};05.11.2026;1;10"], header="инн;ДАТА;документ;сумма")
    assert rows(path) == [Row(2, A, "2026-11-05", "1", 1000, "")]


@pytest.mark.parametrize(("text", "kopecks"), [("1 840 000,50", 184000050), ("1.840.000,50", 184000050),
                                               ("1,840,000.50", 184000050), ("0", 0), ("12,3", 1230),
                                               (1840000.5, 184000050), (500, 50000), ("1 000 ₽", 100000)])
def test_amounts(text, kopecks):
    assert parse_amount(text) == kopecks


def test_every_bad_line_is_named_and_skipped(tmp_path):
    path = write_csv(tmp_path / "s.csv", [f"{A};05.11.2026;1;10", "123;05.11.2026;2;10", "7707083894;05.11.2026;3;10",
                                          f"{A};31.11.2026;4;10", f"{A};05.11.2026;5;много", f"{A};05.11.2026;6;-5",
                                          f"{A};05.11.2026;;10", f"{A};05.11.2026;8;1,005", "", f"{A};06.11.2026;9;1"])
    found = rows(path)
    assert [r.line for r in found if isinstance(r, Row)] == [2, 11]
    problems = {p.line: p.text for p in found if isinstance(p, Problem)}
    assert "not 10 digits" in problems[3] and "check digits" in problems[4] and "31.11.2026" in problems[5]
    assert "not a number" in problems[6] and "negative" in problems[7] and "document number is empty" in problems[8]
    assert "two digits" in problems[9] and all("skipped" in text for text in problems.values())


def test_a_missing_column_is_named_on_line_1_with_the_accepted_names(tmp_path):
    path = write_csv(tmp_path / "s.csv", [f"{A};05.11.2026;1"], header="ИНН;Дата;Документ")
    with pytest.raises(UnreadableFile) as caught:
        read_file(path)
    assert caught.value.where("s.csv").startswith("s.csv:1: the header has no column for the amount")
    assert "Сумма" in caught.value.text and "Amount" in caught.value.text


def test_unreadable_files(tmp_path):
    with pytest.raises(UnreadableFile):
        read_file(tmp_path / "none.csv")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(UnreadableFile, match="not an XLSX"):
        read_file(tmp_path / "bad.xlsx")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(UnreadableFile, match="empty"):
        read_file(tmp_path / "empty.csv")


def test_xlsx_cells_numbers_and_dates(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["ИНН", "Дата", "Номер документа", "Сумма", "Товарная группа"])
    sheet.append([int(A), datetime(2026, 11, 5), "УПД-1", 1840000.5, "Светильники"])
    sheet.append([int(inn(70708389)), "06.11.2026", 17, 250, None])  # the leading zero lost in a number cell
    sheet.append([A, "вчера", "УПД-3", 1, None])
    book.save(tmp_path / "s.xlsx")
    found = rows(tmp_path / "s.xlsx")
    assert found[:2] == [Row(2, A, "2026-11-05", "УПД-1", 184000050, "Светильники"),
                         Row(3, inn(70708389), "2026-11-06", "17", 25000, "")]
    assert isinstance(found[2], Problem) and found[2].line == 4 and "вчера" in found[2].text


def test_tabs_and_a_file_in_no_known_encoding(tmp_path):
    path = write_csv(tmp_path / "t.csv", [f"{A}\t05.11.2026\t1\t10"], header="INN\tDate\tDocument\tAmount")
    assert rows(path) == [Row(2, A, "2026-11-05", "1", 1000, "")]
    (tmp_path / "x.csv").write_bytes(b"\x98\x98;\xff\n")
    with pytest.raises(UnreadableFile, match="neither UTF-8 nor Windows-1251"):
        rows(tmp_path / "x.csv")
