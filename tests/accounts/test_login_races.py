"""Login throttling under parallel requests, over real HTTP with two uvicorn worker processes.

The wait used to be checked before the password was verified and the failure recorded after, so
parallel guesses all passed the check (8 parallel wrong passwords were all answered; 40 parallel
attempts with the right password at number 35 signed in).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal.core import throttle
from portal.core.db import connect
from tests.live_portal import form_token, live_portal
from tests.portal_fixtures import PASSWORD, make_user

pytestmark = pytest.mark.slow
EMAIL = "anna@svet-montazh.ru"


@pytest.fixture
def env(settings) -> dict[str, str]:
    return {"CLUB_DATABASE": str(settings.database), "CLUB_SITE_DIR": str(settings.site_dir),
            "CLUB_BASE_URL": settings.base_url, "CLUB_SMTP_URL": settings.smtp_url or "",
            "CLUB_CONFIG": str(settings.club_config), "CLUB_SECRET_KEY": settings.secret_key}


def parallel_logins(base: str, passwords: list[str]) -> list[int]:
    """Every attempt gets its token first, then all are sent at once (a barrier)."""
    import httpx

    clients = [httpx.Client(base_url=base, timeout=60) for _ in passwords]
    tokens = [form_token(client, "/account/login") for client in clients]
    barrier = threading.Barrier(len(passwords))

    def attempt(i: int) -> int:
        barrier.wait()
        data = {"csrf": tokens[i], "email": EMAIL, "password": passwords[i]}
        return clients[i].post("/account/login", data=data).status_code

    try:
        with ThreadPoolExecutor(len(passwords)) as pool:
            return list(pool.map(attempt, range(len(passwords))))
    finally:
        for client in clients:
            client.close()


def test_parallel_wrong_passwords_are_throttled(settings, env):
    db = connect(settings.database)
    make_user(db, EMAIL)
    with live_portal(env, workers=2) as live:
        statuses = parallel_logins(live.base, [f"wrong-guess-{i}" for i in range(8)])
    free = throttle.FREE_FAILURES["account"]
    assert sorted(statuses) == [400] * free + [429] * (8 - free)  # only the free attempts were verified


def test_the_right_password_among_many_parallel_guesses_does_not_slip_through(settings, env):
    db = connect(settings.database)
    make_user(db, EMAIL)
    guesses = [f"wrong-guess-{i}" for i in range(40)]
    guesses[34] = PASSWORD
    with live_portal(env, workers=2) as live:
        statuses = parallel_logins(live.base, guesses)
    verified = [s for s in statuses if s != 429]
    assert len(verified) == throttle.FREE_FAILURES["account"], statuses
    assert statuses.count(303) <= 1
    if statuses[34] != 303:  # the right password came too late: refused like the others, nobody signed in
        assert statuses[34] == 429 and 303 not in statuses
