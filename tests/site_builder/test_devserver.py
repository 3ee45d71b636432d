"""club serve's rebuild loop in-process: which edits take the fast path, and that it stays correct."""

import json
import logging
import os

import pytest

from site_builder.build import check
from site_builder.devserver import DevBuilder

pytestmark = pytest.mark.slow

REPORT = ("---\ntitle: Отчёт\nsummary: Кратко.\naccess: members\n---\nОткрытое начало отчёта.\n\n"
          "<!-- more -->\n\nЗакрытый вывод номер один.\n")


@pytest.fixture
def builder(project):
    project.write("analytics/r.md", REPORT)
    project.write("technical/t.md", "---\ntitle: Гайд\n---\nПервый вариант текста.\n")
    dev = DevBuilder(project.config(), progress=lambda _: None)
    assert dev.rebuild()
    return dev


def test_closed_part_edit_rebuilds_only_the_private_site(project, builder):
    path = project.content / "analytics/r.md"
    path.write_text(REPORT.replace("номер один", "номер два"), encoding="utf-8")
    site = builder.site
    assert builder._modes_for(site, {path.resolve()}) == ("private",)
    assert builder.rebuild({path.resolve()})
    assert "номер два" in (project.site / "private/analytics/r/index.html").read_text()
    assert "номер" not in (project.site / "public/analytics/r/index.html").read_text()


def test_public_edit_keeps_the_members_index_complete(project, builder):
    path = project.content / "technical/t.md"
    path.write_text("---\ntitle: Гайд\n---\nВторой вариант текста.\n", encoding="utf-8")
    assert builder.rebuild({path.resolve()})
    members = json.loads((project.site / "private/search/search_index.json").read_text())["docs"]
    text = json.dumps(members, ensure_ascii=False)
    assert "Второй вариант" in text and "Закрытый вывод" in text and "Первый вариант" not in text


def test_title_change_takes_the_full_path(project, builder):
    path = project.content / "technical/t.md"
    path.write_text("---\ntitle: Новый гайд\n---\nПервый вариант текста.\n", encoding="utf-8")
    assert not builder._can_be_dirty(check(project.config()), {path.resolve()})  # listings show titles
    assert builder.rebuild({path.resolve()})
    catalogue = (project.site / "public/technical/index.html").read_text()
    assert "Новый гайд" in catalogue


def test_a_broken_edit_keeps_the_last_good_site_and_reports(project, builder):
    path = project.content / "technical/t.md"
    path.write_text("---\ntitle: Гайд\naccess: secret\n---\nТекст.\n", encoding="utf-8")
    assert not builder.rebuild({path.resolve()})
    assert "unknown access level" in builder.error
    assert (project.site / "public/technical/t/index.html").is_file()


def test_body_edit_restages_only_that_page_and_matches_a_full_build(project, builder, tmp_path):
    stage = project.root / ".cache/club/stage-public"
    other = stage / "analytics/r.md"
    before = other.stat().st_mtime_ns
    path = project.content / "technical/t.md"
    path.write_text("---\ntitle: Гайд\n---\nВторой вариант текста.\n", encoding="utf-8")
    assert builder.rebuild({path.resolve()})
    assert other.stat().st_mtime_ns == before  # not restaged
    dirty = (project.site / "public/technical/t/index.html").read_text()
    assert builder.rebuild()  # the full path, for comparison
    assert (project.site / "public/technical/t/index.html").read_text() == dirty


def test_new_closed_text_starts_the_leak_scan_afresh(project, builder):
    # The scan's remembered answers hold only while fingerprints are taken away (public edits).
    builder.scan_memo["a remembered segment"] = None
    path = project.content / "analytics/r.md"
    path.write_text(REPORT.replace("номер один", "номер два"), encoding="utf-8")
    assert builder.rebuild({path.resolve()})
    assert "a remembered segment" not in builder.scan_memo


def test_publishing_copies_a_same_size_edit_made_within_the_same_second(tmp_path):
    from site_builder.filesync import sync_files

    src, dst = tmp_path / "src", tmp_path / "dst"
    for root, text in ((dst, "Первый"), (src, "Второй")):  # same size in bytes
        (root / "p").mkdir(parents=True)
        (root / "p/index.html").write_text(text, encoding="utf-8")
    second = 1_700_000_000 * 10**9
    os.utime(dst / "p/index.html", ns=(second + 1, second + 1))
    os.utime(src / "p/index.html", ns=(second + 2, second + 2))
    sync_files(src, dst, ["p/index.html"], remove_extra=False)
    assert (dst / "p/index.html").read_text(encoding="utf-8") == "Второй"


def test_a_dirty_rebuild_does_not_warn_about_navigation(project, builder, caplog):
    path = project.content / "technical/t.md"
    path.write_text("---\ntitle: Гайд\n---\nТретий вариант текста.\n", encoding="utf-8")
    mkdocs_log = logging.getLogger("mkdocs")  # club keeps MkDocs' records from the root logger
    mkdocs_log.addHandler(caplog.handler)
    try:
        assert builder.rebuild({path.resolve()})
    finally:
        mkdocs_log.removeHandler(caplog.handler)
    assert not [r for r in caplog.records if "dirty" in r.getMessage()]


def unpacked(path):
    import gzip

    import brotli

    return {"br": brotli.decompress(path.with_name(path.name + ".br").read_bytes()),
            "gz": gzip.decompress(path.with_name(path.name + ".gz").read_bytes())}


def test_an_edit_gets_fresh_compressed_copies_and_nothing_else_is_compressed_again(project, builder):
    public, private = project.site / "public", project.site / "private"
    other = (public / "analytics/r/index.html.br").stat()
    path = project.content / "technical/t.md"
    long_enough = "Абзац о монтаже трековой системы в торговом зале. " * 30  # the members' index passes 1 KB
    path.write_text(f"---\ntitle: Гайд\n---\nВторой вариант текста.\n\n{long_enough}\n", encoding="utf-8")
    assert builder.rebuild({path.resolve()})
    page = public / "technical/t/index.html"
    assert "Второй вариант" in page.read_text() and set(unpacked(page).values()) == {page.read_bytes()}
    index = private / "search/search_index.json"
    assert "Второй вариант" in index.read_text() and set(unpacked(index).values()) == {index.read_bytes()}
    again = (public / "analytics/r/index.html.br").stat()
    assert (again.st_ino, again.st_mtime_ns) == (other.st_ino, other.st_mtime_ns)
    closed = project.content / "analytics/r.md"
    closed.write_text(REPORT.replace("номер один", "номер два"), encoding="utf-8")
    assert builder.rebuild({closed.resolve()})
    full = private / "analytics/r/index.html"
    assert "номер два" in unpacked(full)["br"].decode() and set(unpacked(full).values()) == {full.read_bytes()}


def test_a_removed_page_loses_its_compressed_copies(project, builder):
    page = project.site / "public/technical/t/index.html"
    assert page.with_name("index.html.br").is_file()
    path = project.content / "technical/t.md"
    path.unlink()
    assert builder.rebuild({path.resolve()})
    assert not page.exists() and not page.with_name("index.html.br").exists()
    assert not page.with_name("index.html.gz").exists()


def test_big_files_are_compressed_after_the_browser_has_the_rebuild(project, builder, monkeypatch):
    from site_builder import compress

    monkeypatch.setattr(compress, "LATER_SIZE", 1024)  # the test's indexes are small; at 1,000 pages they are MBs
    monkeypatch.setattr("site_builder.build.LATER_SIZE", 1024)
    index = project.site / "private/search/search_index.json"
    seen = {}

    def announce():
        copy = index.with_name(index.name + ".br")
        seen["fresh"] = copy.exists() and copy.stat().st_mtime_ns == index.stat().st_mtime_ns

    monkeypatch.setattr(builder, "_announce", announce)
    path = project.content / "technical/t.md"
    long_enough = "Абзац о монтаже трековой системы в торговом зале. " * 30
    path.write_text(f"---\ntitle: Гайд\n---\nТретий вариант.\n\n{long_enough}\n", encoding="utf-8")
    assert builder.rebuild({path.resolve()})
    assert seen == {"fresh": False}  # the reload did not wait for the index's copies
    assert "Третий вариант" in unpacked(index)["br"].decode() and set(unpacked(index).values()) == {index.read_bytes()}
    public = project.site / "public/search/search_index.json"
    assert set(unpacked(public).values()) == {public.read_bytes()}
