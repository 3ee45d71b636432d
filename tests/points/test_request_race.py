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


def test_two_staff_acting_at_once_make_one_change(settings, env):
    firm = seed(settings)
    db = connect(settings.database)
    try:
        rep = db.execute("SELECT representative_id FROM companies WHERE id = ?", [firm]).fetchone()[0]
        request_id = requests.create(db, company_id=firm, privilege_id="kopirayting", privilege_name="Копирайтинг",
                                     cost=COST, task="Тексты", by_id=rep, nonce="race-nonce-000000", now=time.time())
        for index in range(2):
            make_user(db, f"staff{index}@club.example", role="staff")
    finally:
        db.conn.close()
    page = f"/staff/points/requests/{request_id}"
    with live_portal(env, workers=2) as live:
        clients = [live.client() for _ in range(2)]
        try:
            forms = []
            for index, client in enumerate(clients):
                assert sign_in(client, f"staff{index}@club.example").status_code == 303
                html = client.get(page).text
                forms.append({name: re.search(rf'name="{name}" value="([^"]+)"', html).group(1)
                              for name in ("csrf", "nonce", "seq")})
            start = threading.Barrier(2)

            def act(index: int):
                start.wait()
                action = ("confirm", "reject")[index]
                return clients[index].post(f"{page}/{action}", data={**forms[index], "note": "Нет мощностей"})

            with ThreadPoolExecutor(2) as pool:
                responses = list(pool.map(act, range(2)))
        finally:
            for client in clients:
                client.close()
    assert sorted(r.status_code for r in responses) == [303, 409]
    assert "Заявку уже изменили" in next(r for r in responses if r.status_code == 409).text
    db = connect(settings.database)
    try:
        assert len(requests.history(db, request_id)) == 2
        state = requests.get(db, request_id).state
        held = ledger.balance(db, firm, time.time()).held
        assert (state, held) in (("confirmed", COST), ("rejected", 0))
        assert ledger.verify(db) == []
    finally:
        db.conn.close()
