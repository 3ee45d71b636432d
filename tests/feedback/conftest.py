"""Feedback fixtures: staff in a browser of their own, the form posted as a browser would (multipart)."""

import re

import pytest
from starlette.testclient import TestClient

from tests.feedback.helpers import person
from tests.portal_fixtures import BASE_URL, csrf_of, sign_in


@pytest.fixture
def staff(app):
    """A staff member (role staff), signed in on a client of their own."""
    user = person(app.state.portal.db, "manager@club.example", role="staff", name="Мария Менеджер")
    client = TestClient(app, base_url=BASE_URL)
    sign_in(client, user.email)
    client.user = user
    return client


def browser_for(app, email: str) -> TestClient:
    client = TestClient(app, base_url=BASE_URL)
    sign_in(client, email)
    return client


def form_values(html: str) -> dict:
    nonce = re.search(r'name="nonce" value="([^"]*)"', html)
    return {"csrf": csrf_of(html), **({"nonce": nonce.group(1)} if nonce else {})}


def send(client, data: dict | None = None, files=None, page: str = "/feedback/new"):
    """Open the form, then post it with its tokens: a subject and text unless `data` says otherwise."""
    values = {"kind": "question", "subject": "Как подключить DALI?", "body": "Подскажите схему для двух групп."}
    values.update(data or {})
    form = form_values(client.get(page).text)
    return client.post("/feedback/new", data={**form, **values}, files=files or {"empty": ("", b"")},
                       follow_redirects=False)
