"""Member Markdown renders in time linear in its length, whatever it is (portal/usertext.py).

python-markdown's quadratic corners were all work inside C: list.pop(0) and list.insert(0, …) moving
every waiting element or block, and a block's text rebuilt for every inline match. Counting Python
calls cannot see them (the counts grew tenfold for ten times the input before the fix too), so the
growth test compares the CPU time of this thread for 20 KB and 200 KB of the same input within one
run: linear work takes about 10x as long, the old quadratic steps took 45x and more. The bound is a
ratio with a wide margin, never a number of seconds, so a loaded machine does not decide it.
"""

from __future__ import annotations

import random
import time

import pytest
from markdown.treeprocessors import InlineProcessor

from portal.core import usertext
from portal.core.usertext import BLOCK_CHARS, BLOCK_LINES, render_user_markdown
from tests.core.test_usertext import PAYLOADS

HOSTILE = {
    "line breaks": "x\n",  # a <br> per line: the inline step's waiting list
    "paragraphs": "x\n\n",  # a block per line: the block parser's list
    "escapes on one line": "\\* ",  # one text rebuilt per match
    "emphasis on one line": "*a* ",  # an element per match, in one text
}


def cpu_seconds(text: str, repeats: int) -> float:
    """The least CPU time of this thread over `repeats` renders (other processes' load is not counted)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time()
        render_user_markdown(text)
        best = min(best, time.thread_time() - start)
    return best


@pytest.mark.slow
@pytest.mark.parametrize("unit", HOSTILE.values(), ids=HOSTILE.keys())
def test_ten_times_the_input_takes_about_ten_times_the_work(unit):
    render_user_markdown(unit * 100)  # imports and caches warm
    small = cpu_seconds(unit * (20_000 // len(unit)), repeats=5)
    large = cpu_seconds(unit * (200_000 // len(unit)), repeats=2)
    assert large < 30 * small, f"{large / small:.1f}x the CPU time for 10x the input"


def convert(text: str, *, stock: bool) -> str:
    """The club's converter; `stock`: with python-markdown's own InlineProcessor and list of blocks put back."""
    md = usertext._converter(None, budget=50_000 + 10 * len(text))
    if stock:
        md.treeprocessors.register(InlineProcessor(md), "inline", 20)
        del md.parser.parseBlocks  # the class's method again
    return md.convert(usertext._SURROGATES.sub("\ufffd", usertext._CONTROLS.sub("", text)))


def soup(rng: random.Random, size: int) -> str:
    atoms = ["*", "**", "_", "~~", "`", "```\n", "[", "](", ")", "![", "<", ">", "# ", "- ", "1. ", "| a | b |\n",
             "|---|---|\n", "\\", "@anna", "http://a.ru/x", "a@b.ru", "&amp;", "\n", "\n\n", "  \n", "    ", "слово ",
             "---\n", "> ", "[r]: /x\n", "[r]", "x"]
    return "".join(rng.choice(atoms) for _ in range(size))


def test_the_linear_steps_build_what_python_markdown_builds():
    rng = random.Random(7)
    texts = [*PAYLOADS, *(soup(rng, size) for size in (10, 100, 1000, 5000) for _ in range(25)),
             "x\n" * 5000, "x\n\n" * 3000, "\\* " * 6000, "*a* " * 5000, "> a\n" * 3000, "1. a\n" * 2000]
    for text in texts:
        assert convert(text, stock=False) == convert(text, stock=True), text[:80]


def short_blocks(text: str) -> list[str]:
    return usertext._ShortBlocks(None).run(text.split("\n"))  # type: ignore[arg-type]


def test_no_post_the_forum_accepts_is_cut_but_longer_blocks_are():
    one_line = ("Длинный абзац без единого переноса строки, " * 500)[:BLOCK_CHARS]
    lines = "\n".join([("строка " * 40)[:250]] * 80)  # one paragraph of 80 lines, 20,000 characters without breaks
    for text in (one_line, lines[:BLOCK_CHARS], "x\n" * BLOCK_LINES):  # posts of up to 20,000 characters
        assert short_blocks(text) == text.split("\n")
    for text in (one_line + " и ещё", "я" * (BLOCK_CHARS + 1), lines + "\nещё строка"):
        blocks = "\n".join(short_blocks(text)).split("\n\n")
        assert len(blocks) == 2 and all(len(block.replace("\n", "")) <= BLOCK_CHARS for block in blocks)
        assert "".join(blocks).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")
