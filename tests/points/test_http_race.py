"""Two staff members take a company's whole balance at the same moment, through real HTTP and several
uvicorn workers on one SQLite file: one take is written, the other comes back with the problem named,
and the balance is 0, never below."""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal.core.companies import find_or_create_company
from portal.core.db import connect
from portal.points import ledger
from tests.live_portal import live_portal, sign_in
from tests.portal_fixtures import make_user

pytestmark = pytest.mark.slow
STAFF, WORKERS = 2, 2


@pytest.fixture
def env(settings) -> dict[str, str]:
    return {"CLUB_DATABASE": str(settings.database), "CLUB_SITE_DIR": str(settings.site_dir),
            "CLUB_BASE_URL": settings.base_url, "CLUB_SMTP_URL": settings.smtp_url or "",
            "CLUB_CONFIG": str(settings.club_config), "CLUB_SECRET_KEY": settings.secret_key}


def test_two_takes_of_the_whole_balance(settings, env):
    db = connect(settings.database)
    try:
        firm = find_or_create_company(db, "ООО «Гонка»").id
        ledger.earn(db, firm, 1000, reason="accrual", source="accrual:2026-11", now=time.time())
        emails = [make_user(db, f"staff{i}@club.example", role="staff").email for i in range(STAFF)]
    finally:
        db.conn.close()
    page = f"/staff/points/{firm}/"
    with live_portal(env, workers=WORKERS) as live:
        clients = [live.client() for _ in emails]
        try:
            forms = []
            for client, email in zip(clients, emails, strict=True):
                assert sign_in(client, email).status_code == 303
                html = client.get(page).text
                forms.append({name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
                              for name in ("csrf", "nonce")})
            start = threading.Barrier(STAFF)

            def take(index: int):
                start.wait()
                return clients[index].post(page + "adjust", data={**forms[index], "direction": "take",
                                                                  "amount": "1000", "reason": "Списание"})

            with ThreadPoolExecutor(STAFF) as pool:
                responses = list(pool.map(take, range(STAFF)))
        finally:
            for client in clients:
                client.close()
    assert sorted(response.status_code for response in responses) == [303, 409]
    refused = next(response for response in responses if response.status_code == 409)
    assert "доступно только 0" in refused.text
    db = connect(settings.database)
    try:
        assert ledger.balance(db, firm, time.time()).available == 0
        assert ledger.verify(db) == []
    finally:
        db.conn.close()
