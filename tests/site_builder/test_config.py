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
