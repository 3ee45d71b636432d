"""Letters about privilege requests: at every change (made, confirmed, in progress, done, rejected,
withdrawn) to the company's representative and to its account manager, each in their own language.

The representative's letter links the request in the cabinet (where the result files are), the manager's
the staff page. A missing person or address is skipped, and one person gets one letter even when they
are both. Letters go after the response (web/letters), built from the state the handler wrote, so a
slow relay never slows the page and a failure is logged, not shown.
"""

from __future__ import annotations

import logging

from babel.numbers import format_decimal
from sqlite_utils import Database
from starlette.background import BackgroundTask

from portal.core.companies import get_company
from portal.core.identity import User, get_user
from portal.core.mail import Mail
from portal.core.oneline import one_line
from portal.points import requests
from portal.points.requests import PrivilegeRequest
from portal.web.context import Portal
from portal.web.letters import deliver_all, personal_mail

log = logging.getLogger("portal.points")
EXCERPT = 500  # characters of the task in the letter: the whole text is on the request's page


def recipients(db: Database, found: PrivilegeRequest) -> list[tuple[User, str]]:
    """(person, side) for the representative ("member"; the requester when the company has none now) and
    the account manager ("staff"), without duplicates and without people who have no address."""
    company = get_company(db, found.company_id)
    wanted = [(company.representative_id if company and company.representative_id else found.requested_by,
               "member"), (company.account_manager_id if company else None, "staff")]
    chosen: list[tuple[User, str]] = []
    for user_id, side in wanted:
        user = get_user(db, user_id) if user_id else None
        if user is None or not user.email or any(user.id == c.id or user.email == c.email for c, _ in chosen):
            continue
        chosen.append((user, side))
    return chosen


def letters(portal: Portal, request_id: int, state: str, note: str = "", files: int = 0) -> list[Mail]:
    """The letters about request `request_id` having moved to `state` (with the reason `note`)."""
    found = requests.get(portal.db, request_id)
    if found is None:
        return []
    base = portal.settings.base_url
    task = found.task if len(found.task) <= EXCERPT else found.task[:EXCERPT].rstrip() + "…"
    values = {"number": found.id, "privilege": one_line(found.privilege_name), "company": one_line(found.company_name),
              "state": state, "note": note, "files": files, "task": task,
              "author": one_line(found.requested_by_name or "") or "—"}
    mails = []
    for user, side in recipients(portal.db, found):
        path = f"/account/points/requests/{found.id}" if side == "member" else f"/staff/points/requests/{found.id}"
        cost = format_decimal(found.cost, locale="ru" if user.language == "ru" else "en")  # «3 500», "3,500"
        mails.append(personal_mail(portal, "points_request", user, link=base + path, cost=cost,
                                   you=user.id == found.requested_by, **values))
    return mails


async def send(portal: Portal, request_id: int, state: str, note: str, files: int) -> int:
    """Build and send; never raises (it runs after the response): a failure is logged by deliver_all's
    callee, or here when the letters cannot be built at all."""
    try:
        mails = letters(portal, request_id, state, note, files)
    except Exception:  # the change is saved; a letter that cannot be built must not turn into an error page
        log.exception("could not build the letters about request %s", request_id)
        return 0
    return await deliver_all(portal, mails)


def notify_later(portal: Portal, request_id: int, state: str, note: str = "", files: int = 0) -> BackgroundTask:
    return BackgroundTask(send, portal, request_id, state, note, files)
