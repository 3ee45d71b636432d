"""The build's side of the shell (site_builder/shell.py): rendered with the theme, links made absolute,
published to site/shell/ and nowhere a reader or a crawler finds it."""

import gzip
import json
import re

import pytest

from site_builder.contract.shell import ACCOUNT, CONTENT, TITLE, parse_shell, shell_path
from site_builder.shell import absolute_links, drop_from_sitemap, publish_shells


def test_links_become_absolute_from_the_shells_address():
    page = ('<link rel="canonical" href="http://x/_shell/"><link href="../assets/a.css" rel="stylesheet">'
            '<a href="..">home</a><a href="../events/">e</a><a href="#top">t</a><a href="https://x.org/">x</a>'
            '<img src="../img/l.png"><a href="mailto:a@b.c">m</a><a href="/forum/">f</a>'
            '<script>__md_scope=new URL("..",location)</script>'
            '<script id="__config" type="application/json">{"base": "..", "search": "../assets/w.js"}</script>')
    out = absolute_links(page, "_shell/")
    assert "canonical" not in out
    for part in ('href="/assets/a.css"', 'href="/">home', 'href="/events/"', 'href="#top"', 'href="https://x.org/"',
                 'src="/img/l.png"', 'href="mailto:a@b.c"', 'href="/forum/"', 'new URL("/",location)'):
        assert part in out
    config = json.loads(out.split('application/json">')[1].split("</script>")[0])
    assert config == {"base": "/", "search": "/assets/w.js"}
    assert 'href="/en/"' in absolute_links('<a href="..">', "en/_shell/")


def test_publishing_moves_each_languages_shell_out_of_the_public_output(tmp_path):
    built, site = tmp_path / "out", tmp_path / "site"
    for rel in ("_shell/index.html", "en/_shell/index.html", "en/index.html", "index.html"):
        (built / rel).parent.mkdir(parents=True, exist_ok=True)
        (built / rel).write_text(rel, encoding="utf-8")
    moved = publish_shells(built, site, "ru")
    assert shell_path(site, "ru").read_text(encoding="utf-8") == "_shell/index.html"
    assert shell_path(site, "en").read_text(encoding="utf-8") == "en/_shell/index.html"
    assert sorted(p.relative_to(built).as_posix() for p in moved) == ["_shell/index.html", "en/_shell/index.html"]
    assert sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file()) == [
        "en/index.html", "index.html"]
    assert publish_shells(built, site, "ru") == []  # a dirty rebuild without a new shell keeps the old one
    assert shell_path(site, "ru").exists()


def test_the_shell_is_dropped_from_the_sitemap(tmp_path):
    entry = "    <url>\n         <loc>http://h/{}</loc>\n         <lastmod>2026-01-01</lastmod>\n    </url>\n"
    text = "<urlset>\n" + entry.format("") + entry.format("_shell/") + entry.format("events/") + "</urlset>\n"
    (tmp_path / "sitemap.xml").write_text(text, encoding="utf-8")
    (tmp_path / "sitemap.xml.gz").write_bytes(gzip.compress(text.encode()))
    drop_from_sitemap(tmp_path)
    kept = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert "_shell" not in kept and "http://h/events/" in kept and "http://h/</loc>" in kept
    assert gzip.decompress((tmp_path / "sitemap.xml.gz").read_bytes()).decode() == kept


def test_the_build_publishes_the_shell_and_nothing_of_it_is_served(project):
    project.build()
    text = shell_path(project.site, "ru").read_text(encoding="utf-8")
    shell = parse_shell(text)
    top = shell.top("Вход", account="<!--account-->", path="/events/")
    assert 'class="md-header"' in top and 'data-md-component="tabs"' in top and 'class="md-search"' in top
    assert '<li class="md-tabs__item md-tabs__item--active">' in top
    assert 'class="md-footer"' in shell.bottom()
    assert not any(part.startswith(("../", "./")) for part in _attributes(text)), "relative links in the shell"
    assert '"base":"/"' in text
    public = project.public_text()
    assert not [rel for rel in public if "_shell" in rel]
    assert not [rel for rel, body in public.items() if TITLE.encode() in body or CONTENT.encode() in body
                or ACCOUNT.encode() in body]


def _attributes(text: str) -> list[str]:
    return re.findall(r'\b(?:href|src)="([^"]*)"', text)


@pytest.mark.slow
def test_the_demo_sites_shell_reads_as_its_pages(demo):
    shell = parse_shell(shell_path(demo.site, "ru").read_text(encoding="utf-8"))
    home = (demo.site / "public" / "index.html").read_text(encoding="utf-8")
    for part in ('data-md-component="search"', 'data-md-component="tabs"', 'class="md-footer"'):
        assert part in home and part in shell.source
    assert set(shell.tabs) >= {"/", "/newsletters/", "/events/", "/club/"}
