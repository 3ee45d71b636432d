"""Every time the portal shows is in the club's time zone (extra.club.timezone), not Moscow's or the server's.

The club here is in Vladivostok (UTC+10, no daylight saving); the server runs in UTC and the shipped
mkdocs.yml says Europe/Moscow (UTC+3), so a time shown in either of those is caught.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from portal.core import passwords
from portal.forum import store
from portal.newsletters import queue as nl
from portal.newsletters.worker_cli import club_clock
from portal.web.context import club_zone
from tests.forum_fixtures import reply_to, start_topic
from tests.newsletters.test_queue import make_artefact, write_site
from tests.portal_fixtures import BASE_URL, REPO, make_user, sign_in, with_settings

ZONE = "Asia/Vladivostok"
MOMENT = datetime(2030, 1, 1, 0, 30, tzinfo=UTC).timestamp()  # a Tuesday
IN_VLADIVOSTOK = "01.01.2030 10:30"
ELSEWHERE = ("01.01.2030 03:30", "01.01.2030 00:30")  # Moscow, UTC


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def settings(settings, tmp_path):
    """The portal's settings with a club in Vladivostok."""
    config = tmp_path / "mkdocs.yml"
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "    timezone: Europe/Moscow\n" in text
    config.write_text(text.replace("    timezone: Europe/Moscow\n", f"    timezone: {ZONE}\n"), encoding="utf-8")
    return with_settings(settings, club_config=config)


def shown_elsewhere(page: str) -> bool:
    return any(moment in page for moment in ELSEWHERE)


def test_the_portal_takes_the_zone_from_the_club(app):
    assert app.state.portal.zone.key == ZONE
    assert club_zone(None).key == "Europe/Moscow"  # no mkdocs.yml: the documented default


def test_forum_times_are_club_times(app, forum, member):
    db = app.state.portal.db
    topic, post = store.create_topic(db, forum, member.user, "Время на форуме", "Когда это написано?")
    db.execute("UPDATE forum_posts SET created_at = ? WHERE id = ?", [MOMENT, post.id])
    db.execute("UPDATE forum_topics SET last_post_at = ? WHERE id = ?", [MOMENT, topic.id])
    for path in (f"/forum/t/{topic.id}/", f"/forum/c/{forum.slug}/"):
        page = member.client.get(path).text
        assert IN_VLADIVOSTOK in page and not shown_elsewhere(page), path


def test_a_posting_ban_ends_in_club_time(app, forum, member):
    db = app.state.portal.db
    topic_id = int(start_topic(member.client).headers["location"].split("/")[-2])
    db.execute("INSERT INTO forum_bans (user_id, until, reason, by_id, created_at) VALUES (?, ?, 'флуд', NULL, ?)",
               [member.user.id, MOMENT, MOMENT - 86400])
    for refused in (reply_to(member.client, topic_id, "Пишу во время запрета"), start_topic(member.client)):
        assert refused.status_code == 403
        assert f"писать до {IN_VLADIVOSTOK}" in refused.text and not shown_elsewhere(refused.text)
    moderator = TestClient(app, base_url=BASE_URL)
    sign_in(moderator, make_user(db, "mod@lior.example", member=True, role="moderator").email)
    bans = moderator.get("/forum/mod/ban").text
    assert IN_VLADIVOSTOK in bans and not shown_elsewhere(bans)


def test_newsletter_schedule_is_in_club_time(app, mini_site):
    db = app.state.portal.db
    write_site(mini_site, make_artefact())
    letter = nl.queue_newsletter(db, make_artefact(), datetime.fromtimestamp(MOMENT, UTC), None)
    staff = TestClient(app, base_url=BASE_URL)
    sign_in(staff, make_user(db, "editor@lior.example", role="editor").email)
    for path in ("/staff/newsletters/", f"/staff/newsletters/page/{letter.page}"):
        page = staff.get(path).text
        assert f"вт {IN_VLADIVOSTOK}" in page and not shown_elsewhere(page), path
    listing = staff.get("/staff/newsletters/").text
    slot = nl.next_slot(datetime.now(UTC), ZONE)  # 12:30 or 16:30 in Vladivostok
    assert f"{slot:%d.%m.%Y %H:%M} ({ZONE})" in listing


def test_the_cabinets_sessions_are_in_club_time(app, member):
    other_browser = TestClient(app, base_url=BASE_URL)
    sign_in(other_browser, member.email)
    db = app.state.portal.db
    db.execute("UPDATE sessions SET last_seen = ?", [MOMENT])  # the other browser is not used again
    page = member.client.get("/account/").text
    assert IN_VLADIVOSTOK in page and not shown_elsewhere(page)


def test_club_worker_says_when_it_retries_in_club_time(settings):
    assert club_clock(settings, MOMENT) == f"2030-01-01 10:30 ({ZONE})"
