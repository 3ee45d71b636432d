"""The demo club (`club serve --demo`): the health table and every capability's dashboard panel answer on its
data (every state the demo shows), without an error."""

from datetime import date, timedelta

import pytest

from portal.capabilities import installed
from portal.core.dashboard import Period
from tests.portal_fixtures import make_user, sign_in


@pytest.mark.slow
def test_the_demo_club_has_a_health_table_and_panels(app, settings, client):
    db = app.state.portal.db
    capabilities = installed()
    for capability in capabilities:
        for start in capability.on_dev_start:
            start(db)
    for capability in capabilities:
        for seed in capability.on_demo:
            seed(db, settings)
    make_user(db, "health@club.example", role="staff", name="Ольга Кураторова")  # after: the demo seeds an empty club
    sign_in(client, "health@club.example")
    page = client.get("/staff/health/?sort=purchases_trend&dir=desc")
    assert page.status_code == 200 and page.text.count('href="/staff/companies/') >= 3
    assert client.get("/staff/health/export.xlsx?drifting=1").status_code == 200
    today = date.today()
    for period in (Period(today - timedelta(days=90), today + timedelta(days=1)),
                   Period(today - timedelta(days=365), today - timedelta(days=90))):
        for panel in (panel for capability in capabilities for panel in capability.dashboard_panels):
            found = panel.figures(db, settings, period, "en")
            assert all(figure.value is None or isinstance(figure.value, int | float) for figure in found.figures)
