"""portal/core/settings.py: what the portal reads from CLUB_* and what it takes when they are unset."""

from email.utils import parseaddr

from portal.core.settings import club_sender, load_settings

KEY = {"CLUB_SECRET_KEY": "k" * 40}


def test_the_sender_is_named_after_the_club_when_unset(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Клуб партнёров «Лиор»\ntheme:\n  name: material\n", encoding="utf-8")
    settings = load_settings(env_file=None, environ_={**KEY, "CLUB_CONFIG": str(config)}, var_dir=tmp_path)
    assert parseaddr(settings.mail_from) == ("Клуб партнёров «Лиор»", "club@localhost")


def test_an_explicit_sender_wins(tmp_path):
    environ = {**KEY, "CLUB_MAIL_FROM": "Lior <club@lior.example>", "CLUB_CONFIG": str(tmp_path / "none.yml")}
    assert load_settings(env_file=None, environ_=environ, var_dir=tmp_path).mail_from == "Lior <club@lior.example>"


def test_a_name_with_specials_is_quoted_and_parses_back(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: 'Lior, Partner Club <Pro>'\n", encoding="utf-8")
    assert parseaddr(club_sender(config)) == ("Lior, Partner Club <Pro>", "club@localhost")


def test_no_config_or_no_name_gives_a_neutral_sender(tmp_path):
    assert club_sender(tmp_path / "missing.yml") == "Partner Club <club@localhost>"
    (tmp_path / "empty.yml").write_text("theme: {name: material}\n", encoding="utf-8")
    assert club_sender(tmp_path / "empty.yml") == "Partner Club <club@localhost>"
