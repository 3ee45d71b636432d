"""A detractor's survey answer becomes a request for the company's account manager.

The handler of core.happenings.Detracted (surveys record it with a 0-6 answer): a feedback request in the
person's name, assigned to their company's account manager, so someone asks what went wrong. Idempotent,
as happenings require: the request's nonce is the wave and the person, so a second delivery (a crash after
the request and before core noted it, a changed answer) finds the same request and opens no other. The
manager is set only while the request has no owner: staff who reassigned it are not overruled.
"""

from __future__ import annotations

import logging

from sqlite_utils import Database

from portal.core.companies import get_company
from portal.core.happenings import Detracted
from portal.core.i18n import translate
from portal.core.identity import get_user
from portal.core.settings import Settings
from portal.feedback import store

log = logging.getLogger("portal.feedback")
KIND = "other"


def nonce_of(happening: Detracted) -> str:
    return f"nps:{happening.wave_id}:{happening.user_id}"


def open_request(db: Database, settings: Settings, happening: Detracted) -> None:
    author = get_user(db, happening.user_id)
    if author is None:  # the person's account was deleted meanwhile: nobody to ask
        return
    language = author.language or settings.language
    subject = translate(language, "feedback.nps.subject", score=happening.score)
    body = translate(language, "feedback.nps.body", score=happening.score,
                     why=happening.why or translate(language, "feedback.nps.no_why"))
    try:
        request_id = store.create_request(db, author, KIND, subject, body, None, nonce_of(happening), at=happening.at)
    except store.Duplicate as found:
        request_id = found.request_id
    company = get_company(db, happening.company_id) if happening.company_id else None
    manager = company.account_manager_id if company else None
    request = store.get_request(db, request_id)
    if manager is None or request is None or request.owner_id is not None:
        return
    try:
        store.set_owner(db, request_id, manager, None)
    except ValueError:  # the manager no longer has a feedback role: the request waits in the inbox
        log.warning("feedback request %s: account manager %s is not feedback staff; left unassigned",
                    request_id, manager)
