"""extra.club.surveys in mkdocs.yml: min_days and open_days, checked by `club check`."""

from __future__ import annotations

from portal.surveys.config import SurveyTerms, check_surveys_config, parse_terms, terms_of


def raw(section) -> dict:
    return {"extra": {"club": {"surveys": section}}}


def test_defaults_and_values():
    assert parse_terms(None) == SurveyTerms(90, 30)
    assert parse_terms({"min_days": 60}) == SurveyTerms(60, 30)
    assert check_surveys_config({}) == [] and check_surveys_config(raw({"min_days": 120, "open_days": 14})) == []


def test_problems_name_the_key():
    assert check_surveys_config(raw("often")) == [
        "extra.club.surveys: a mapping such as {min_days: 90, open_days: 30}, not str"]
    assert check_surveys_config(raw({"min_dayz": 90}))[0].startswith("extra.club.surveys.min_dayz: no such setting")
    for bad in (-1, "90", True, 4000):
        assert check_surveys_config(raw({"min_days": bad}))[0].startswith("extra.club.surveys.min_days:")
    assert check_surveys_config(raw({"open_days": 0}))[0].startswith("extra.club.surveys.open_days:")


def test_a_wrong_section_falls_back_to_defaults():
    class Club:
        raw = {"extra": {"club": {"surveys": {"min_days": "x"}}}}
    assert terms_of(Club()) == SurveyTerms()
    assert terms_of(None) == SurveyTerms()
