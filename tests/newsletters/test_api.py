"""newsletters/api.py: a letter another capability queues — explicit recipients (the consent and bounces
still honoured), per-recipient signed links ({{club:personal:N}}), exactly once through the worker."""

from __future__ import annotations

import asyncio
import time

import pytest

from portal.newsletters import api, links
from portal.newsletters.model import get_newsletter
from portal.newsletters.queue import QueueError
from portal.newsletters.worker import Worker
from tests.newsletter_fixtures import subscribers

PERSONAL = api.Personal("/things/a/", "things", (7,), (0, 1, 2))
HTML = ('<p>{{club:name}}</p><a href="{{club:personal:0}}">0</a><a href="{{club:personal:2}}">2</a>'
        '<a href="{{club:unsubscribe}}">x</a>')
TEXT = "{{club:name}}: {{club:personal:1}}\n{{club:unsubscribe}}\n"


def queue(db, recipients, key="things/7"):
    return api.queue_letter(db, key=key, subject="Вопрос", language="ru", html=HTML, text=TEXT,
                            recipients=recipients, personal=PERSONAL, at=time.time(), created_by=None)


def test_queued_letter_goes_once_to_the_listed_subscribers(db, settings, smtp):
    first, second, third = subscribers(db, 3)
    db.execute("UPDATE users SET bounced_at = '2026-01-01' WHERE id = ?", [second.id])
    newsletter_id = queue(db, [first.id, second.id])
    stored = get_newsletter(db, newsletter_id)
    assert stored.recipients == [first.id, second.id] and stored.personal["ids"] == [7]
    asyncio.run(Worker(settings, db).run_once())
    asyncio.run(Worker(settings, db).run_once())
    assert [r.recipients for r in smtp.received] == [[first.email]]       # bounced: skipped; third: not listed
    assert api.letter_counts(db, newsletter_id)["sent"] == 1
    text = smtp.received[0].message.get_body(("plain",)).get_content()
    token = text.split("/things/a/")[1].split()[0]
    assert api.verify_personal(settings.secret_key, "things", token, 1) == (7, first.id, 1)
    assert api.verify_personal(settings.secret_key, "other", token, 1) is None    # another purpose's key
    assert links.verify(settings.secret_key, "click", token, 3) is None
    assert third.email not in str(smtp.received[0].recipients)


def test_one_letter_per_key(db):
    person = subscribers(db, 1)[0]
    queue(db, [person.id])
    with pytest.raises(QueueError):
        queue(db, [person.id])


def test_personal_token_is_bound_to_person_and_value(settings):
    token = api.personal_token(settings.secret_key, PERSONAL, 5, 2)
    assert api.verify_personal(settings.secret_key, "things", token, 1) == (7, 5, 2)
    assert api.personal_token(settings.secret_key, PERSONAL, 6, 2) != token
    altered = token[:3] + ("B" if token[3] != "B" else "C") + token[4:]
    assert api.verify_personal(settings.secret_key, "things", altered, 1) is None
    assert api.verify_personal(settings.secret_key, "things", "x" + token, 1) is None


def test_next_slot_is_ahead():
    now = time.time()
    assert now < api.next_slot_at(None, now) <= now + 8 * 86400
