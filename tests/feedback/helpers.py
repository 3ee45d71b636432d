"""Feedback test helpers: people of two companies, requests written straight through the store."""

from __future__ import annotations

import secrets

from portal.core import identity
from portal.core.companies import find_or_create_company, set_representative
from portal.feedback import store
from tests.portal_fixtures import make_user


def person(db, email: str, company: str = "ООО «Свет-Монтаж»", name: str = "Пётр Лампов",
           role: str | None = None) -> identity.User:
    """A confirmed member of `company` (or a staff member with `role`)."""
    user = make_user(db, email, role=role, name=name)
    found = find_or_create_company(db, company)
    identity.update_profile(db, user.id, identity.ProfileUpdate(name=name, company_id=found.id,
                                                                phone="+79123456780"))
    return identity.get_user(db, user.id)


def make_representative(db, user: identity.User) -> None:
    set_representative(db, user.company_id, user.id, by_id=None)


def new_request(db, author, kind: str = "question", subject: str = "Как подобрать драйвер?",
                body: str = "Нужен драйвер на **700 мА** для панели.", files=()) -> int:
    return store.create_request(db, author, kind, subject, body, None, secrets.token_urlsafe(16), files)
