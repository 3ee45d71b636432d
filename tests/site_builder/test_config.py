"""site_builder/config.py: where a setting is written in mkdocs.yml (key_line)."""

from site_builder.config import key_line

YML = """site_name: Club
plugins:
  - search
  - material/blog:
      enabled: true
extra:
  emoji: !!python/name:material.extensions.emoji.twemoji
  club:
    points:
      rounding: up
      bonuses:
        - {from: 2026-01-01, until: 2026-01-31, multiplier: 2}
        - from: x
          until: 2026-01-31
"""


def test_the_line_of_a_key_a_list_position_and_the_nearest_parent(tmp_path):
    path = tmp_path / "mkdocs.yml"
    path.write_text(YML, encoding="utf-8")
    assert key_line(path, "extra.club.points.rounding") == 10
    assert key_line(path, "extra.club.points.bonuses[1]") == 12
    assert key_line(path, "extra.club.points.bonuses[2].until") == 14  # positions count from 1
    assert key_line(path, "extra.club.points.tiers[1].name") == 9      # not written: its parent
    assert key_line(path, "extra.club.points.bonuses[9]") == 11
    assert key_line(path, "plugins[2]") == 4


def test_an_unreadable_file_points_at_line_1(tmp_path):
    assert key_line(tmp_path / "missing.yml", "extra.club") == 1
    (tmp_path / "bad.yml").write_text("extra: [\n", encoding="utf-8")
    assert key_line(tmp_path / "bad.yml", "extra.club") == 1


def config_with(tmp_path, club_yaml: str):
    from site_builder.config import load_config

    path = tmp_path / "mkdocs.yml"
    path.write_text("site_name: Club\ntheme: {name: material, language: ru}\nextra:\n  club:\n" + club_yaml,
                    encoding="utf-8")
    return load_config(path)


def test_vocabularies_have_names_in_both_languages(tmp_path):
    config = config_with(tmp_path, "    regions:\n      central: {ru: Центральный ФО, en: Central Federal District}\n"
                                   "      ural: Уральский ФО\n      far_east: {en: Far East}\n"
                                   "    segments:\n      distributors: Дистрибьюторы\n      shops: Магазины\n")
    assert config.regions == {"central": "Центральный ФО", "ural": "Уральский ФО", "far_east": "Far East"}
    assert config.vocabulary("regions", "en") == {"central": "Central Federal District", "ural": "Уральский ФО",
                                                  "far_east": "Far East"}  # plain text: the same in both
    # A default key still named as by default reads in English as the default's English name.
    assert config.vocabulary("segments", "en") == {"distributors": "Distributors", "shops": "Магазины"}
    assert config.vocabulary("topics", "en")["products"] == "New products"  # not configured: the defaults
    assert config.vocabulary("roles", "ru")["sales"] == "Продажи"


def test_a_name_in_an_unknown_language_is_refused_with_the_key(tmp_path):
    import pytest

    from site_builder.config import ConfigError

    with pytest.raises(ConfigError, match=r"extra\.club\.regions\.central: write the name as text or as"):
        config_with(tmp_path, "    regions:\n      central: {ru: Центр, de: Zentrum}\n")
    with pytest.raises(ConfigError, match=r"extra\.club\.regions\.south"):
        config_with(tmp_path, "    regions:\n      south: {}\n")
