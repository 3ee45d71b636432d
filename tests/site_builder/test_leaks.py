"""Fail closed: closed text never reaches site/public — canaries in every section, and the scanner."""

import json

import pytest

from site_builder.build import LeakError, build_modes, out_dir, publish
from site_builder.content import load_site
from site_builder.leaks import IncrementalScan, Leak, fingerprints, scan
from site_builder.plugin import PRELOADED

pytestmark = pytest.mark.slow

SECRET = ("Закрытый абзац {token} раскрывает дилерские скидки восемнадцать процентов и план выпуска "
          "новой серии прожекторов к весне")

CANARIES = {
    "newsletters/2026/c.md": "---\ntitle: Канарейка рассылки\ndate: 2026-10-01\n",
    "magazine/2026-c/index.md": None,
    "magazine/2026-c/c.md": "---\ntitle: Канарейка журнала\ndate: 2026-10-02\n",
    "technical/c.md": "---\ntitle: Канарейка техники\n",
    "analytics/c.md": "---\ntitle: Канарейка аналитики\n",
    "events/c.md": '---\ntitle: Канарейка события\nstarts: "2027-03-01 10:00"\ncity: Тверь\n',
    "club/c.md": "---\ntitle: Канарейка клуба\n",
}


def token(rel: str) -> str:
    return "KANAREIKA" + rel.split("/")[0].upper()


@pytest.fixture(scope="module")
def canary(tmp_path_factory):
    from tests.conftest import MINIMAL, new_project

    project = new_project(tmp_path_factory.mktemp("canary") / "proj")
    for rel, text in MINIMAL.items():
        project.write(rel, text)
    project.write("magazine/2026-c/index.md", "---\ntitle: Выпуск К\nissue: 9\ndate: 2026-10-01\n---\nКолонка.\n")
    for rel, head in CANARIES.items():
        if head is None:
            continue
        secret = SECRET.format(token=token(rel))
        project.write(rel, head + "access: members\nsummary: Открытое описание.\ntags: [канарейка]\n---\n"
                      f"Открытое начало страницы.\n\n<!-- more -->\n\n## Раздел {token(rel)}X\n\n{secret}.\n\n"
                      f"| Показатель | {token(rel)}TABLE |\n|---|---|\n| скидка | 18 % |\n")
    project.build()
    return project


@pytest.mark.parametrize("rel", [r for r, head in CANARIES.items() if head])
def test_no_public_file_carries_closed_text(canary, rel):
    needle = token(rel).encode()
    hits = [name for name, data in canary.public_text().items() if needle in data]
    assert hits == []


@pytest.mark.parametrize("rel", [r for r, head in CANARIES.items() if head])
def test_members_get_the_closed_text(canary, rel):
    private = b"".join(p.read_bytes() for p in (canary.site / "private").rglob("*") if p.is_file())
    assert token(rel).encode() in private


def test_gated_pages_stay_listed_with_title_and_summary(canary):
    public = canary.public_text()
    assert "Канарейка аналитики" in public["analytics/index.html"].decode()
    assert "Канарейка рассылки" in public["tags/index.html"].decode()
    assert "Открытое начало страницы" in public["analytics/c/index.html"].decode()


def test_injected_leak_fails_the_build_and_publishes_nothing(canary):
    site = load_site(canary.config())
    PRELOADED[str(site.config.config_file)] = site
    build_modes(site.config, strict=False, jobs=1, progress=lambda _: None, modes=("public",))
    leaked = out_dir(site.config, "public") / "leak" / "index.html"
    leaked.parent.mkdir()
    leaked.write_text(f"<p>{SECRET.format(token='X')}</p>", encoding="utf-8")
    with pytest.raises(LeakError) as info:
        publish(site, lambda _: None, swap=True)
    assert "leak/index.html" in str(info.value) and "content/" in str(info.value)
    assert not (canary.site / "public" / "leak").exists()
    assert (canary.site / "public" / "index.html").is_file()  # the last good site stays
    built = out_dir(site.config, "public")
    made = [path.name for path in [*built.rglob("*.br"), *built.rglob("*.gz")]]
    assert made == ["sitemap.xml.gz"]  # MkDocs' own: nothing was compressed before the scan passed


def test_compressed_copies_in_public_hold_only_what_their_file_holds(canary):
    import gzip

    import brotli

    public = canary.site / "public"
    copies = sorted([*public.rglob("*.br"), *public.rglob("*.gz")])
    assert len(copies) > 20
    for copy in copies:
        if copy.name == "sitemap.xml.gz":  # MkDocs' own
            continue
        data = (brotli.decompress if copy.suffix == ".br" else gzip.decompress)(copy.read_bytes())
        assert data == copy.with_suffix("").read_bytes(), copy
        assert not any(token(rel).encode() in data for rel, head in CANARIES.items() if head), copy
    teaser = public / "analytics" / "c" / "index.html"
    assert brotli.decompress(teaser.with_name("index.html.br").read_bytes()) == teaser.read_bytes()


def test_scanner_reads_escaped_json_and_folded_icalendar(canary, tmp_path):
    prints = fingerprints(load_site(canary.config()))
    secret = SECRET.format(token="X") + "."
    (tmp_path / "index.json").write_text(json.dumps({"docs": [{"text": f"<p>{secret}</p>"}]}))  # \\u escapes
    folded = "DESCRIPTION:" + secret.replace(",", "\\,")
    (tmp_path / "cal.ics").write_text("\r\n ".join(folded[i:i + 60] for i in range(0, len(folded), 60)))
    (tmp_path / "feed.xml").write_text(f"<description>&lt;p&gt;{secret}&lt;/p&gt;</description>")
    leaks = scan(tmp_path, prints)
    assert sorted(leak.file for leak in leaks) == ["cal.ics", "feed.xml", "index.json"]
    assert all(isinstance(leak, Leak) for leak in leaks)


def test_text_that_is_also_public_is_not_a_fingerprint(project):
    shared = "Этот абзац повторяется и в открытой части сайта слово в слово без изменений совсем"
    project.write("technical/open.md", f"---\ntitle: Открытая\n---\n{shared}\n")
    project.write("technical/closed.md", "---\ntitle: Закрытая\naccess: members\nsummary: S\n---\n"
                                         f"Начало.\n\n<!-- more -->\n\n{shared}\n")
    assert fingerprints(load_site(project.config())) == {}


def test_media_linked_only_from_closed_text_stays_private(project):
    (project.content / "analytics").mkdir(parents=True, exist_ok=True)
    (project.content / "analytics" / "closed-chart.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (project.content / "analytics" / "open-chart.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    project.write("analytics/r.md", "---\ntitle: Отчёт\nsummary: S\naccess: members\n---\n"
                                    "![open](open-chart.svg)\n\n<!-- more -->\n\n![closed](closed-chart.svg)\n")
    project.build(jobs=1)
    assert (project.site / "public/analytics/open-chart.svg").is_file()
    assert not (project.site / "public/analytics/closed-chart.svg").exists()
    assert (project.site / "private/analytics/closed-chart.svg").is_file()
    assert not (project.site / "public/en/analytics/closed-chart.svg").exists()  # the English site has its own
    assert (project.site / "private/en/analytics/closed-chart.svg").is_file()
    media = json.loads((project.site / "manifest.json").read_text(encoding="utf-8"))["media"]
    assert media == {"/analytics/closed-chart.svg": "members", "/en/analytics/closed-chart.svg": "members"}


def test_word_sequences_made_by_joining_public_parts_are_not_leaks(project):
    # The catalogue prints page A's title, then page B's title and summary; closed text that happens
    # to read the same way must not fail the build (it is not in the output as one piece of text).
    project.write("technical/a.md", "---\ntitle: Азбука монтажа трековых систем в залах\n---\nТекст.\n")
    project.write("technical/b.md", "---\ntitle: Как правило\nsummary: хватает одного дня работы\n---\nТекст.\n")
    project.write("technical/c.md", "---\ntitle: Эксперимент\naccess: members\nsummary: Открыто.\n---\nНачало.\n\n"
                                    "<!-- more -->\n\nАзбука монтажа трековых систем в залах как правило хватает "
                                    "одного дня работы бригады.\n")
    project.build(jobs=1)
    assert (project.site / "public/technical/c/index.html").is_file()


def test_incremental_scan_rescans_what_changed_after_it_looked(canary, tmp_path):
    prints = fingerprints(load_site(canary.config()))
    page = tmp_path / "page.html"
    page.write_text("<p>open text only</p>")
    scanner = IncrementalScan(tmp_path, prints)
    scanner.step()
    page.write_text(f"<p>{SECRET.format(token='X')}</p> and more")  # rewritten after the first look
    (tmp_path / "gone.html").write_text(f"<p>{SECRET.format(token='X')}</p>")
    scanner.step()
    (tmp_path / "gone.html").unlink()  # leaks in files the build removed do not count
    assert [leak.file for leak in scanner.finish()] == ["page.html"]


def test_every_file_with_the_same_closed_paragraph_is_reported(canary, tmp_path):
    # The scan checks each distinct segment once; a second file with the same one still counts.
    prints = fingerprints(load_site(canary.config()))
    leaked = f"<p>{SECRET.format(token='X')}</p>"
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_text(f"<nav>Меню</nav>{leaked}<footer>Клуб</footer>", encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps({"docs": [{"text": leaked}]}), encoding="utf-8")
    assert sorted(leak.file for leak in scan(tmp_path, prints)) == ["a.html", "b.html", "c.json"]


def test_short_segments_are_never_runs_but_long_ones_are_checked(canary, tmp_path):
    prints = fingerprints(load_site(canary.config()))
    words = SECRET.format(token="X").split()
    cut = "</p><p>".join(" ".join(words[i:i + 4]) for i in range(0, len(words), 4))  # blocks of 4 words
    (tmp_path / "cut.html").write_text(f"<p>{cut}</p>", encoding="utf-8")
    (tmp_path / "whole.html").write_text(f"<div><em>{' '.join(words[3:11])}</em></div>", encoding="utf-8")
    assert [leak.file for leak in scan(tmp_path, prints)] == ["whole.html"]


def test_a_remembered_hit_is_checked_again_when_its_run_became_public(canary, tmp_path):
    prints = fingerprints(load_site(canary.config()))
    (tmp_path / "a.html").write_text(f"<p>{SECRET.format(token='X')}</p>", encoding="utf-8")
    memo: dict = {}
    assert [leak.file for leak in scan(tmp_path, prints, memo=memo)] == ["a.html"]
    words = SECRET.format(token="X").lower().split()
    public = {run for run in prints if " ".join(run) in " ".join(words)}
    fewer = {run: page for run, page in prints.items() if run not in public}
    assert scan(tmp_path, fewer, memo=memo) == []
