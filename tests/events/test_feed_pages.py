"""The personal iCal feed over HTTP: created in the cabinet with CSRF, opened without a session, parsed
back with icalendar; a reset or unknown token is a plain 404."""

import re
import time
from dataclasses import replace

from icalendar import Calendar

from portal.events import store
from tests.events.helpers import person, publish
from tests.portal_fixtures import BASE_URL, submit

LINK = "https://webinar.example/room-42"


def feed_path(client) -> str:
    page = client.get("/account/events/")
    found = re.search(re.escape(BASE_URL) + r"(/account/events/calendar/[A-Za-z0-9_-]+\.ics)", page.text)
    return found.group(1) if found else ""


def test_the_feed_lists_my_registered_events_with_the_invitations_uid(app, client, member, events, mini_site):
    db = app.state.portal.db
    for slug in ("akademiya", "brief"):
        store.register(db, events[slug], member.user, member.user, {}, time.time())
    assert feed_path(client) == ""
    response = submit(client, "/account/events/", "/account/events/calendar/reset", {})
    assert response.status_code == 303
    path = feed_path(client)
    client.cookies.clear()  # a calendar app has no session
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    assert "no-store" in response.headers["cache-control"]
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) and "METHOD" not in calendar
    found = {str(v["UID"]): v for v in calendar.walk("VEVENT")}
    assert len(found) == 2 and calendar.walk("VTIMEZONE")
    rows = {row.event: row for row in store.of_user(db, member.user.id)}
    uids = set(found)
    assert uids == {f"event-reg-{rows[slug].id}@127.0.0.1" for slug in ("akademiya", "brief")}
    assert LINK in response.text  # a registered person may have the webinar link
    assert str(calendar.walk("VEVENT")[0]["DTSTART"].params["TZID"]) == "Asia/Yekaterinburg"


def test_a_reset_closes_the_old_url_and_a_bad_token_is_404(client, member, events):
    submit(client, "/account/events/", "/account/events/calendar/reset", {})
    old = feed_path(client)
    submit(client, "/account/events/", "/account/events/calendar/reset", {})
    new = feed_path(client)
    assert old != new and client.get(new).status_code == 200
    for path in (old, "/account/events/calendar/nope.ics", "/account/events/calendar/" + "A" * 43 + ".ics"):
        response = client.get(path)
        assert response.status_code == 404 and "VCALENDAR" not in response.text


def test_the_reset_needs_csrf(client, member):
    response = client.post("/account/events/calendar/reset", data={}, follow_redirects=False)
    assert response.status_code in (400, 403) and feed_path(client) == ""


def test_another_persons_feed_shows_only_theirs_and_no_waiting_or_cancelled(app, client, member, events, mini_site):
    db = app.state.portal.db
    boris = person(db, "boris@example.ru", company="ООО «Б»")
    store.register(db, events["akademiya"], boris, boris, {}, time.time())
    store.register(db, events["brief"], member.user, member.user, {}, time.time())
    full = replace(events["breakfast"], capacity=0)
    publish(mini_site, events["akademiya"], full, events["brief"])
    store.register(db, full, member.user, member.user, {}, time.time())  # waiting: not in the feed
    submit(client, "/account/events/", "/account/events/calendar/reset", {})
    calendar = Calendar.from_ical(client.get(feed_path(client)).content)
    [only] = calendar.walk("VEVENT")
    assert str(only["UID"]) == f"event-reg-{store.active_of(db, 'brief', member.user.id).id}@127.0.0.1"
    publish(mini_site, events["akademiya"], full, replace(events["brief"], cancelled=True))
    assert Calendar.from_ical(client.get(feed_path(client)).content).walk("VEVENT") == []
