"""Validation: every bad input names file:line, says what is wrong and how to fix it."""

import pytest

from site_builder.content import load_site
from site_builder.errors import ContentErrors


def problems(project) -> list[str]:
    with pytest.raises(ContentErrors) as info:
        load_site(project.config())
    return [str(e) for e in info.value.errors]


def test_valid_page_loads_with_kind_url_and_preview(project):
    project.write("analytics/otchet.md", """
        ---
        title: Рынок освещения
        summary: Коротко о рынке.
        access: members
        segments: [distributors]
        ---
        Открытая часть.

        <!-- more -->

        Закрытая часть.
        """)
    site = load_site(project.config())
    page = site.by_rel()["analytics/otchet.md"]
    assert (page.kind, page.section, page.url) == ("analytics", "analytics", "analytics/otchet/")
    assert page.preview.strip() == "Открытая часть."
    assert page.gated_body.strip() == "Закрытая часть."
    assert site.gated == [page]


def test_unknown_access_level_suggests_the_closest(project):
    project.write("technical/a.md", "---\ntitle: A\naccess: member\n---\nText\n")
    [error] = problems(project)
    assert error.startswith("content/technical/a.md:3: unknown access level 'member'")
    assert 'did you mean "members"' in error


def test_unknown_access_fails_closed(project):
    project.write("technical/a.md", "---\ntitle: A\naccess: secret\n---\nText\n")
    site = load_site(project.config(), strict_errors=False)
    assert site.by_rel()["technical/a.md"].is_gated


def test_unknown_segment_lists_known_ones(project):
    project.write("technical/a.md", "---\ntitle: A\nsegments: [installer]\n---\nText\n")
    [error] = problems(project)
    assert error.startswith("content/technical/a.md:3: unknown segment 'installer'")
    assert 'did you mean "installers"' in error and "distributors" in error


def test_segment_written_as_its_russian_label_points_to_the_key(project):
    project.write("technical/a.md", "---\ntitle: A\nsegments: [Дистрибьюторы]\n---\nText\n")
    [error] = problems(project)
    assert 'did you mean "distributors"' in error


def test_unknown_region(project):
    project.write("technical/a.md", "---\ntitle: A\nregions: [moscow]\n---\nText\n")
    [error] = problems(project)
    assert "content/technical/a.md:3: unknown region 'moscow'" in error


def test_bad_date(project):
    project.write("newsletters/2026/a.md", "---\ntitle: A\ndate: 2026-13-40\n---\nText\n")
    [error] = problems(project)
    assert error.startswith("content/newsletters/2026/a.md:3: bad date '2026-13-40'")
    assert "YYYY-MM-DD" in error


def test_missing_title_and_date_are_both_reported(project):
    project.write("newsletters/2026/a.md", "---\nsummary: S\n---\nText\n")
    errors = problems(project)
    assert any("missing `title`" in e for e in errors)
    assert any("missing `date`" in e for e in errors)


def test_unknown_key_suggests_the_right_one(project):
    project.write("technical/a.md", "---\ntitle: A\nacess: members\n---\nText\n")
    errors = problems(project)
    assert any(e.startswith("content/technical/a.md:3: unknown front matter key `acess`") and
               'did you mean "access"' in e for e in errors)


def test_duplicate_slug_is_reported_on_both_files(project):
    project.write("technical/a.md", "---\ntitle: A\nslug: same\n---\nText\n")
    project.write("technical/b.md", "---\ntitle: B\nslug: same\n---\nText\n")
    errors = problems(project)
    assert any(e.startswith("content/technical/a.md:3: duplicate slug: content/technical/b.md") for e in errors)
    assert any(e.startswith("content/technical/b.md:3: duplicate slug: content/technical/a.md") for e in errors)


def test_newsletters_with_the_same_title_in_one_month_collide(project):
    for name in ("a", "b"):
        project.write(f"newsletters/2026/{name}.md", "---\ntitle: Новые светильники\ndate: 2026-11-02\n---\nT\n")
    errors = problems(project)
    assert len(errors) == 2 and all("/newsletters/2026/11/novye-svetilniki/" in e for e in errors)


def test_gated_page_needs_summary_and_marker(project):
    project.write("analytics/a.md", "---\ntitle: A\naccess: members\n---\nAll closed.\n")
    errors = problems(project)
    assert any("content/analytics/a.md:3:" in e and "need a `summary`" in e for e in errors)
    assert any("content/analytics/a.md:5:" in e and "no `<!-- more -->` line" in e for e in errors)


def test_section_index_cannot_be_gated(project):
    project.write("analytics/index.md", "---\ntitle: A\naccess: members\n---\nText\n")
    [error] = problems(project)
    assert "always public" in error


def test_event_rules(project):
    project.write("events/a.md", '---\ntitle: A\nstarts: "2026-12-03 18:00"\nends: "2026-12-03 10:00"\n'
                                 "capacity: 0\n---\nText\n")
    errors = problems(project)
    assert any("content/events/a.md:4: `ends` is before `starts`" in e for e in errors)
    assert any("content/events/a.md:5: `capacity` must be a whole number" in e for e in errors)
    assert any("needs `city:` or `online: true`" in e for e in errors)


def test_bad_event_time(project):
    project.write("events/a.md", '---\ntitle: A\nstarts: "в пятницу"\ncity: Москва\n---\nText\n')
    [error] = problems(project)
    assert error.startswith("content/events/a.md:3: bad date and time") and '"2026-12-03 10:00"' in error


def test_invalid_yaml_points_at_the_line(project):
    project.write("technical/a.md", '---\ntitle: A\nsummary: "oops\ntags: [a]\n---\nText\n')
    [error] = problems(project)
    assert error.startswith("content/technical/a.md:") and "not valid YAML" in error


def test_non_utf8_file(project):
    path = project.content / "technical" / "a.md"
    path.parent.mkdir(parents=True)
    path.write_bytes("---\ntitle: A\n---\nТекст\n".encode("cp1251"))
    [error] = problems(project)
    assert error.startswith("content/technical/a.md:4: file is not UTF-8")


def test_magazine_article_outside_an_issue_folder(project):
    project.write("magazine/a.md", "---\ntitle: A\ndate: 2026-01-01\n---\nText\n")
    errors = problems(project)
    assert any("issue folder" in e for e in errors)


def test_issue_folder_without_index(project):
    project.write("magazine/2026-1/a.md", "---\ntitle: A\ndate: 2026-01-01\n---\nText\n")
    [error] = problems(project)
    assert "has no index.md" in error


def test_bad_explicit_slug(project):
    project.write("technical/a.md", "---\ntitle: A\nslug: Новый слаг\n---\nText\n")
    [error] = problems(project)
    assert "content/technical/a.md:3: slug 'Новый слаг' must be lowercase ASCII" in error


def test_urls_follow_kind(project):
    project.write("newsletters/2026/n.md", "---\ntitle: Новые светильники\ndate: 2026-11-05\n---\nT\n")
    project.write("magazine/2026-osen/index.md", "---\ntitle: Выпуск 2\nissue: 2\ndate: 2026-10-01\n---\nT\n")
    project.write("magazine/2026-osen/st.md", "---\ntitle: Свет в школе\ndate: 2026-10-02\n---\nT\n")
    project.write("technical/Монтаж.md", "---\ntitle: Монтаж\n---\nT\n")
    urls = {p.rel: p.url for p in load_site(project.config()).pages}
    assert urls["newsletters/2026/n.md"] == "newsletters/2026/11/novye-svetilniki/"
    assert urls["magazine/2026-osen/index.md"] == "magazine/2026-osen/"
    assert urls["magazine/2026-osen/st.md"] == "magazine/2026-osen/svet-v-shkole/"
    assert urls["technical/Монтаж.md"] == "technical/montazh/"
    assert urls["index.md"] == ""


def test_section_pages_cannot_change_their_url(project):
    project.write("technical/index.md", "---\ntitle: T\nslug: tech\n---\nText\n")
    [error] = problems(project)
    assert error.startswith("content/technical/index.md:3: home and section pages keep their folder's URL")


def test_front_matter_and_link_problems_come_in_one_run(project):
    from site_builder.build import check

    project.write("technical/a.md", "---\ntitle: A\naccess: member\n---\nSee [b](b.md).\n")
    with pytest.raises(ContentErrors) as info:
        check(project.config(), strict=True)
    messages = [str(e) for e in info.value.errors]
    assert any("unknown access level" in m for m in messages) and any("broken link" in m for m in messages)


# --- newsletters: the e-mail's subject and preheader, the audience ---------------------------------

def newsletter(project, front: str) -> None:
    project.write("newsletters/2026/a.md", f"---\ntitle: Новые светильники\ndate: 2026-11-03\n{front}---\nТекст.\n")


def test_newsletter_audience_and_mail_lines_are_loaded(project):
    newsletter(project, 'subject: "Тема письма"\npreheader: "Строка после темы"\nsegments: [designers]\n'
                        "regions: [ural]\nroles: [purchasing, management]\ntopics: products\n")
    page = load_site(project.config()).by_rel()["newsletters/2026/a.md"]
    assert page.extra == {"subject": "Тема письма", "preheader": "Строка после темы",
                          "roles": ["purchasing", "management"], "topics": ["products"]}
    assert (page.segments, page.regions) == (["designers"], ["ural"])


def test_newsletter_subject_defaults_to_the_title(project):
    newsletter(project, "")
    page = load_site(project.config()).by_rel()["newsletters/2026/a.md"]
    assert page.extra == {"subject": "Новые светильники", "preheader": "", "roles": [], "topics": []}


def test_unknown_role_lists_known_ones(project):
    newsletter(project, "roles: [purchase]\n")
    [error] = problems(project)
    assert error.startswith("content/newsletters/2026/a.md:4: unknown role 'purchase'")
    assert 'did you mean "purchasing"' in error and "management" in error


def test_role_written_as_its_russian_label_points_to_the_key(project):
    newsletter(project, "roles: [Маркетинг]\n")
    [error] = problems(project)
    assert 'did you mean "marketing"' in error


def test_unknown_topic_lists_known_ones(project):
    newsletter(project, "topics: [product]\n")
    [error] = problems(project)
    assert error.startswith("content/newsletters/2026/a.md:4: unknown topic 'product'")
    assert 'did you mean "products"' in error and "regulation" in error


def test_roles_must_be_a_list(project):
    newsletter(project, "roles: {sales: yes}\n")
    [error] = problems(project)
    assert error.startswith("content/newsletters/2026/a.md:4: `roles` must be a list")


def test_roles_and_topics_belong_to_newsletters(project):
    project.write("technical/a.md", "---\ntitle: A\nroles: [sales]\ntopics: [products]\n---\nText\n")
    errors = problems(project)
    assert any(e.startswith("content/technical/a.md:3: unknown front matter key `roles`") for e in errors)
    assert any(e.startswith("content/technical/a.md:4: unknown front matter key `topics`") for e in errors)


def test_subject_over_150_characters(project):
    newsletter(project, f"subject: \"{'Очень длинная тема письма ' * 6}\"\n")  # 155 once trimmed
    [error] = problems(project)
    assert error.startswith("content/newsletters/2026/a.md:4: `subject` is 155 characters long")
    assert "at most 150" in error


def test_preheader_over_150_characters(project):
    newsletter(project, f"preheader: \"{'слово ' * 30}\"\n")
    [error] = problems(project)
    assert error.startswith("content/newsletters/2026/a.md:4: `preheader` is 179 characters long")


def test_subject_at_150_characters_is_fine(project):
    newsletter(project, f"subject: \"{'а' * 150}\"\n")
    assert load_site(project.config()).by_rel()["newsletters/2026/a.md"].extra["subject"] == "а" * 150


def test_subject_on_several_lines(project):
    newsletter(project, "subject: |\n  Первая строка\n  Вторая строка\n")
    [error] = problems(project)
    assert error.startswith("content/newsletters/2026/a.md:4: `subject` must be one line")
