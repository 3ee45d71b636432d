"""portal/points/effect_panel.py: the club effect's dashboard figure, kept per data version (a registration does
not throw it away, a shipment does) and, on a large club, on a large club left to the report page."""

from datetime import date, timedelta

import pytest

from portal.core.dashboard import Period
from portal.core.identity import create_user
from portal.points import effect_panel, effect_report, shipments
from portal.points.shipments_file import Row
from tests.points.test_effect_pages import C1, PAGE, seeded  # noqa: F401 - the shared fixture


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setattr(effect_report, "WINDOW", 2)  # the panel reads the page's default window
    monkeypatch.setattr(effect_panel, "_KEPT", {})


def this_month() -> Period:
    end = date.today().replace(day=1) + timedelta(days=1)
    return Period(end - timedelta(days=30), end)


def did_of(db, settings, period: Period):
    return next(f for f in effect_panel.panel_figures(db, settings, period, "ru").figures if f.key == "did")


def test_the_panel_gives_the_headline(app, seeded):  # noqa: F811
    db, settings = app.state.portal.db, app.state.portal.settings
    did = did_of(db, settings, this_month())
    assert (did.value, did.unit, did.url, did.state) == (150.0, "₽", PAGE, True)
    assert did_of(db, settings, Period(date(2000, 1, 1), date(2000, 2, 1))).value is None


def test_kept_across_unrelated_writes_and_recomputed_after_a_shipment(app, seeded, monkeypatch):  # noqa: F811
    db, settings = app.state.portal.db, app.state.portal.settings
    assert did_of(db, settings, this_month()).value == 150.0
    calls = []
    monkeypatch.setattr(effect_panel, "headline", lambda db, day: calls.append(day) or (1.0, 1))
    create_user(db, name="Новый Участник", email="new@member.example", password_hash=None, language="ru",
                consent=True)  # a registration: not the effect's data
    assert did_of(db, settings, this_month()).value == 150.0 and calls == []
    shipments.import_rows(db, [Row(2, C1, "2020-01-05", "late-doc", 100)], "late.csv", 3.0)
    assert did_of(db, settings, this_month()).value == 1.0 and len(calls) == 1


def test_a_large_club_is_sent_to_the_report(app, seeded, monkeypatch):  # noqa: F811
    db, settings = app.state.portal.db, app.state.portal.settings
    monkeypatch.setattr(effect_panel, "AT_ONCE_LINES", 0)
    monkeypatch.setattr(effect_panel, "headline", lambda db, day: pytest.fail("computed on the dashboard"))
    found = did_of(db, settings, this_month())
    assert (found.value, found.note, found.url) == (None, "points.effect.panel.open_report", PAGE)  # not a guess
