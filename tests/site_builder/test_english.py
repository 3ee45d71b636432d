"""The English site, built: /en/ in English words, the language switch, and fail closed in both languages."""

import json

import pytest

from site_builder.build import LeakError, build_modes, out_dir, publish
from site_builder.content import load_site
from site_builder.plugin import PRELOADED

pytestmark = pytest.mark.slow

SECRET = ("The closed paragraph {token} reveals the dealer discount of eighteen per cent and the launch "
          "plan of the new floodlight series by spring")
RU_SECRET = ("Закрытый абзац {token} раскрывает дилерские скидки восемнадцать процентов и план выпуска "
             "новой серии прожекторов к весне")
PAGES = {
    "index.en.md": "---\ntitle: The club\nbenefits:\n  - {title: News first, text: Hear about new products early.}\n"
                   "---\nWelcome to the club.\n",
    "analytics/c.md": "---\ntitle: Канарейка аналитики\nsummary: Открытое описание.\naccess: members\n---\n"
                      "Открытое начало.\n\n<!-- more -->\n\n" + RU_SECRET.format(token="RUKANAREIKA") + ".\n",
    "analytics/c.en.md": "---\ntitle: Analytics canary\nsummary: An open description.\naccess: members\n---\n"
                         "The open beginning.\n\n<!-- more -->\n\n## Part ENCANARYX\n\n"
                         + SECRET.format(token="ENCANARY") + ".\n\n| Figure | ENCANARYTABLE |\n|---|---|\n",
    "technical/t.md": "---\ntitle: Памятка монтажника\nsummary: Коротко о монтаже.\n---\nТекст памятки о монтаже.\n",
}


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory):
    from tests.conftest import MINIMAL, new_project

    project = new_project(tmp_path_factory.mktemp("english") / "proj")
    for rel, text in {**MINIMAL, **PAGES}.items():
        project.write(rel, text)
    project.build()
    return project


def page(project, url: str) -> str:
    return (project.site / "public" / url / "index.html").read_text(encoding="utf-8")


def test_english_pages_are_under_en_in_english_words(bilingual):
    home = page(bilingual, "en")
    assert '<html lang="en"' in home and "The club" in home and "News first" in home
    assert "Join the club" in home and "Вступить" not in home  # the generated hero and the header
    analytics = page(bilingual, "en/analytics")
    assert "Market analytics" in analytics and "Analytics canary" in analytics and "For club members" in analytics
    assert '<html lang="ru"' in page(bilingual, "") and "Аналитика рынка" in page(bilingual, "analytics")


def test_an_untranslated_page_keeps_its_russian_text_with_a_note_in_the_english_shell(bilingual):
    memo = page(bilingual, "en/technical/t")
    assert "This page is not translated yet" in memo and "Текст памятки о монтаже" in memo
    assert '<html lang="en"' in memo and "Technical materials" in memo
    assert "not translated" not in page(bilingual, "technical/t")


def test_every_page_has_the_switch_to_the_same_page_in_the_other_language(bilingual):
    public = bilingual.site / "public"
    for path in public.rglob("index.html"):
        url = path.parent.relative_to(public).as_posix()
        url = "" if url == "." else url + "/"
        plain = url.removeprefix("en/")
        html = path.read_text(encoding="utf-8")
        assert f'href="/{plain}" hreflang="ru"' in html, url
        assert f'href="/en/{plain}" hreflang="en"' in html, url
        assert (public / "en" / plain / "index.html").is_file() and (public / plain / "index.html").is_file(), url


def test_english_closed_text_stays_out_of_public_output_and_reaches_members(bilingual):
    public = bilingual.public_text()
    for token in (b"ENCANARY", b"RUKANAREIKA"):
        assert [name for name, data in public.items() if token in data] == []
    teaser = page(bilingual, "en/analytics/c")
    assert "The open beginning" in teaser and "The rest is for club members" in teaser
    assert "lang=en&amp;next=/en/analytics/c/" in teaser  # back to the English page after signing in
    members = (bilingual.site / "private/en/analytics/c/index.html").read_text(encoding="utf-8")
    assert "ENCANARYTABLE" in members and "RUKANAREIKA" not in members
    index = json.loads((bilingual.site / "private/en/search/search_index.json").read_text(encoding="utf-8"))
    assert any("ENCANARY" in doc["text"] for doc in index["docs"])
    assert not (bilingual.site / "public/en/search/search_index.json").read_text().count("ENCANARY")


def test_the_manifest_gates_the_english_page_at_its_en_url(bilingual):
    pages = json.loads((bilingual.site / "manifest.json").read_text(encoding="utf-8"))["pages"]
    entry = pages["/en/analytics/c/"]
    assert (entry["access"], entry["title"], entry["file"]) == ("members", "Analytics canary",
                                                                 "en/analytics/c/index.html")
    assert "The open beginning" in entry["preview_html"] and "ENCANARY" not in entry["preview_html"]
    assert pages["/analytics/c/"]["title"] == "Канарейка аналитики"


def test_closed_text_of_either_language_in_the_english_output_fails_the_build(bilingual):
    site = load_site(bilingual.config())
    PRELOADED[str(site.config.config_file)] = site
    build_modes(site.config, strict=False, jobs=1, progress=lambda _: None, modes=("public", "public-en"))
    for secret in (SECRET.format(token="X"), RU_SECRET.format(token="X")):
        leaked = out_dir(site.config, "public") / "en" / "leak" / "index.html"
        leaked.parent.mkdir(exist_ok=True)
        leaked.write_text(f"<p>{secret}</p>", encoding="utf-8")
        with pytest.raises(LeakError) as info:
            publish(site, lambda _: None, swap=True)
        assert "en/leak/index.html" in str(info.value) and "content/analytics/c" in str(info.value)
        assert not (bilingual.site / "public" / "en" / "leak").exists()
