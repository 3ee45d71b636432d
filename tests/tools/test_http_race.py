"""A double (here: sixfold) submit of the save form at the same moment, through real HTTP and two uvicorn workers
on one SQLite file: one saved calculation, and every answer leads to it."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from portal.core.db import connect
from portal.tools import store
from tests.feedback.helpers import person
from tests.live_portal import live_portal, sign_in

pytestmark = pytest.mark.slow
SENDS, WORKERS = 6, 2
PAGE = "/tools/cable/?phases=3&material=copper&section=35&length=50&current=100&cos_phi=0.8"


@pytest.fixture
def env(settings) -> dict[str, str]:
    return {"CLUB_DATABASE": str(settings.database), "CLUB_SITE_DIR": str(settings.site_dir),
            "CLUB_BASE_URL": settings.base_url, "CLUB_SMTP_URL": settings.smtp_url or "",
            "CLUB_CONFIG": str(settings.club_config), "CLUB_SECRET_KEY": settings.secret_key}


def test_the_same_save_form_sent_at_once_saves_one_calculation(settings, env):
    db = connect(settings.database)
    try:
        member = person(db, "anna@svet-montazh.ru")
    finally:
        db.conn.close()
    with live_portal(env, workers=WORKERS) as live:
        client = live.client()
        try:
            assert sign_in(client, member.email).status_code == 303
            form = client.get(PAGE).text.split('action="/tools/save"')[1].split("</form>")[0]
            data = {**dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)),
                    "project": "Гонка"}
            start = threading.Barrier(SENDS)

            def send(_index: int):
                start.wait()
                return client.post("/tools/save", data=data)

            with ThreadPoolExecutor(SENDS) as pool:
                responses = list(pool.map(send, range(SENDS)))
        finally:
            client.close()
    assert [response.status_code for response in responses] == [303] * SENDS
    assert len({response.headers["location"] for response in responses}) == 1
    db = connect(settings.database)
    try:
        assert store.count_of(db, member.id) == 1
    finally:
        db.conn.close()
