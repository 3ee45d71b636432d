"""How the dashboard writes its numbers and draws its charts: "—" for nothing, "new" from zero, percentage
points for rates, the reader's decimal comma; a chart only with something to draw, the largest rows."""

from datetime import date

import pytest

from portal.core.dashboard import Breakdown, Period
from portal.core.i18n import translate
from portal.staff.dashboard import NEW, Rows
from portal.staff.dashboard_view import CHART_ROWS, Numbers, chart_of


def numbers(language: str) -> Numbers:
    return Numbers(language, lambda key, **values: translate(language, key, **values))


@pytest.mark.parametrize(("language", "value", "unit", "text"), [
    ("ru", None, "", "—"), ("ru", 1234, "", "1\xa0234"), ("ru", 37.5, "%", "37,5 %"), ("en", 37.5, "%", "37.5 %"),
    ("en", 5.25, "h", "5.2 h"), ("en", 0, "", "0")])
def test_values(language, value, unit, text):
    assert numbers(language).value(value, unit) == text


@pytest.mark.parametrize(("language", "change", "unit", "text"), [
    ("ru", None, "", "—"), ("ru", NEW, "", "новое"), ("en", NEW, "", "new"), ("en", 0.5, "", "+50 %"),
    ("en", -0.25, "", "−25 %"), ("en", 0.0, "", "±0 %"), ("ru", 2.5, "%", "+2,5 п. п."), ("en", -1.0, "%", "−1 pp")])
def test_changes(language, change, unit, text):
    assert numbers(language).change(change, unit) == text


def test_a_period_is_named_by_its_first_and_last_day():
    assert numbers("en").period(Period(date(2024, 2, 1), date(2024, 3, 1))) == "1 Feb 2024 – 29 Feb 2024"


def test_a_chart_only_with_numbers_and_at_most_the_largest_rows():
    empty = Rows(Breakdown("b", "dash.forum.by_category", {}), (("Пусто", 0, 0, 0),))
    assert chart_of(empty, numbers("ru")) is None
    many = Rows(Breakdown("b", "dash.forum.by_category", {}),
                tuple((f"Раздел {k}", k, 0, 1) for k in range(1, 20)))
    found = chart_of(many, numbers("ru"))
    assert len(found.labels) == CHART_ROWS and found.labels[0][1] == "Раздел 19"
    assert found.bars[1].title == "Раздел 19, период: 19"
