"""English pages (`x.en.md` beside `x.md`): what `club check` says about them, and the English view."""

from site_builder.build import check, link_errors
from site_builder.content import english_site, load_site
from site_builder.errors import ContentErrors
from site_builder.i18n import alternates
from site_builder.translations import UNTRANSLATED_NOTE

GATED = ("---\ntitle: Отчёт\nsummary: Коротко.\naccess: members\nsegments: [distributors]\n---\n"
         "Открытое начало.\n\n<!-- more -->\n\nЗакрытая часть.\n")


def errors_of(project) -> list[str]:
    return [str(e) for e in load_site(project.config(), strict_errors=False).errors]


def test_a_translation_without_its_page_is_named_with_its_line(project):
    project.write("technical/x.en.md", "---\ntitle: Orphan\n---\nText.\n")
    assert errors_of(project) == ["content/technical/x.en.md:1: translation without its page: x.md is missing "
                                  "next to it; write the Russian page first (the English one translates it)"]


def test_an_access_level_that_differs_from_the_russian_page_is_an_error_and_the_stricter_wins(project):
    project.write("analytics/r.md", GATED.replace("access: members", "access: registered"))
    project.write("analytics/r.en.md", "---\ntitle: Report\nsummary: Short.\naccess: members\n---\n"
                                       "Open start.\n\n<!-- more -->\n\nClosed part.\n")
    project.write("technical/p.md", "---\ntitle: Памятка\n---\nТекст.\n")
    project.write("technical/p.en.md", "---\ntitle: Memo\nsummary: Short.\naccess: members\n---\nOpen.\n\n"
                                       "<!-- more -->\n\nClosed.\n")
    site = load_site(project.config(), strict_errors=False)
    assert [str(e) for e in site.errors] == [
        "content/analytics/r.en.md:4: `access: members` differs from content/analytics/r.md (`access: registered`); "
        "a translation has the access level of its page: write the same one",
        "content/technical/p.en.md:4: `access: members` differs from content/technical/p.md (`access: public`); "
        "a translation has the access level of its page: write the same one"]
    by_rel = site.by_rel()
    assert by_rel["technical/p.md"].access == "members"  # fail closed: nothing public until it is fixed
    assert by_rel["analytics/r.md"].access == "members"


def test_a_public_translation_of_a_gated_page_is_refused(project):
    project.write("analytics/r.md", GATED)
    project.write("analytics/r.en.md", "---\ntitle: Report\n---\nEverything, for everyone.\n")
    assert errors_of(project) == [
        "content/analytics/r.en.md:1: `access: public` differs from content/analytics/r.md (`access: members`); "
        "a translation has the access level of its page: write the same one",
        # read as members-only (the stricter level), it also needs the line that ends its public part
        "content/analytics/r.en.md:4: `access: members` page has no `<!-- more -->` line: put it after the "
        "paragraphs that everyone may read; everything below it is for readers with access"]


def test_a_translation_sets_words_only_and_a_gated_one_needs_its_marker(project):
    project.write("analytics/r.md", GATED)
    project.write("analytics/r.en.md", "---\ntitle: Report\ndate: 2026-01-01\nsegments: [distributors]\n"
                                       "access: members\n---\nAll closed, no marker.\n")
    assert errors_of(project) == [
        "content/analytics/r.en.md:3: `date` cannot be set in a translation (it stays the Russian page's); "
        "a translation may set: access, benefits, summary, tags, title",
        "content/analytics/r.en.md:4: `segments` cannot be set in a translation (it stays the Russian page's); "
        "a translation may set: access, benefits, summary, tags, title",
        "content/analytics/r.en.md:7: `access: members` page has no `<!-- more -->` line: put it after the "
        "paragraphs that everyone may read; everything below it is for readers with access"]


def test_club_check_fails_on_translation_problems_and_checks_their_links(project):
    project.write("technical/p.md", "---\ntitle: Памятка\n---\nТекст.\n")
    project.write("technical/p.en.md", "---\ntitle: Memo\n---\nSee [the rules](../club/rules.md).\n")
    site = check(project.config())
    assert [str(e) for e in link_errors(site)][0].startswith("content/technical/p.en.md:4: ")
    project.write("technical/q.en.md", "---\ntitle: Orphan\n---\n")
    try:
        check(project.config())
    except ContentErrors as exc:
        assert "content/technical/q.en.md:1: translation without its page" in str(exc)
    else:
        raise AssertionError("club check passed an orphan translation")


def test_the_english_site_has_the_translated_words_and_a_note_where_there_are_none(project):
    project.write("index.en.md", "---\ntitle: The club\nbenefits:\n  - {title: News first, text: Hear it early.}\n"
                                 "---\nWelcome.\n")
    project.write("analytics/r.md", GATED)
    project.write("analytics/r.en.md", "---\ntitle: Report\nsummary: Short.\naccess: members\n---\nOpen start.\n\n"
                                       "<!-- more -->\n\nClosed part.\n")
    project.write("technical/p.md", "---\ntitle: Памятка\n---\nТекст памятки.\n")
    site = load_site(project.config())
    english = english_site(site)
    pages = english.by_rel()
    assert (pages["index.md"].title, pages["index.md"].extra["benefits"][0]["title"]) == ("The club", "News first")
    assert (pages["analytics/r.md"].title, pages["analytics/r.md"].gated_body.strip()) == ("Report", "Closed part.")
    assert pages["analytics/r.md"].url == site.by_rel()["analytics/r.md"].url  # the same URL, under /en/
    assert pages["technical/p.md"].body == UNTRANSLATED_NOTE + "Текст памятки.\n"
    assert pages["technical/p.md"].title == "Памятка"
    assert english.config.language == "en" and english.config.segments["distributors"] == "Distributors"
    assert site.by_rel()["index.md"].title == "Клуб"  # the Russian site is untouched
    assert english_site(site) is english  # made once per loaded site


def test_the_language_switch_keeps_the_reader_on_the_same_page():
    assert alternates("http://127.0.0.1:8000/", "magazine/x/", "ru") == [
        {"name": "Русский", "lang": "ru", "link": "/magazine/x/"},
        {"name": "English", "lang": "en", "link": "/en/magazine/x/"}]
    assert [a["link"] for a in alternates("https://club.example/site/", "", "en")] == ["/site/", "/site/en/"]
    # Category pages are named by a label that differs between languages: the switch goes to the section.
    links = [a["link"] for a in alternates("http://h/", "newsletters/category/distribyutory/", "ru")]
    assert links == ["/newsletters/", "/en/newsletters/"]
