"""English works too: the club's own strings follow theme.language."""

import pytest

from site_builder.i18n import STRINGS, translator

pytestmark = pytest.mark.slow


def test_every_string_exists_in_both_languages():
    assert STRINGS["ru"].keys() == STRINGS["en"].keys()
    assert translator("en-GB")("sign_in") == "Sign in"
    assert translator("de")("sign_in") == "Войти"


def test_english_site(project):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("language: ru", "language: en"))
    project.write("analytics/r.md", "---\ntitle: Report\nsummary: S\naccess: members\n---\nOpen.\n\n"
                                    "<!-- more -->\n\nClosed.\n")
    project.build(jobs=1)
    page = (project.site / "public/analytics/r/index.html").read_text()
    assert 'lang="en"' in page and "Sign in" in page and "Join the club" in page
    assert "The rest is for club members" in page and "Add company and phone" in page
    assert "For club members" in (project.site / "public/analytics/index.html").read_text()
