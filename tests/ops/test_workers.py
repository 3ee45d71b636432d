"""Several uvicorn workers on one SQLite database behave as one portal (real processes, real HTTP).

Every answer below comes over a new connection, and tests/ops/workers.py reads from /proc which
worker process sent it, so "both workers" is checked, not hoped for. Each worker keeps caches of
its own (who a session cookie is, a topic's posts): these tests prove that a write through one
worker is seen by the other on its very next request.

Login throttling across workers is tests/accounts/test_login_races.py (parallel guesses against two workers).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest

from portal.core.db import connect
from portal.forum import store as forum_store
from portal.newsletters.model import get_newsletter
from portal.newsletters.queue import queue_newsletter
from tests.newsletter_fixtures import NewsletterSink, artefact, subscribers

from ..live_portal import live_portal, post_form, sign_in
from ..portal_fixtures import SECRET_TEXT, make_user
from .workers import Answer, from_every_worker

pytestmark = pytest.mark.slow
WORKERS = 2
REPORT = "/analytics/report/"  # members only (tests/portal_fixtures.mini_site)


@pytest.fixture
def smtp():
    """The misbehaving-capable sink of the newsletter tests; conftest's `settings` then points at it."""
    server = NewsletterSink().start()
    yield server
    server.stop()


@pytest.fixture
def env(settings) -> dict[str, str]:
    return {"CLUB_DATABASE": str(settings.database), "CLUB_SITE_DIR": str(settings.site_dir),
            "CLUB_BASE_URL": settings.base_url, "CLUB_SMTP_URL": settings.smtp_url or "",
            "CLUB_CONFIG": str(settings.club_config), "CLUB_SECRET_KEY": settings.secret_key}


def seed(settings) -> int:
    """Two members and a topic; the topic's id."""
    db = connect(settings.database)
    try:
        anna = make_user(db, "anna@svet-montazh.ru", member=True)
        make_user(db, "oleg@lumen.ru", member=True, name="Олег Люменов")
        category = forum_store.create_category(db, "obshchee", "Общие вопросы", "Обо всём", 1)
        topic, _ = forum_store.create_topic(db, category, anna, "Как подключить DALI-драйвер?", "Подскажите схему.")
        return topic.id
    finally:
        db.conn.close()


def test_signing_out_through_one_worker_ends_the_session_on_every_worker_at_once(settings, env):
    seed(settings)
    with live_portal(env, workers=WORKERS) as live, live.client() as browser:
        assert sign_in(browser, "anna@svet-montazh.ru").status_code == 303
        cookies = dict(browser.cookies)

        def full_page(answer: Answer) -> None:
            assert answer.status == 200 and SECRET_TEXT in answer.text

        # Both workers now remember this cookie's member (ReaderCache) and have sent the full page.
        from_every_worker(live.base, REPORT, cookies, WORKERS, check=full_page)
        assert post_form(browser, "/account/logout", "/account/logout", {}).status_code == 303

        def signed_out(answer: Answer) -> None:
            assert answer.status == 200 and SECRET_TEXT not in answer.text and "club-teaser" in answer.text

        from_every_worker(live.base, REPORT, cookies, WORKERS, check=signed_out)  # the old cookie, right after
        for answer in from_every_worker(live.base, "/account/", cookies, WORKERS):
            assert answer.status == 303 and answer.headers["location"].startswith("/account/login")


def test_a_post_through_one_worker_is_on_the_other_workers_next_topic_page(settings, env):
    topic_id = seed(settings)
    page = f"/forum/t/{topic_id}/"
    with live_portal(env, workers=WORKERS) as live, live.client() as author, live.client() as reader:
        sign_in(author, "anna@svet-montazh.ru")
        sign_in(reader, "oleg@lumen.ru")
        cookies = dict(reader.cookies)
        for round_ in range(3):  # each round: both workers have the page cached, then one of them takes a reply
            text = f"Схема номер {round_}: DA+ и DA- к шине"
            assert all(text not in answer.text for answer in from_every_worker(live.base, page, cookies, WORKERS))
            done = post_form(author, f"/forum/t/{topic_id}/reply", f"/forum/t/{topic_id}/reply", {"body": text})
            assert done.status_code == 303, done.text

            def shows_reply(answer: Answer, text: str = text) -> None:
                assert answer.status == 200 and text in answer.text

            from_every_worker(live.base, page, cookies, WORKERS, check=shows_reply)


# --- one newsletter worker per database ------------------------------------------------------------------------
def club_worker(env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "portal.cli", "worker"], stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", "CLUB_NEWSLETTER_CONCURRENCY": "4", **env})


def test_two_club_workers_started_together_send_each_message_once(settings, env, smtp, tmp_path):
    db = connect(settings.database)
    subscribers(db, 40)
    newsletter = queue_newsletter(db, artefact("public"), datetime(2026, 1, 1, tzinfo=UTC), None, again=True)
    smtp.slow(0.05)  # the sending takes seconds: the two workers overlap for all of it
    logs = [open(tmp_path / f"worker-{i}.log", "w") for i in range(2)]  # noqa: SIM115 - closed below
    workers = [club_worker(env, log) for log in logs]
    try:
        smtp.wait_arrived(40, timeout=120)
        deadline = time.monotonic() + 30
        while get_newsletter(db, newsletter.id).status != "done":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        time.sleep(1)  # a second sender, had there been one, would have sent more by now
        exited = [worker for worker in workers if worker.poll() is not None]
        assert len(exited) == 1 and exited[0].returncode == 1  # the second one refused to start
        running = next(worker for worker in workers if worker is not exited[0])
        running.send_signal(signal.SIGTERM)
        assert running.wait(30) == 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait()
        for log in logs:
            log.close()
        db.conn.close()
    outputs = sorted((tmp_path / f"worker-{i}.log").read_text() for i in range(2))
    assert any("another `club worker` is sending" in output for output in outputs), outputs
    counts = smtp.by_message_id()
    assert len(counts) == 40 and set(counts.values()) == {1}  # every Message-ID exactly once
    assert sorted(smtp.addresses()) == sorted(f"reader{i}@example.ru" for i in range(40))
