"""Letters about orders, each in its reader's language, built from the state the handler wrote:

- sent / passed: the distributor's people get the order with its lines attached (CSV and XLSX); the sender
  gets a copy (sent) or the news (passed); an order no distributor serves goes to the club's staff ("route");
- accepted / question / declined: the sender (the person who sent it);
- answered (the sender answered a question): the distributor's people;
- overdue (the job): the club's staff.

Each letter is queued in the outbox when its change is written and sent after the response (web/letters), so a
slow relay never slows the page; what does not go is sent again by the overdue job (outbox.pending), to the
addresses that did not get it. The order itself is in both cabinets whatever happens to the mail.
"""

from __future__ import annotations

import dataclasses
import logging
import time

from sqlite_utils import Database
from starlette.background import BackgroundTask

from portal.core.companies import members_of
from portal.core.identity import User, get_user
from portal.core.mail import Attachment, Mail
from portal.core.oneline import one_line
from portal.orders import files, outbox, store
from portal.orders.store import Order
from portal.web.context import Portal, vocabularies
from portal.web.letters import deliver, personal_mail
from portal.web.xlsxfile import MEDIA_TYPE

log = logging.getLogger("portal.orders")
STAFF_ROLES = ("staff", "admin")


def people(db: Database, user_ids: list[int | None]) -> list[User]:
    """The users with an address, each once."""
    chosen: list[User] = []
    for user_id in user_ids:
        user = get_user(db, user_id) if user_id else None
        if user is not None and user.email and not user.suspended_at and all(u.id != user.id for u in chosen):
            chosen.append(user)
    return chosen


def staff(db: Database) -> list[User]:
    marks = ", ".join("?" * len(STAFF_ROLES))
    rows = db.execute(f"SELECT id FROM users WHERE role IN ({marks}) ORDER BY id", list(STAFF_ROLES)).fetchall()  # noqa: S608
    return people(db, [row[0] for row in rows])


def attachments(db: Database, order: Order, language: str) -> tuple[Attachment, ...]:
    rows = files.line_rows(store.lines(db, order.id), language)
    return (Attachment(f"order-{order.id}.csv", "text/csv", files.csv_data(rows)),
            Attachment(f"order-{order.id}.xlsx", MEDIA_TYPE, files.xlsx_data(rows, order.id)))


def recipients(db: Database, order: Order, kind: str) -> list[tuple[User, str]]:
    """(person, side) for a letter of `kind` about the order as it is now."""
    if kind in ("overdue", "route"):
        return [(user, "staff") for user in staff(db)]
    # The company's people who can open the order (members: company and phone); the others could not act on it.
    team = people(db, list(members_of(db, order.distributor_id))) if order.distributor_id else []
    to_distributor = [(user, "distributor") for user in team if user.level in ("member", "staff")]
    sender = [(user, "sender") for user in people(db, [order.sent_by])]
    if kind == "sent":
        return sender + to_distributor
    if kind == "passed":
        return sender + [(user, "distributor-new") for user, _ in to_distributor]
    return to_distributor if kind == "answered" else sender


def letters(portal: Portal, order_id: int, kind: str, note: str = "", hours: int = 0) -> list[Mail]:
    """The letters about order `order_id` (kind: a state, "overdue" or "route")."""
    db = portal.db
    order = store.get(db, order_id)
    if order is None:
        return []
    values = {"number": order.id, "company": one_line(order.company_name), "city": one_line(order.city),
              "distributor": one_line(order.distributor_name or ""), "wanted_on": order.wanted_on,
              "comment": order.comment, "note": note, "hours": hours,
              "count": len(store.lines(db, order.id))}
    if kind == "sent" and order.distributor_id is None:
        return [*letters_to(portal, order, recipients(db, order, "sent"), "sent", values),
                *letters_to(portal, order, recipients(db, order, "route"), "route", values)]
    return letters_to(portal, order, recipients(db, order, kind), kind, values)


def letters_to(portal: Portal, order: Order, chosen: list[tuple[User, str]], kind: str, values: dict) -> list[Mail]:
    base, mails = portal.settings.base_url, []
    for user, side in chosen:
        path = f"/staff/orders/{order.id}" if side == "staff" else f"/orders/{order.id}/"
        shown = "sent" if side == "distributor-new" else kind
        # The region's name in the reader's language, as the rest of the letter (issue 18).
        region = vocabularies(portal.club, user.language)["regions"].get(order.region, order.region) or "—"
        mail = personal_mail(portal, "order", user, kind=shown, side=side.split("-")[0], link=base + path,
                             region=region, **values)
        if side.startswith("distributor") and kind in ("sent", "passed"):
            mail = dataclasses.replace(mail, attachments=attachments(portal.db, order, user.language))
        mails.append(mail)
    return mails


async def deliver_letter(portal: Portal, letter_id: int) -> int:
    """Send the queued letter to everyone who has not got it yet; how many went now. Never raises (it runs
    after the response or in a job): a failure is logged and the job tries again later (outbox.pending)."""
    db = portal.db
    try:
        letter = outbox.get(db, letter_id)
        if letter is None:
            return 0
        got = outbox.delivered(db, letter_id)
        mails = [mail for mail in letters(portal, letter.order_id, letter.kind, letter.note, letter.hours)
                 if mail.to.addr_spec not in got]
    except Exception:  # the order is saved; a letter that cannot be built must not turn into an error page
        log.exception("could not build the letters about order letter %s", letter_id)
        return 0
    sent = 0
    for mail in mails:
        if await deliver(portal, mail):
            outbox.mark_delivered(db, letter_id, mail.to.addr_spec, time.time())
            sent += 1
    if sent == len(mails):
        outbox.mark_done(db, letter_id, time.time())
    return sent


async def send(portal: Portal, order_id: int, kind: str, note: str = "", hours: int = 0) -> int:
    """Queue the letters about a change and send them now (the job retries what does not go)."""
    letter_id = outbox.queue(portal.db, order_id, kind, note, hours, time.time())
    return await deliver_letter(portal, letter_id)


def notify_later(portal: Portal, order_id: int, kind: str, note: str = "") -> BackgroundTask:
    """Queue now (in the request, so a crash after the response loses no letter), send after the response."""
    letter_id = outbox.queue(portal.db, order_id, kind, note, 0, time.time())
    return BackgroundTask(deliver_letter, portal, letter_id)
