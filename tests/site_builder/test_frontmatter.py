import pytest

from site_builder.frontmatter import FrontMatterError, parse


def test_keys_carry_their_file_lines():
    fm = parse("---\ntitle: A\n\naccess: members\n---\nBody\n")
    assert fm.data == {"title": "A", "access": "members"}
    assert fm.line_of("title") == 2
    assert fm.line_of("access") == 4
    assert fm.body == "Body\n"
    assert fm.body_line == 6


def test_no_front_matter_is_all_body():
    fm = parse("Just text\n")
    assert fm.data == {} and fm.body == "Just text\n"


def test_bad_yaml_names_the_line():
    with pytest.raises(FrontMatterError) as info:
        parse("---\ntitle: A\nsummary: \"unclosed\n---\n")
    assert info.value.line >= 3
    assert "not valid YAML" in info.value.message


def test_unterminated_front_matter():
    with pytest.raises(FrontMatterError, match="never ends"):
        parse("---\ntitle: A\n")


def test_front_matter_must_be_a_mapping():
    with pytest.raises(FrontMatterError, match="mapping"):
        parse("---\n- a\n- b\n---\n")


def test_audience_lists_and_a_multi_line_value_keep_their_lines():
    # The model reports `roles`/`topics` problems and a subject written over several lines at these lines.
    fm = parse("---\ntitle: A\nsubject: |\n  one\n  two\nroles: [sales]\ntopics:\n  - products\n---\nBody\n")
    assert fm.data["subject"] == "one\ntwo\n"
    assert fm.data["roles"] == ["sales"] and fm.data["topics"] == ["products"]
    assert (fm.line_of("subject"), fm.line_of("roles"), fm.line_of("topics")) == (3, 6, 7)
