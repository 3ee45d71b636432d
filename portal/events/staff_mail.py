""""E-mail all registered people" of one event: a subject and a Markdown body (the one user-Markdown
renderer, core/usertext), one personal letter to each registered person (and, if staff tick it, to the
waiting list), sent after the response through the one mail path (web/letters).

A double submit sends nothing twice: the form carries a one-time value, and each letter is claimed per
registration under it (store.claim_letter, the primary key of event_letters) before it is queued.
"""

from __future__ import annotations

import re
import secrets
import time

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.identity import get_user
from portal.core.mail import Mail
from portal.core.oneline import one_line
from portal.core.usertext import render_user_markdown
from portal.events import store
from portal.events.model import Registration, local_time
from portal.events.staff_pages import event_path, staff_event_or_404, staff_only
from portal.web.context import Portal, portal_of, visitor
from portal.web.forms import read_form
from portal.web.letters import personal_mail, send_all_later
from portal.web.navigation import redirect
from portal.web.templating import render
from site_builder.contract import EventEntry

NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
SUBJECT_LIMIT = 200
BODY_LIMIT = 20_000
WAITING = ("waiting", "offered")  # the waiting list, with those holding an offer from it


def recipients(db, event: EventEntry, waiting: bool) -> list[Registration]:
    wanted = ("registered", *WAITING) if waiting else ("registered",)
    return [row for row in store.of_event(db, event.slug) if row.status in wanted]


def form_page(request: Request, event: EventEntry, values: dict, errors: dict | None = None,
              status_code: int = 200) -> Response:
    db = portal_of(request).db
    values.setdefault("nonce", secrets.token_urlsafe(16))  # a fresh one-time value for each form shown
    return render(request, "events/staff_mail.html", {
        "event": event, "starts": local_time(event.starts), "values": values, "errors": errors or {},
        "registered": len(recipients(db, event, False)),
        "waiting": len(recipients(db, event, True)) - len(recipients(db, event, False))}, status_code=status_code)


@staff_only
async def mail_form(request: Request) -> Response:
    return form_page(request, staff_event_or_404(request), {})


def check(who, values: dict) -> dict[str, str]:
    errors = {}
    if not values["subject"]:
        errors["subject"] = who.t("events.staff.error.subject")
    if not values["body"]:
        errors["body"] = who.t("events.staff.error.body")
    return errors


@staff_only
async def mail_send(request: Request) -> Response:
    event, portal, who = staff_event_or_404(request), portal_of(request), visitor(request)
    form = await read_form(request)
    values = {"subject": form.line("subject", SUBJECT_LIMIT), "body": form.text("body", BODY_LIMIT),
              "waiting": form.checked("waiting"), "nonce": form.text("nonce", 100)}
    if not NONCE.fullmatch(values["nonce"]):
        raise HTTPException(400, "bad_form")
    errors = check(who, values)
    if errors:
        return form_page(request, event, values, errors, 400)
    now, everyone = time.time(), recipients(portal.db, event, values["waiting"])
    # Claimed before queueing: a second submit of the same form finds every claim taken and sends nothing.
    claimed = [row for row in everyone if store.claim_letter(portal.db, row.id, f"message:{values['nonce']}", now)]
    letters = build(portal, event, claimed, values["subject"], values["body"])
    notice = "already_mailed" if everyone and not claimed else "mailed"
    response = redirect(f"{event_path(event)}?notice={notice}&count={len(letters)}")
    if letters:
        response.background = send_all_later(portal, letters)
    return response


def build(portal: Portal, event: EventEntry, rows: list[Registration], subject: str, body: str) -> list[Mail]:
    html = Markup(render_user_markdown(body))  # noqa: S704 - the one renderer cleans it (nh3): trusted from here on
    letters = []
    for row in rows:
        person = get_user(portal.db, row.user_id)
        if person is None:
            continue
        letters.append(personal_mail(portal, "event_message", person, subject=one_line(subject), body=body,
                                     body_html=html, title=one_line(event.title), when=local_time(event.starts),
                                     link=f"{portal.settings.base_url}/account/events/{event.slug}/"))
    return letters


ROUTES = [
    Route("/staff/events/{slug}/mail", mail_form, methods=["GET"]),
    Route("/staff/events/{slug}/mail", mail_send, methods=["POST"]),
]
