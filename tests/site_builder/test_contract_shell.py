"""The shell contract (site_builder/contract/shell.py): split into parts, filled in, read with fallbacks."""

import logging

import pytest

from site_builder.contract.shell import (
    ACCOUNT,
    CONTENT,
    TITLE,
    VERSION_META,
    ShellError,
    active_tab,
    parse_shell,
    read_shell,
    shell_path,
)


def shell_text(version_meta: str = VERSION_META, marker: str = "site") -> str:
    return (f"<html><head><title>{TITLE} - Клуб</title>{version_meta}<script>var s = 1;</script></head>"
            f'<body><header>{marker} <span>{TITLE}</span>{ACCOUNT}</header><nav><ul>'
            '<li class="md-tabs__item">\n <a href="/" class="md-tabs__link">Главная</a></li>'
            '<li class="md-tabs__item">\n <a href="/events/" class="md-tabs__link">Мероприятия</a></li>'
            '<li class="md-tabs__item">\n <a href="/events/archive/" class="md-tabs__link">Архив</a></li>'
            f"</ul></nav><article>{CONTENT}</article><footer>© {TITLE}</footer></body></html>")


def test_a_shell_puts_the_portals_parts_in_their_places():
    shell = parse_shell(shell_text())
    top = shell.top("Вход <в клуб>", head='<link rel="stylesheet" href="/p.css">', account="<a>Войти</a>")
    assert "<title>Вход &lt;в клуб&gt; - Клуб</title>" in top  # the title is text, escaped
    assert '<link rel="stylesheet" href="/p.css"></head>' in top
    assert "<span>Вход &lt;в клуб&gt;</span><a>Войти</a></header>" in top
    assert top.endswith("<article>")
    assert shell.bottom("T") == "</article><footer>© T</footer></body></html>"
    assert TITLE not in top and ACCOUNT not in top
    assert shell.tabs == ("/", "/events/", "/events/archive/")


def test_the_tab_of_the_current_section_is_marked():
    shell = parse_shell(shell_text())
    top = shell.top("x", path="/events/archive/2025/register")
    assert top.count("md-tabs__item--active") == 1
    assert '<li class="md-tabs__item md-tabs__item--active">\n <a href="/events/archive/"' in top
    assert "md-tabs__item--active" not in shell.top("x", path="/forum/")
    assert active_tab(shell.tabs, "/") == "/"
    assert active_tab(shell.tabs, "/events/7/register") == "/events/"


@pytest.mark.parametrize("text", [
    shell_text(version_meta='<meta name="club:shell" content="0">'),  # another version
    shell_text().replace(ACCOUNT, ""),
    shell_text().replace(CONTENT, CONTENT + CONTENT),
    shell_text().replace("</head>", ""),
])
def test_a_shell_without_its_markers_or_of_another_version_is_refused(text):
    with pytest.raises(ShellError):
        parse_shell(text)


def test_reading_falls_back_to_the_default_language_then_to_nothing(tmp_path, caplog):
    assert read_shell(tmp_path, "en", "ru") is None  # no site built: the portal's plain layout
    path = shell_path(tmp_path, "ru")
    path.parent.mkdir()
    path.write_text(shell_text(marker="русский"), encoding="utf-8")
    assert "русский" in read_shell(tmp_path, "en", "ru").top("x")
    shell_path(tmp_path, "en").write_text(shell_text(marker="english"), encoding="utf-8")
    assert "english" in read_shell(tmp_path, "en", "ru").top("x")
    path.write_text(shell_text(version_meta=""), encoding="utf-8")  # built by an older club
    with caplog.at_level(logging.WARNING):
        assert read_shell(tmp_path, "ru", "ru") is None
    assert "club build" in caplog.text
