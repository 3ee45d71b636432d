"""A wave's letter through the newsletter worker to a real aiosmtpd: once per person, eleven signed score
links and an opt-out link in the letter itself, the newsletters' unsubscribe honoured."""

from __future__ import annotations

import asyncio
import time
from email import message_from_bytes
from email.policy import default as default_policy

from portal.newsletters.worker import Worker
from portal.surveys import store, waves
from tests.surveys.helpers import members, score_links, start


def send_all(settings, db):
    return asyncio.run(Worker(settings, db).run_once())


def received(smtp) -> dict[str, object]:
    return {r.recipients[0]: message_from_bytes(r.message.as_bytes(), policy=default_policy)
            for r in smtp.received}


def test_the_worker_sends_each_person_one_letter_with_their_links(db, settings, smtp):
    people = members(db, 3)
    wave, asked = start(db, settings)
    assert asked == 3 and wave.newsletter_id is not None
    send_all(settings, db)
    send_all(settings, db)                                   # a second round sends nothing again
    letters = received(smtp)
    assert sorted(letters) == sorted(p.email for p in people) and len(smtp.received) == 3
    for person in people:
        message = letters[person.email]
        links = score_links(message)
        assert len(links) == 12                               # 0..10 and the opt-out
        values = [waves.verify(settings, link.rsplit("/", 1)[1]) for link in links]
        assert values == [(wave.id, person.id, n) for n in range(12)]
        assert message["List-Unsubscribe"] and "Клуб" in message.get_body(("html",)).get_content()


def test_unsubscribed_people_get_no_letter_but_are_still_asked(db, settings, smtp):
    kept, gone = members(db, 2)
    db.execute("DELETE FROM subscriptions WHERE user_id = ?", [gone.id])
    wave, asked = start(db, settings)
    send_all(settings, db)
    assert [r.recipients for r in smtp.received] == [[kept.email]]
    assert asked == 2 and store.open_for(db, gone.id, time.time() + 1).id == wave.id   # the cabinet card


def test_unsubscribing_before_the_letter_goes_stops_it(db, settings, smtp):
    first, second = members(db, 2)
    start(db, settings, now=time.time())
    db.execute("DELETE FROM subscriptions WHERE user_id = ?", [second.id])   # after the wave, before the worker
    send_all(settings, db)
    assert [r.recipients for r in smtp.received] == [[first.email]]


def test_letter_html_has_the_placeholders():
    html = waves.letter_html("en", "Lior <club>")
    assert "Lior &lt;club&gt;" in html and "{{club:unsubscribe}}" in html
    assert all(f"{{{{club:personal:{n}}}}}" in html for n in range(12))


def test_the_letters_one_click_unsubscribe_is_honoured(app, client, settings, smtp):
    db = app.state.portal.db
    person = members(db, 1)[0]
    start(db, settings, now=time.time() - 100 * 86400)
    send_all(settings, db)
    unsubscribe = str(received(smtp)[person.email]["List-Unsubscribe"]).strip().strip("<>")
    response = client.post(unsubscribe.removeprefix(settings.base_url), content=b"List-Unsubscribe=One-Click",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200
    wave, asked = start(db, settings)                        # 100 days later: asked again, but no letter
    send_all(settings, db)
    assert asked == 1 and len(smtp.received) == 1


def test_newsletter_staff_pages_list_the_wave_letter(app, manager, settings):
    db = app.state.portal.db
    members(db, 1)
    wave, _ = start(db, settings)
    page = manager.client.get("/staff/newsletters/")
    assert page.status_code == 200
    for path in (f"/staff/newsletters/{wave.newsletter_id}", f"/staff/newsletters/{wave.newsletter_id}/stats"):
        assert manager.client.get(path).status_code == 200, path
