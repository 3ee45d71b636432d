"""CSV for Excel, the one writer every staff export uses: UTF-8 with a BOM and `;` between columns
(what Russian Excel opens as columns without an import dialog), CRLF line ends (RFC 4180)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from starlette.responses import StreamingResponse

BOM = "\ufeff"
# What makes a spreadsheet read a cell as a formula (CSV injection, ASVS 5.0 1.2.10).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """A text that a spreadsheet shows as the text it is: one that would start a formula gets a quote."""
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_lines(rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """The BOM, then each row as one encoded line, written as it is read (a large export never sits in memory)."""
    yield BOM.encode()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
        yield out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    return b"".join(csv_lines(rows))


def csv_response(filename: str, rows: Iterable[Sequence[object]]) -> StreamingResponse:
    """A download of `rows` (the header first) named `filename` (plain ASCII: it goes into a header as is)."""
    return StreamingResponse(csv_lines(rows), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
