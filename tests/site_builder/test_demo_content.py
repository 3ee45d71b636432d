"""The demo content is what the brief promises (documentation that tests check)."""

import re

from site_builder.content import load_site
from tests.conftest import REPO


def demo():
    from site_builder.config import load_config

    return load_site(load_config(REPO / "mkdocs.yml"))


def test_demo_covers_every_section_in_the_promised_amounts():
    site = demo()
    newsletters = site.of_kind("newsletter")
    assert len(newsletters) >= 6
    assert len({n.date.month for n in newsletters}) >= 4  # several months
    assert len({tuple(n.segments) for n in newsletters}) >= 3  # different audiences
    issues = site.of_kind("issue")
    assert len(issues) == 2
    for issue in issues:
        assert len([a for a in site.of_kind("article") if a.issue_dir == issue.rel.rsplit("/", 1)[0]]) >= 3
    assert len(site.of_kind("technical")) >= 6
    reports = site.of_kind("analytics")
    assert len(reports) >= 5 and len([r for r in reports if r.access == "members"]) >= 3
    events = site.of_kind("event")
    assert len(events) >= 4 and any(e.extra["online"] for e in events)
    club = {p.rel.split("/")[-1] for p in site.pages if p.section == "club"}
    assert {"benefits.md", "rules.md", "privileges.md"} <= club


def test_gated_reports_have_a_real_preview():
    for page in demo().gated:
        assert len(page.preview.split()) >= 40, page.display


def test_club_rules_fit_in_fifty_words():
    rules = demo().by_rel()["club/rules.md"]
    assert len(re.findall(r"\w+(?:-\w+)*", rules.body)) <= 50


def test_home_lists_concrete_benefits():
    home = demo().by_rel()["index.md"]
    assert len(home.extra["benefits"]) >= 5
