"""The staged docs MkDocs reads: front matter written fast must read back exactly."""

from datetime import date, datetime

import pytest
import yaml

from site_builder.stage import front_matter

CASES = [
    {"title": "Аварийное освещение: чек-лист", "date": date(2026, 7, 7), "tags": ["монтаж", "yes"]},
    {"title": "no", "description": "# not a comment", "hide": ["navigation", "toc"], "search": {"boost": 2}},
    {"title": "null", "slug": "1.0", "club": {"access": "members", "teaser": True, "segments": []}},
    {"title": 'Кавычки "ёлочки" и \\ обратная черта', "description": "строка\nвторая: строка"},
    {"title": "Разрыв\u2028строки"},  # YAML breaks lines here, JSON does not: written by PyYAML
    {"title": "Событие", "dates": [date(2026, 3, 1)], "starts": datetime(2026, 3, 1, 10, 0)},
]


@pytest.mark.parametrize("meta", CASES)
def test_front_matter_reads_back_as_written(meta):
    assert yaml.load(front_matter(meta), Loader=yaml.SafeLoader) == meta
