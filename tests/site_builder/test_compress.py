"""Precompressed copies (site_builder/compress.py): which files, fresh or stale, reuse, removal."""

import gzip
import os

import brotli
import pytest

from site_builder import compress
from site_builder.compress import compress_files

PAGE = ("<html><body>" + "<p>Светильник для офиса, трек и панель.</p>" * 60 + "</body></html>").encode()


def write(root, rel, data: bytes, mtime_ns: int | None = None):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def test_text_files_get_both_copies_with_their_mtime(tmp_path):
    page = write(tmp_path, "a/index.html", PAGE)
    outcome = compress_files(tmp_path, ["a/index.html"])
    assert outcome.made == 1 and sorted(outcome.present) == ["a/index.html.br", "a/index.html.gz"]
    assert brotli.decompress((tmp_path / "a/index.html.br").read_bytes()) == PAGE
    assert gzip.decompress((tmp_path / "a/index.html.gz").read_bytes()) == PAGE
    assert (tmp_path / "a/index.html.br").stat().st_mtime_ns == page.stat().st_mtime_ns


def test_small_binary_and_incompressible_files_get_none(tmp_path):
    write(tmp_path, "small.css", b"body{}")
    write(tmp_path, "chart.png", PAGE)
    write(tmp_path, "noise.txt", os.urandom(4096))  # compressed, it would be bigger
    write(tmp_path, "sitemap.xml", PAGE)  # MkDocs writes its own sitemap.xml.gz
    outcome = compress_files(tmp_path, ["small.css", "chart.png", "noise.txt", "sitemap.xml"])
    assert outcome.present == [] and sorted(p.name for p in tmp_path.iterdir()) == [
        "chart.png", "noise.txt", "sitemap.xml", "small.css"]


def test_an_unchanged_file_is_not_compressed_again(tmp_path, monkeypatch):
    write(tmp_path, "a.js", PAGE)
    compress_files(tmp_path, ["a.js"])
    monkeypatch.setattr(compress, "encode", lambda data: pytest.fail("compressed again"))
    assert compress_files(tmp_path, ["a.js"]).fresh == 1


def test_a_rewritten_file_gets_fresh_copies(tmp_path):
    write(tmp_path, "a.css", PAGE, mtime_ns=1_700_000_000 * 10**9)
    compress_files(tmp_path, ["a.css"])
    changed = PAGE.replace(b"office", b"street").replace("офиса".encode(), "улицы".encode())
    write(tmp_path, "a.css", changed, mtime_ns=1_700_000_000 * 10**9 + 1)  # same size, 1 ns later
    assert compress_files(tmp_path, ["a.css"]).made == 1
    assert brotli.decompress((tmp_path / "a.css.br").read_bytes()) == changed


def test_a_file_that_shrank_below_the_limit_or_is_gone_loses_its_copies(tmp_path):
    write(tmp_path, "a.json", PAGE)
    write(tmp_path, "b.json", PAGE)
    compress_files(tmp_path, ["a.json", "b.json"])
    write(tmp_path, "a.json", b"{}")
    (tmp_path / "b.json").unlink()
    outcome = compress_files(tmp_path, ["a.json", "b.json"])
    assert sorted(outcome.absent) == ["a.json.br", "a.json.gz", "b.json.br", "b.json.gz"]
    assert not (tmp_path / "a.json.br").exists() and not (tmp_path / "a.json.gz").exists()


def test_identical_bytes_take_the_previous_publishs_copies(tmp_path, monkeypatch):
    old, new = tmp_path / "old", tmp_path / "new"
    write(old, "p/index.html", PAGE)
    write(old, "q/index.html", PAGE)
    compress_files(old, ["p/index.html", "q/index.html"])
    write(new, "p/index.html", PAGE)  # a full build wrote it again: new mtime, same bytes
    write(new, "q/index.html", PAGE + b"<!-- changed -->")
    made = []
    real = compress.encode
    monkeypatch.setattr(compress, "encode", lambda data: made.append(data) or real(data))
    outcome = compress_files(new, ["p/index.html", "q/index.html"], previous=old)
    assert (outcome.reused, outcome.made) == (1, 1) and made == [PAGE + b"<!-- changed -->"]
    copy = new / "p/index.html.br"
    assert brotli.decompress(copy.read_bytes()) == PAGE
    assert copy.stat().st_mtime_ns == (new / "p/index.html").stat().st_mtime_ns


def test_stale_copies_of_the_previous_publish_are_not_reused(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    write(old, "a.html", PAGE)
    write(old, "a.html.br", brotli.compress(b"something else"))  # not made from this version
    write(new, "a.html", PAGE)
    assert compress_files(new, ["a.html"], previous=old).made == 1
    assert brotli.decompress((new / "a.html.br").read_bytes()) == PAGE


def test_a_file_named_twice_is_compressed_once(tmp_path, monkeypatch):
    write(tmp_path, "index.json", PAGE)
    made = []
    real = compress.encode
    monkeypatch.setattr(compress, "encode", lambda data: made.append(data) or real(data))
    assert compress_files(tmp_path, ["index.json", "index.json"]).made == 1 and len(made) == 1


def test_adding_outcomes_leaves_the_lists_handed_out_alone():
    first, second = compress.Outcome(later=["a"]), compress.Outcome(later=["b"])
    kept = first.later
    first.add(second)
    assert first.later == ["a", "b"] and kept == ["a"]
