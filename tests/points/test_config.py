"""`extra.club.points` checked as a whole: each part's problems and the keys no part knows."""

import pytest

from portal.points.config import check_points_config


def club(points):
    return {"extra": {"club": {"points": points}}}


def test_no_section_and_the_repositorys_own_section_are_fine():
    from pathlib import Path

    import yaml
    assert check_points_config({}) == []
    assert check_points_config({"extra": {"club": {}}}) == []
    raw = yaml.compose(Path("mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    assert raw is not None  # the file parses; its points section is checked through load_config below
    from site_builder.config import load_config
    assert check_points_config(load_config("mkdocs.yml").raw) == []


def test_every_part_is_checked_and_each_problem_names_its_key():
    problems = check_points_config(club({"roubles_per_point": 0, "expiry_months": 0, "expiry_month": 12}))
    assert problems[0].startswith("extra.club.points.expiry_month: no such setting")
    assert any(p.startswith("extra.club.points.roubles_per_point:") for p in problems)
    assert any(p.startswith("extra.club.points.expiry_months:") for p in problems)
    assert len(problems) == 3


@pytest.mark.parametrize("section", [[], "500", 5])
def test_a_section_that_is_not_a_mapping(section):
    (problem,) = check_points_config(club(section))
    assert problem.startswith("extra.club.points: a mapping")


def test_the_terms_and_the_rule_share_the_section():
    assert check_points_config(club({"roubles_per_point": 1000, "expiry_months": 12, "warning_days": 60})) == []
