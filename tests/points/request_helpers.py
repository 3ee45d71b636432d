"""Helpers for the request tests: people of companies signed in on their own clients, forms' hidden values."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator

from starlette.testclient import TestClient

from portal.core.companies import find_or_create_company, set_representative
from portal.core.identity import ProfileUpdate, get_user, update_profile
from portal.points import ledger, requests
from tests.portal_fixtures import BASE_URL, Person, make_user, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def hidden(html: str, *names: str) -> dict[str, str]:
    """The values of the first hidden fields called `names` on a page (csrf, nonce, seq)."""
    found = {}
    for name in names:
        match = re.search(rf'name="{name}" value="([^"]*)"', html)
        assert match, f"no {name} field"
        found[name] = match.group(1)
    return found


def form_of(client: TestClient, page: str, *names: str) -> dict[str, str]:
    response = client.get(page)
    assert response.status_code == 200, response.text
    return hidden(response.text, "csrf", *names)


@contextlib.contextmanager
def person(app, email: str, company: str, name: str = "Пётр Иванов", role: str | None = None) -> Iterator[Person]:
    """A member of `company` (created if new), signed in on a client of their own."""
    db = app.state.portal.db
    user = make_user(db, email, name=name, role=role)
    firm = find_or_create_company(db, company)
    update_profile(db, user.id, ProfileUpdate(name=name, company_id=firm.id, phone="+79120000001"))
    with TestClient(app, base_url=BASE_URL) as own:
        sign_in(own, email)
        yield Person(get_user(db, user.id), email, "", own)


def represent(app, company_id: int, user_id: int) -> None:
    set_representative(app.state.portal.db, company_id, user_id, by_id=None)


def earn(app, company_id: int, amount: int, source: str = "accrual:2026-10") -> None:
    ledger.earn(app.state.portal.db, company_id, amount, reason="accrual", source=source, now=time.time())


def made(app, company_id: int, by_id: int, cost: int = 1200, nonce: str = "m" * 16, task: str = "Тексты") -> int:
    """A request made through the store (the pages' tests start from it)."""
    return requests.create(app.state.portal.db, company_id=company_id, privilege_id="kopirayting",
                           privilege_name="Копирайтинг", cost=cost, task=task, by_id=by_id, nonce=nonce,
                           now=time.time())


def available(app, company_id: int) -> tuple[int, int]:
    found = ledger.balance(app.state.portal.db, company_id, time.time())
    return found.available, found.held
