"""Registering is a race (issue 14): many members at once through real HTTP and several uvicorn workers
on one SQLite file get exactly the seats there are, the rest the waiting list in arrival order."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal.core.db import connect
from portal.events import store
from tests.events.helpers import event, person, publish
from tests.live_portal import form_token, live_portal, sign_in

pytestmark = pytest.mark.slow
PEOPLE, SEATS, WORKERS = 40, 8, 3
PAGE = "/account/events/race/"


@pytest.fixture
def env(settings) -> dict[str, str]:
    return {"CLUB_DATABASE": str(settings.database), "CLUB_SITE_DIR": str(settings.site_dir),
            "CLUB_BASE_URL": settings.base_url, "CLUB_SMTP_URL": settings.smtp_url or "",
            "CLUB_CONFIG": str(settings.club_config), "CLUB_SECRET_KEY": settings.secret_key}


def test_forty_members_for_eight_seats(settings, env, mini_site):
    publish(mini_site, event("race", capacity=SEATS, questions=()))
    db = connect(settings.database)
    try:
        emails = [person(db, f"racer{i}@example.ru", company=f"ООО «Гонка {i}»").email for i in range(PEOPLE)]
    finally:
        db.conn.close()
    with live_portal(env, workers=WORKERS) as live:
        clients = [live.client() for _ in emails]
        try:
            tokens = []
            for client, email in zip(clients, emails, strict=True):
                assert sign_in(client, email).status_code == 303
                tokens.append(form_token(client, PAGE))
            start = threading.Barrier(PEOPLE)

            def register(index: int) -> int:
                start.wait()  # every request leaves at the same moment
                response = clients[index].post(PAGE + "register", data={"csrf": tokens[index], "who": "me"})
                return response.status_code

            with ThreadPoolExecutor(PEOPLE) as pool:
                codes = list(pool.map(register, range(PEOPLE)))
        finally:
            for client in clients:
                client.close()
    assert codes == [303] * PEOPLE  # no 5xx, no refusal
    db = connect(settings.database)
    try:
        rows = store.of_event(db, "race")
    finally:
        db.conn.close()
    statuses = [row.status for row in rows]
    assert statuses.count("registered") == SEATS and statuses.count("waiting") == PEOPLE - SEATS
    assert len({row.user_id for row in rows}) == PEOPLE == len(rows)  # nobody twice
    assert sorted(row.position for row in rows) == list(range(1, PEOPLE + 1))  # distinct arrival positions
    assert statuses == ["registered"] * SEATS + ["waiting"] * (PEOPLE - SEATS)  # seats went to the first arrivals
