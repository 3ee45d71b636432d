"""The representative sends several requests at the same moment, through real HTTP and several uvicorn
workers on one SQLite file: each is affordable alone, not all together. Exactly the affordable ones are
held, the others come back with the problem named (409), and the balance never goes below zero."""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal.core.companies import find_or_create_company, set_representative
from portal.core.db import connect
from portal.core.identity import ProfileUpdate, update_profile
from portal.points import ledger, requests
from tests.live_portal import live_portal, sign_in
from tests.points.privilege_helpers import privilege, publish
from tests.portal_fixtures import make_user

pytestmark = pytest.mark.slow
REQUESTS, WORKERS, COST, POINTS = 6, 3, 300, 1000  # three fit (900), the other three do not
FORM = "/account/points/privileges/kopirayting/request"


@pytest.fixture
def env(settings) -> dict[str, str]:
    return {"CLUB_DATABASE": str(settings.database), "CLUB_SITE_DIR": str(settings.site_dir),
            "CLUB_BASE_URL": settings.base_url, "CLUB_SMTP_URL": settings.smtp_url or "",
            "CLUB_CONFIG": str(settings.club_config), "CLUB_SECRET_KEY": settings.secret_key}


def seed(settings) -> int:
    db = connect(settings.database)
    try:
        firm = find_or_create_company(db, "ООО «Гонка»").id
        user = make_user(db, "rep@race.example")
        update_profile(db, user.id, ProfileUpdate(name=user.name, company_id=firm, phone="+79120000002"))
        set_representative(db, firm, user.id, by_id=None)
        ledger.earn(db, firm, POINTS, reason="accrual", source="accrual:2026-11", now=time.time())
    finally:
        db.conn.close()
    publish(settings.site_dir, privilege(cost=COST))
    return firm


def test_simultaneous_requests_never_spend_the_same_points(settings, env):
    firm = seed(settings)
    with live_portal(env, workers=WORKERS) as live:
        clients = [live.client() for _ in range(REQUESTS)]
        try:
            forms = []
            for client in clients:
                assert sign_in(client, "rep@race.example").status_code == 303
                html = client.get(FORM).text
                forms.append({name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
                              for name in ("csrf", "nonce")})
            start = threading.Barrier(REQUESTS)

            def send(index: int):
                start.wait()
                return clients[index].post(FORM, data={**forms[index], "task": f"Задача {index}"})

            with ThreadPoolExecutor(REQUESTS) as pool:
                responses = list(pool.map(send, range(REQUESTS)))
        finally:
            for client in clients:
                client.close()
    fit = POINTS // COST
    assert sorted(r.status_code for r in responses) == [303] * fit + [409] * (REQUESTS - fit)
    for refused in (r for r in responses if r.status_code == 409):
        assert "Не хватает баллов: привилегия стоит 300, доступно 100" in refused.text
    db = connect(settings.database)
    try:
        found = ledger.balance(db, firm, time.time())
        assert (found.available, found.held) == (POINTS - fit * COST, fit * COST)
        assert len(requests.for_company(db, firm)) == fit
        assert ledger.verify(db) == []
    finally:
        db.conn.close()
