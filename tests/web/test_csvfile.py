"""The one CSV writer for Excel: a BOM, `;`, CRLF, quoting, streamed row by row."""

import csv
import io

from portal.web.csvfile import csv_bytes, csv_lines


def test_excel_csv_reads_back():
    body = csv_bytes([["№", "Имя"], [1, 'ООО «Свет»; "Монтаж"\nвторая строка']])
    assert body.startswith("\ufeff".encode()) and b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == [["№", "Имя"], ["1", 'ООО «Свет»; "Монтаж"\nвторая строка']]


def test_lines_are_written_as_they_are_read():
    lines = csv_lines(iter([["a"], ["b"]]))
    assert next(lines) == "\ufeff".encode() and next(lines) == b"a\r\n"


def test_a_text_that_would_start_a_formula_gets_a_quote():
    from portal.web.csvfile import text_cell

    assert [text_cell(v) for v in ("=1+1", "+7 912", "-5", "@SUM(A1)", "\tx", "ООО «Свет»", "")] == [
        "'=1+1", "'+7 912", "'-5", "'@SUM(A1)", "'\tx", "ООО «Свет»", ""]
