"""`club build` writes the e-mail of every newsletter to site/mail/ in the portal's MailArtefact shape.

One project is built per module (two more for the English site and for the bad-input builds):
a public newsletter with a table, a list, an admonition, an image and links of every kind, a
members-only one with a canary sentence below `<!-- more -->`, and a registered-only one.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from site_builder.build import MailLeakError
from site_builder.content import load_site
from site_builder.contract import CLUB_BASE, PLACEHOLDER, MailArtefact, list_artefacts, load_artefact
from site_builder.newsletter_mail import render_mail
from tests.conftest import MINIMAL, Project, new_project

pytestmark = pytest.mark.slow

SITE_URL = "http://127.0.0.1:8000/"  # site_url of the repository's mkdocs.yml: never in a letter
SITE = "/"  # a letter's addresses on the club are site paths; the portal adds CLUB_BASE_URL when it sends
CANARY = "Канарейка поёт только для участников клуба в закрытой части этого письма"
CLOSED_LINK = "https://example.com/closed-price.xlsx"
PUBLIC = "newsletters/2026/11/otkrytoe-pismo"
MEMBERS = "newsletters/2026/11/zakrytoe-pismo"
REGISTERED = "newsletters/2026/10/dlya-zaregistrirovannykh"


def png() -> bytes:
    """A valid 1x1 PNG, so MkDocs copies a real image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


FILES = {
    "technical/montazh.md": "---\ntitle: Монтаж\n---\nКак монтировать.\n",
    "newsletters/2026/otkrytoe.md": """
        ---
        title: Открытое письмо
        slug: otkrytoe-pismo
        date: 2026-11-03
        summary: Коротко о новинках для всех партнёров.
        subject: Новинки ноября
        preheader: Три светильника и одна таблица
        segments: [installers]
        regions: [ural, siberia]
        roles: [engineering]
        topics: [products, installation]
        ---

        Вступление со [ссылкой на материал](../../technical/montazh.md) и [сайтом завода](https://example.com/zavod?a=1&b=2).

        ![Схема подключения](img/schema.png){ width="300" }

        ## Что нового

        - Первый пункт списка
        - Второй пункт со [ссылкой на материал](../../technical/montazh.md)

        Порядок действий:

        1. Шаг один
        2. Шаг два

        | Модель | Мощность, Вт |
        | --- | ---: |
        | «Офис-Лайн 2» | 29 |
        | «Цех-М» | 120 |

        !!! warning "Проверьте заземление"
            Без заземления гарантия не действует.

        Вопросы — на [почту отдела](mailto:partners@example.com).

        Шаблон письма сам подставляет {{club:pixel}} и {{club:unsubscribe}}, а текст страницы — нет.
        """,
    "newsletters/2026/zakrytoe.md": f"""
        ---
        title: Закрытое письмо
        slug: zakrytoe-pismo
        date: 2026-11-05
        summary: Новые условия для дистрибьюторов.
        subject: Условия 2027 года
        preheader: Что меняется с января
        access: members
        segments: [distributors]
        ---

        Открытое начало письма: об условиях расскажем ниже.

        <!-- more -->

        {CANARY}.

        [Закрытый прайс]({CLOSED_LINK})
        """,
    "newsletters/2026/dlya-zaregistrirovannykh.md": """
        ---
        title: Для зарегистрированных
        slug: dlya-zaregistrirovannykh
        date: 2026-10-20
        summary: Разбор новых норм для тех, кто в клубе.
        access: registered
        ---

        Начало разбора видно всем.

        <!-- more -->

        Остальной разбор открыт только зарегистрированным читателям клуба после входа на сайт.
        """,
}


def make_project(root: Path, files: dict[str, str], language: str = "ru") -> Project:
    project = new_project(root)
    if language != "ru":
        config = project.root / "mkdocs.yml"
        config.write_text(config.read_text().replace("  language: ru ", f"  language: {language} ", 1))
    for rel, text in {**MINIMAL, **files}.items():
        project.write(rel, text)
    (project.content / "newsletters/2026/img").mkdir(parents=True, exist_ok=True)
    (project.content / "newsletters/2026/img/schema.png").write_bytes(png())
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Project:
    project = make_project(tmp_path_factory.mktemp("mail") / "proj", FILES)
    project.build(strict=True)
    return project


def mail(project: Project, page: str) -> MailArtefact:
    return load_artefact(project.site, page)


def used_links(mail_: MailArtefact, text: str) -> list[str]:
    return [mail_.links[int(m.group(2))] for m in PLACEHOLDER.finditer(text) if m.group(2) is not None]


# --- shape ---------------------------------------------------------------------------------------

def test_every_newsletter_has_a_letter_the_portal_loads(built):
    letters = {m.page: m for m in list_artefacts(built.site)[0]}
    assert set(letters) == {PUBLIC, MEMBERS, REGISTERED}
    letter = letters[PUBLIC]
    assert (letter.url, letter.source) == (SITE + PUBLIC + "/", "content/newsletters/2026/otkrytoe.md")
    assert (letter.title, letter.subject, letter.preheader) == ("Открытое письмо", "Новинки ноября",
                                                               "Три светильника и одна таблица")
    assert (letter.date, letter.language, letter.access) == ("2026-11-03", "ru", "public")
    assert letter.audience == {"segments": ["installers"], "regions": ["ural", "siberia"],
                               "roles": ["engineering"], "topics": ["products", "installation"]}
    assert letters[MEMBERS].audience == {"segments": ["distributors"], "regions": [], "roles": [], "topics": []}
    assert mail(built, SITE_URL + MEMBERS + "/") == letters[MEMBERS]  # any form of the page's address


def test_files_are_exactly_to_json(built):
    for letter in list_artefacts(built.site)[0]:
        assert (built.site / "mail" / f"{letter.page}.json").read_text(encoding="utf-8") == letter.to_json()


def test_index_lists_the_letters_newest_first(built):
    index = json.loads((built.site / "mail" / "index.json").read_text(encoding="utf-8"))
    assert [m["page"] for m in index["mails"]] == [MEMBERS, PUBLIC, REGISTERED]
    first = index["mails"][0]
    assert (first["file"], first["source"], first["access"]) == (MEMBERS + ".json", "content/newsletters/2026/"
                                                                 "zakrytoe.md", "members")


def test_subject_defaults_to_the_title_and_preheader_to_the_summary(built):
    letter = mail(built, REGISTERED)
    assert (letter.subject, letter.preheader) == ("Для зарегистрированных", "Разбор новых норм для тех, кто в клубе.")


# --- HTML that survives mail clients -------------------------------------------------------------

def test_placeholders_in_both_parts(built):
    for letter in list_artefacts(built.site)[0]:
        for variant in filter(None, (letter.full, letter.preview)):
            for part in (variant.html, variant.text):
                assert "{{club:name}}" in part and "{{club:recipient}}" in part and "{{club:unsubscribe}}" in part
            assert "Здравствуйте, {{club:name}}!" in variant.html and "Здравствуйте, {{club:name}}!" in variant.text
            assert "Письмо для {{club:recipient}}" in variant.html
            assert re.search(r"\{\{club:pixel\}\}\s*</body></html>\s*$", variant.html)  # the very end
            assert "{{club:pixel}}" not in variant.text
            assert 'href="{{club:unsubscribe}}"' in variant.html  # visible, not only in the headers


def test_every_web_link_is_a_numbered_placeholder(built):
    letter = mail(built, PUBLIC)
    hrefs = re.findall(r'href="([^"]*)"', letter.full.html)
    assert hrefs and all(h.startswith(("{{club:link:", "mailto:")) or h == "{{club:unsubscribe}}" for h in hrefs)
    assert "mailto:partners@example.com" in hrefs  # not tracked
    assert all(link.startswith(SITE) or link.startswith("https://example.com/") for link in letter.links)
    assert len(letter.links) == len(set(letter.links))  # the same address twice is one link
    assert SITE + "technical/montazh/" in letter.links
    assert "https://example.com/zavod?a=1&b=2" in letter.links  # unescaped, as the browser will ask for it
    assert SITE + "account/newsletters" in letter.links  # the cabinet's newsletter settings
    assert used_links(letter, letter.full.html + letter.full.text)
    assert set(used_links(letter, letter.full.html)) == set(letter.links)


def test_placeholders_typed_into_a_page_stay_text(built):
    letter = mail(built, PUBLIC)
    assert letter.full.html.count("{{club:pixel}}") == 1 and "{{club:pixel}}" not in letter.full.text
    for part in (letter.full.html, letter.full.text):
        assert part.count("{{club:unsubscribe}}") == 1  # the template's own
        assert "подставляет {\u200b{club:pixel}}" in part.replace("&#8203;", "\u200b")


def test_images_start_with_the_portals_address(built):
    html = mail(built, PUBLIC).full.html
    sources = re.findall(r'<img[^>]* src="([^"]*)"', html)
    assert sources == [CLUB_BASE + "/newsletters/2026/img/schema.png"]
    assert 'width="300"' in html  # attr_list, as on the site
    assert not re.search(r'(?:href|src)="(?!https?://|mailto:|\{\{club:)', html)


def test_content_styles_are_inline(built):
    html = mail(built, PUBLIC).full.html
    content = html[html.index('class="nl-content"'):html.index('class="nl-buttons"')]  # the page's own HTML
    for tag in ("p", "h2", "table", "td", "th", "li", "a", "img"):
        opening = re.findall(rf"<{tag}\b[^>]*>", content)
        assert opening and all("style=" in o for o in opening), tag
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    # Only @media rules are left for the clients that read them; nothing else relies on <style>.
    assert len(styles) == 1 and re.sub(r"@media[^{]*\{(?:[^{}]*\{[^}]*\})*\s*\}", "", styles[0]).strip() == ""
    assert "@media (prefers-color-scheme: dark)" in styles[0]


def test_layout_is_mail_safe(built):
    html = mail(built, PUBLIC).full.html
    assert '<meta name="color-scheme" content="light dark">' in html
    assert '<meta name="supported-color-schemes" content="light dark">' in html
    assert 'role="presentation"' in html and "max-width: 600px" in html
    assert '<div class="nl-preheader" style="display:none;' in html and ">Три светильника и одна таблица" in html
    assert "<svg" not in html and "<script" not in html and "headerlink" not in html
    assert 'class="admonition warning"' in html and "Проверьте заземление" in html  # admonitions as on the site
    assert "Читать на сайте" in html and "Отписаться от рассылки" in html


# --- gating --------------------------------------------------------------------------------------

def test_public_page_has_no_preview(built):
    assert mail(built, PUBLIC).preview is None


def test_preview_never_contains_the_closed_text(built):
    letter = mail(built, MEMBERS)
    assert CANARY in letter.full.html and CANARY in letter.full.text.replace("\n", " ")
    for part in (letter.preview.html, letter.preview.text, letter.preview.text.replace("\n", " ")):
        assert "Канарейка" not in part and "closed-price" not in part
    assert CLOSED_LINK in letter.links  # the full letter's link ...
    assert CLOSED_LINK not in used_links(letter, letter.preview.html + letter.preview.text)  # ... not the preview's


def test_preview_shows_what_the_public_site_shows_and_the_way_in(built):
    letter = mail(built, MEMBERS)
    public_page = (built.site / "public" / MEMBERS / "index.html").read_text(encoding="utf-8")
    for part in (letter.preview.html, letter.preview.text):
        assert "Открытое начало письма" in part and "Закрытое письмо" in part
        assert "Новые условия для дистрибьюторов." in part  # the summary
        assert "Продолжение — для участников клуба" in part
    assert "Открытое начало письма" in public_page
    ways = used_links(letter, letter.preview.html)
    assert SITE + "account/profile?next=/" + MEMBERS + "/" in ways
    assert SITE + "account/login?next=/" + MEMBERS + "/" in ways
    assert letter.url in ways and letter.url in used_links(letter, letter.preview.text)
    assert "Указать компанию и телефон" in letter.preview.html


def test_registered_preview_asks_to_register(built):
    letter = mail(built, REGISTERED)
    assert "Остальной разбор" in letter.full.html and "Остальной разбор" not in letter.preview.html
    assert SITE + "account/register?next=/" + REGISTERED + "/" in used_links(letter, letter.preview.html)
    assert "Зарегистрироваться" in letter.preview.text


# --- the plain-text part -------------------------------------------------------------------------

def test_text_part_is_readable(built):
    letter = mail(built, PUBLIC)
    text = letter.full.text
    assert "<" not in text.replace("<!--", "") and "&nbsp;" not in text and "&amp;" not in text
    assert "Открытое письмо\n===============" in text
    assert "Что нового\n----------" in text
    assert "- Первый пункт списка\n- Второй пункт" in text
    assert "1. Шаг один\n2. Шаг два" in text
    table = re.search(r"^Модель +Мощность, Вт\n-+ +-+\n«Офис-Лайн 2» +29\n«Цех-М» +120$", text, re.M)
    assert table, text
    assert "| Проверьте заземление\n|\n| Без заземления гарантия не действует." in text
    assert "[Схема подключения]" in text
    link = letter.links.index(SITE + "technical/montazh/")
    assert f"Вступление со ссылкой на материал ({{{{club:link:{link}}}}})" in text
    assert "почту отдела (partners@example.com)" in text
    assert all(len(line) <= 72 or "{{club:" in line for line in text.splitlines())
    assert "Отписаться от рассылки: {{club:unsubscribe}}" in text


# --- never published -----------------------------------------------------------------------------

def test_mail_is_outside_what_the_portal_serves(built, settings):
    from portal.app import create_app

    assert (built.site / "mail" / (MEMBERS + ".json")).is_file()
    for folder in ("public", "private"):
        files = [p for p in (built.site / folder).rglob("*") if p.is_file() and p.suffix in (".html", ".json")]
        assert not any("{{club:recipient}}" in p.read_text(encoding="utf-8") for p in files)  # no letter there
    app = create_app(settings, site_dir=built.site)
    try:
        with TestClient(app, base_url="http://127.0.0.1:8000") as client:
            for path in ("/mail/index.json", f"/mail/{MEMBERS}.json", f"/../mail/{MEMBERS}.json",
                         f"/%2e%2e/mail/{MEMBERS}.json"):
                response = client.get(path)
                assert response.status_code == 404 and CANARY not in response.text, path
    finally:
        app.state.portal.db.conn.close()


# --- English site ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Project:
    files = {rel: FILES[rel] for rel in ("technical/montazh.md", "newsletters/2026/otkrytoe.md",
                                         "newsletters/2026/zakrytoe.md")}
    project = make_project(tmp_path_factory.mktemp("mail-en") / "proj", files, language="en")
    project.build()
    return project


def test_english_site_writes_english_letters(english):
    letter = mail(english, MEMBERS)
    assert letter.language == "en" and '<html lang="en"' in letter.full.html
    for part in (letter.full.html, letter.full.text):
        assert "Hello, {{club:name}}!" in part and "This letter is for {{club:recipient}}" in part
        assert "Unsubscribe" in part and "Здравствуйте" not in part and "Отписаться" not in part
    assert "Read on the site" in letter.full.html and "November 5, 2026" in letter.full.html
    assert "The rest is for club members" in letter.preview.text and "Add company and phone" in letter.preview.html


# --- builds that must fail, and rebuilds -------------------------------------------------------------

def test_a_preheader_that_repeats_closed_text_stops_the_build(project):
    project.write("newsletters/2026/zakrytoe.md", FILES["newsletters/2026/zakrytoe.md"].replace(
        "preheader: Что меняется с января", f"preheader: {CANARY}"))
    with pytest.raises(MailLeakError) as info:
        project.build()
    message = str(info.value)
    assert "would go by e-mail to readers who may not read it" in message
    assert f"mail/{MEMBERS}.json (preheader): contains closed text of content/newsletters/2026/zakrytoe.md" in message
    assert not (project.site / "mail").exists() and not (project.site / "public").exists()


def test_an_image_only_in_the_closed_part_is_reported(project):
    from site_builder.build import build

    closed_image = "\n        ![План](plan.png)\n"  # indented like FILES, which project.write dedents
    project.write("newsletters/2026/zakrytoe.md", FILES["newsletters/2026/zakrytoe.md"] + closed_image)
    (project.content / "newsletters/2026/plan.png").write_bytes(png())
    lines: list[str] = []
    build(project.config(), progress=lines.append)
    [warning] = [line for line in lines if line.startswith("warning:")]
    assert warning.startswith("warning: content/newsletters/2026/zakrytoe.md: the image /newsletters/2026/"
                              "plan.png is linked only below <!-- more -->, so mail clients cannot load it")
    assert "[План]" in mail(project, MEMBERS).full.text


def test_rebuild_keeps_unchanged_letters_and_drops_deleted_ones(project):
    for rel in ("newsletters/2026/zakrytoe.md", "newsletters/2026/dlya-zaregistrirovannykh.md"):
        project.write(rel, FILES[rel])
    project.build()
    kept = project.site / "mail" / (MEMBERS + ".json")
    before = kept.stat().st_mtime_ns
    (project.content / "newsletters/2026/dlya-zaregistrirovannykh.md").unlink()
    project.build()
    assert kept.stat().st_mtime_ns == before
    assert not (project.site / "mail" / (REGISTERED + ".json")).exists()
    index = json.loads((project.site / "mail" / "index.json").read_text(encoding="utf-8"))
    assert [m["page"] for m in index["mails"]] == [MEMBERS]
    site = load_site(project.config())
    assert render_mail(site).fresh == set()  # nothing changed: every letter comes from the cache
    kept.unlink()  # a letter lost on disk is made again, whatever the cache says
    project.build()
    assert kept.is_file() and mail(project, MEMBERS).title == "Закрытое письмо"


def test_letters_made_during_the_build_equal_letters_made_after_it(built):
    from site_builder.newsletter_mail import Prerender

    site = load_site(built.config())
    (built.root / ".cache/club/mail-digests.json").unlink()  # as on a first build: nothing on disk counts
    early = Prerender(site)
    early.step(budget=60)  # reads the public build's stream of rendered pages
    assert len(early.done) == 3
    mails = render_mail(site, early)
    assert mails.fresh == {PUBLIC, MEMBERS, REGISTERED}
    assert {id(m) for m in mails.artefacts} == {id(m) for m in early.done.values()}  # taken, not made again
    assert [m.to_json() for m in mails.artefacts] == [m.to_json() for m in render_mail(site).artefacts]


def test_the_stream_reader_takes_only_finished_lines(project):
    from site_builder.mail_inputs import StreamReader, stream_capture, stream_file

    config = project.config()
    stream_capture(config, "", "", start=True)
    stream_capture(config, "newsletters/a/", "<p>A</p>")
    with stream_file(config).open("a", encoding="utf-8") as handle:
        handle.write('{"url": "newsletters/b/", "ht')  # the build is writing this line right now
    reader = StreamReader(config)
    assert reader.new() == {"newsletters/a/": "<p>A</p>"}
    with stream_file(config).open("a", encoding="utf-8") as handle:
        handle.write('ml": "<p>B</p>"}\n')
    assert reader.new() == {"newsletters/b/": "<p>B</p>"} and reader.new() == {}
