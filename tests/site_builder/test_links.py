"""Internal links: found, checked with their line, and retargeted to staged files."""

import pytest

from site_builder.build import check
from site_builder.errors import ContentErrors
from site_builder.links import check_links, find_links, rewrite


def test_finds_relative_links_but_not_external_or_code():
    body = ("[a](../technical/x.md#step) ![i](pic.png) [e](https://x.ru) [m](mailto:a@b.ru) [h](#top)\n"
            "```\n[c](code.md)\n```\n[r]: other.md\n")
    assert [(link.target, link.fragment) for link in find_links(body)] == [
        ("../technical/x.md", "step"), ("pic.png", ""), ("other.md", "")]


def test_rewrite_follows_moved_files():
    staged = {"technical/x.md": "technical/x.md", "newsletters/2026/pic.png": "newsletters/2026/pic.png"}
    body = "[a](../../technical/x.md#s) ![i](pic.png) [e](https://x.ru)\n[r]: ../../technical/x.md\n"
    out = rewrite(body, "newsletters/2026/n.md", "newsletters/posts/2026/n.md", staged.get)
    assert "[a](../../../technical/x.md#s)" in out
    assert "![i](../../2026/pic.png)" in out
    assert "[r]: ../../../technical/x.md" in out
    assert "(https://x.ru)" in out


def test_broken_link_reports_its_line_and_a_suggestion():
    body = "Intro\n\nSee [guide](montaz.md).\n"
    [error] = check_links("content/technical/a.md", body, 5, "technical/a.md", {"technical/montazh.md"})
    assert str(error).startswith("content/technical/a.md:7: broken link 'montaz.md'")
    assert 'did you mean "technical/montazh.md"' in str(error)


def test_strict_check_fails_on_broken_links(project):
    project.write("technical/a.md", "---\ntitle: A\n---\nSee [b](b.md).\n")
    check(project.config())  # not strict: fine
    with pytest.raises(ContentErrors) as info:
        check(project.config(), strict=True)
    assert str(info.value.errors[0]).startswith("content/technical/a.md:4: broken link 'b.md'")


@pytest.mark.slow
def test_links_between_moved_pages_work_in_the_built_site(project):
    project.write("technical/guide.md", "---\ntitle: Guide\n---\nSee [the news](../newsletters/2026/n.md).\n")
    project.write("newsletters/2026/n.md", "---\ntitle: Новость\ndate: 2026-11-02\n---\n"
                                           "Read [the guide](../../technical/guide.md#top).\n")
    project.build(strict=True)
    guide = (project.site / "public/technical/guide/index.html").read_text()
    news = (project.site / "public/newsletters/2026/11/novost/index.html").read_text()
    assert 'href="../../newsletters/2026/11/novost/"' in guide
    assert 'href="../../../../technical/guide/#top"' in news
