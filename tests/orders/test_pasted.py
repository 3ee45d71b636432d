"""Reading pasted "SKU quantity" lines and CSV files: separators, Russian number habits, duplicates merged,
problems named with their line numbers."""

import pytest

from portal.orders import pasted

KNOWN = {"TP2-30-840": "TP2-30-840", "OL-36-840": "OL-36-840"}


def find(text: str) -> str | None:
    return KNOWN.get(text.strip().upper())


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12), ("1 000", 1000), ("1\u00a0000", 1000), ("1\u202f000", 1000), ("10,0", 10), ("10.0", 10),
    ("", 1), ("100000", 100_000)])
def test_quantities_as_people_write_them(text, expected):
    assert pasted.quantity(text) == expected


@pytest.mark.parametrize("text", ["0", "-3", "1,5", "abc", "100001", "1e3x", "NaN", "Infinity", "٣"])
def test_quantities_that_are_not_whole_pieces(text):
    assert pasted.quantity(text) is None


@pytest.mark.parametrize("line", ["TP2-30-840\t5", "TP2-30-840;5", "TP2-30-840 5", "TP2-30-840,5",
                                  "tp2-30-840  ;  5", "TP2-30-840\t5,0"])
def test_each_separator(line):
    reading = pasted.read_text(line, find)
    assert reading.items == {"TP2-30-840": 5} and reading.problems == []


def test_duplicates_merge_and_problems_name_their_lines():
    text = "TP2-30-840 5\n\nOL-36-840;1 000\nNOPE-1 3\ntp2-30-840\t7\nOL-36-840 1,5\n!!! 2"
    reading = pasted.read_text(text, find)
    assert reading.items == {"TP2-30-840": 12, "OL-36-840": 1000}
    assert [(p.line, p.kind) for p in reading.problems] == [(4, "unknown"), (6, "quantity"), (7, "sku")]


def test_a_header_line_is_skipped_and_a_sku_alone_is_one_piece():
    reading = pasted.read_text("Артикул;Количество\nOL-36-840", find)
    assert reading.items == {"OL-36-840": 1} and reading.problems == []


def test_a_total_over_the_limit_is_a_problem():
    reading = pasted.read_text("OL-36-840 100000\nOL-36-840 1", find)
    assert reading.items == {} and [p.kind for p in reading.problems] == ["total"]


def test_too_many_lines():
    assert pasted.read_text("\n".join(["OL-36-840 1"] * (pasted.MAX_LINES + 1)), find).too_many


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_in_either_encoding_and_delimiter(encoding, delimiter):
    text = f"Артикул{delimiter}Количество\r\nTP2-30-840{delimiter}5\r\nНЕТ-ТАКОГО{delimiter}2\r\n"
    reading = pasted.read_csv(text.encode(encoding), find)
    assert reading.items == {"TP2-30-840": 5}
    assert [(p.line, p.kind, p.text) for p in reading.problems] == [(3, "unknown", "НЕТ-ТАКОГО 2")]


def test_csv_with_quoted_russian_decimal():
    reading = pasted.read_csv(b'TP2-30-840,"1 000,0"\n', find)
    assert reading.items == {"TP2-30-840": 1000}
