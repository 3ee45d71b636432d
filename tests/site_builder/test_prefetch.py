"""The helper that converts Markdown ahead of MkDocs changes no byte: its results are used only for
the exact text they came from, and a helper that fails costs nothing but time."""

import dataclasses

import pytest

from site_builder.fast import prefetch, split
from tests.site_builder.test_speedups import differences

pytestmark = pytest.mark.slow

@pytest.fixture
def baseline(tmp_path, monkeypatch):
    """The demo built with the helper switched off (CLUB_SPLIT_MIN_PAGES decides both splits)."""
    from tests.conftest import new_project

    one = new_project(tmp_path / "one", with_demo_content=True)
    one.build()
    monkeypatch.setattr(split, "MIN_PAGES", 1)  # from here on both splits run on the small demo
    return one


def build_demo(tmp_path, name):
    from tests.conftest import new_project

    project = new_project(tmp_path / name, with_demo_content=True)
    project.build()
    return project


def test_helper_results_are_used(baseline, tmp_path, monkeypatch):
    # A helper whose HTML is marked but whose digest is right: the mark must reach the output,
    # or the build is not using the helper at all (and this file tests nothing).
    convert = prefetch.Prefetch._convert

    def marked(self, file, files, capture):
        done = convert(self, file, files, capture)
        return None if done is None else dataclasses.replace(done, content=done.content + "<!-- prefetched -->")

    monkeypatch.setattr(prefetch.Prefetch, "_convert", marked)
    marked_site = build_demo(tmp_path, "marked")
    assert differences(baseline.site, marked_site.site) != []
    pages = (marked_site.site / "public").rglob("*.html")
    assert any("<!-- prefetched -->" in page.read_text(encoding="utf-8") for page in pages)


def test_results_for_other_text_are_not_used(baseline, tmp_path, monkeypatch):
    convert = prefetch.Prefetch._convert

    def stale(self, file, files, capture):
        done = convert(self, file, files, capture)
        if done is None:
            return None
        return dataclasses.replace(done, digest=prefetch.digest("other text"), content="<p>stale</p>")

    monkeypatch.setattr(prefetch.Prefetch, "_convert", stale)
    assert differences(baseline.site, build_demo(tmp_path, "stale").site) == []


def test_a_helper_that_dies_changes_nothing(baseline, tmp_path, monkeypatch):
    def crash(self, files_in_order, files):
        raise RuntimeError("the helper dies before converting anything")

    monkeypatch.setattr(prefetch.Prefetch, "_convert_backwards", crash)
    assert differences(baseline.site, build_demo(tmp_path, "crash").site) == []
