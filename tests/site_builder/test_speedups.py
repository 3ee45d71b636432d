"""The performance patches change no byte of the output: build the demo with and without them
(with the public pages rendered in two processes, which `club build` does from 400 pages on)."""

import filecmp
import os
import subprocess
import sys

import pytest

from site_builder.fast import split
from site_builder.fast.patches import PostList
from tests.conftest import new_project

pytestmark = pytest.mark.slow


def build(root, env_extra):
    env = {**os.environ, **env_extra}
    subprocess.run([sys.executable, "-m", "portal.cli", "--config", str(root / "mkdocs.yml"), "build"],
                   check=True, env=env, capture_output=True)


def differences(a, b):
    comparison = filecmp.dircmp(a, b)
    found = comparison.left_only + comparison.right_only + comparison.diff_files
    for name in comparison.common_dirs:
        found += differences(a / name, b / name)
    return found


# Excerpts with what a Markdown parser remembers between conversions (footnotes, abbreviations,
# tabs), listed on several pages: Material renders them with a parser never reset.
STATEFUL_POST = """---
title: Памятка с примечаниями
date: 2026-10-20
summary: Проверка выдержек.
segments: [installers]
---
Монтаж по схеме[^1] и проверка HTML в щите.

=== "Потолок"
    Крепление на подвес.

=== "Стена"
    Крепление на кронштейн.

*[HTML]: язык разметки

[^1]: Схема из паспорта изделия.

<!-- more -->

Подробности после выдержки.
"""


@pytest.mark.parametrize("extra_extension", [None, "smarty"])  # smarty: not one whose state was checked
def test_patched_build_is_identical_to_stock(tmp_path, extra_extension):
    fast = new_project(tmp_path / "fast", with_demo_content=True)
    stock = new_project(tmp_path / "stock", with_demo_content=True)
    for project in (fast, stock):
        project.write("newsletters/2026/pamyatka-s-primechaniyami.md", STATEFUL_POST)
        if extra_extension:
            yml = project.root / "mkdocs.yml"
            yml.write_text(yml.read_text(encoding="utf-8").replace(
                "markdown_extensions:\n", f"markdown_extensions:\n  - {extra_extension}\n"), encoding="utf-8")
    build(fast.root, {"CLUB_SPLIT_MIN_PAGES": "1"})
    build(stock.root, {"CLUB_NO_SPEEDUPS": "1"})
    assert differences(fast.site, stock.site) == []
    assert differences(fast.root / ".cache/club/out-private", stock.root / ".cache/club/out-private") == []


def test_post_list_lookup_is_by_identity():
    a, b = object(), object()
    posts = PostList([a])
    assert a in posts and b not in posts and list(posts) == [a]


def test_split_rendering_falls_back_to_one_process_when_the_child_fails(tmp_path, monkeypatch):
    # The build's worker processes are forked from this one, so they see these patches.
    one = new_project(tmp_path / "one", with_demo_content=True)
    one.build()
    monkeypatch.setattr(split, "MIN_PAGES", 1)

    def crash(self, args, kwargs):
        raise RuntimeError("the child dies before handing anything back")

    monkeypatch.setattr(split.PageSplit, "_render_theirs", crash)
    two = new_project(tmp_path / "two", with_demo_content=True)
    two.build()
    assert differences(one.site, two.site) == []


def test_excerpts_share_a_parser_only_with_the_extensions_checked():
    from site_builder.fast.patches import ExcerptMarkdown

    checked = ExcerptMarkdown(["toc", "tables", "footnotes"], {})
    checked.convert("Просто абзац.")
    footnote = ExcerptMarkdown(["toc", "tables", "footnotes"], {})
    footnote.convert("Абзац[^1].\n\n[^1]: Сноска.")
    other = ExcerptMarkdown(["toc", "tables", "smarty"], {})
    other.convert("Просто абзац.")
    assert checked.own is None and footnote.own is not None and other.own is not None
