"""The text of a PDF that fpdf2 wrote, read back without a PDF library (pypdf is not a dependency).

fpdf2 draws text with an embedded TrueType subset: each `(...) Tj` string holds 2-byte glyph ids, and the
font's ToUnicode CMap (`<gid> <unicode>` pairs) says which character each id is, which is exactly what a
viewer's copy and search use. Good for fpdf2's own output, not a general PDF reader.
"""

from __future__ import annotations

import contextlib
import re
import zlib

ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def objects(pdf: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Object number -> (its dictionary, its stream decompressed or b"")."""
    found = {}
    for number, body in re.findall(rb"(?m)^(\d+) 0 obj(.*?)endobj", pdf, re.S):
        head, _, rest = body.partition(b"stream")
        stream = re.sub(rb"\r?\nendstream\s*$", b"", rest.lstrip(b"\r\n")) if rest else b""
        with contextlib.suppress(zlib.error):
            stream = zlib.decompress(stream) if b"FlateDecode" in head else stream
        found[int(number)] = (head, stream)
    return found


def _cmap(stream: bytes) -> dict[int, str]:
    return {int(gid, 16): bytes.fromhex(code.decode()).decode("utf-16-be")
            for gid, code in re.findall(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4,8})>", stream)}


def _literal(raw: bytes) -> bytes:
    """A PDF literal string's bytes with its backslash escapes undone (octal \\ddd included)."""
    out, i = bytearray(), 0
    while i < len(raw):
        if raw[i:i + 1] == b"\\":
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
                continue
            out += ESCAPES.get(raw[i + 1:i + 2], raw[i + 1:i + 2])
            i += 2
            continue
        out.append(raw[i])
        i += 1
    return bytes(out)


def text_of(pdf: bytes) -> str:
    """Every Tj string of every page, one per line, as Unicode through its font's ToUnicode map."""
    found = objects(pdf)
    maps: dict[bytes, dict[int, str]] = {}
    for head, _stream in found.values():
        for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", head):
            unicode_ref = re.search(rb"/ToUnicode (\d+) 0 R", found.get(int(number), (b"", b""))[0])
            if unicode_ref:
                maps[name] = _cmap(found[int(unicode_ref.group(1))][1])
    lines = []
    for _head, stream in found.values():
        font: dict[int, str] = {}
        for token in re.finditer(rb"/(F\d+) [\d.]+ Tf|\(((?:[^()\\]|\\.)*)\) Tj", stream, re.S):
            if token.group(1):
                font = maps.get(token.group(1), {})
                continue
            data = _literal(token.group(2))
            lines.append("".join(font.get(int.from_bytes(data[i:i + 2], "big"), "?")
                                 for i in range(0, len(data) - 1, 2)))
    return "\n".join(lines)
