"""Members' feedback pages: the form `/feedback/new`, attachments, ideas and supporting them.

A visitor who is not a member yet may fill the form in: sending it keeps the text as a draft and asks
them to sign in or join, and the form shows the text again when they come back (drafts.py).
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.identity import LEVEL_RANK
from portal.core.oneline import one_line
from portal.feedback import attachments, drafts, ideas, store
from portal.feedback.model import KINDS, SUBJECT_LIMIT, check_request, may_see, safe_page
from portal.web import uploads
from portal.web.context import portal_of, visitor
from portal.web.forms import Form, read_form
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render

NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
HOURLY_LIMIT = 20  # requests one person may send in an hour: more is a script, not a partner (ASVS 5.0 2.4.1)


def form_page(request: Request, values: dict, errors: dict | None = None, status_code: int = 200,
              member: bool = True) -> Response:
    who = visitor(request)
    messages = {field: who.t(key, **vals) for field, (key, vals) in (errors or {}).items()}
    values.setdefault("nonce", secrets.token_urlsafe(16))  # a fresh one-time value for each form shown
    return render(request, "feedback/new.html", {
        "values": values, "errors": messages, "member": member,
        "kinds": {kind: who.t(f"feedback.kind.{kind}") for kind in KINDS},
        "max_files": attachments.POLICY.max_files, "max_mb": attachments.POLICY.max_total // (1024 * 1024)},
        status_code=status_code)


def prefill(request: Request) -> dict:
    """What a link may fill in (`?page=&kind=&subject=`, e.g. "ask for advice" on a saved calculation): a local
    page, a known kind and a one-line subject; anything else is left out, never repaired."""
    query = request.query_params
    kind, subject = query.get("kind", ""), one_line(query.get("subject", ""))[:SUBJECT_LIMIT]
    return {"page": safe_page(query.get("page")) or "", **({"kind": kind} if kind in KINDS else {}),
            **({"subject": subject} if subject else {})}


def typed_values(form: Form) -> dict:
    return {"kind": form.text("kind", 50), "subject": form.line("subject", 1000), "body": form.text("body", 100_000),
            "page": safe_page(form.text("page", 1000)) or "", "draft": form.text("draft", 100)}


async def new_request(request: Request) -> Response:
    """Members write; anyone else may fill the form in and is asked to sign in or join to send it."""
    who = visitor(request)
    if LEVEL_RANK.get(who.level, 0) < LEVEL_RANK["member"]:
        return await outsider_form(request)
    return await member_form(request)


async def outsider_form(request: Request) -> Response:
    if request.method == "GET":
        return form_page(request, prefill(request), member=False)
    form = await read_form(request)
    values = typed_values(form)
    problems = check_request(values["kind"], values["subject"], values["body"])
    if problems:
        return form_page(request, values, problems, 400, member=False)
    db = portal_of(request).db
    token = drafts.keep(db, drafts.Draft(values["kind"], values["subject"], values["body"], values["page"] or None))
    back = "/feedback/new?" + urlencode({"draft": token})
    who = visitor(request)
    links = ([("/account/login?" + urlencode({"next": back}), who.t("nav.login")),
              ("/account/register?" + urlencode({"next": back}), who.t("nav.register"))] if who.user is None else
             [("/account/profile?" + urlencode({"next": back}), who.t("cabinet.edit_profile"))])
    return render(request, "feedback/kept.html", {"links": links, "signed_in": who.user is not None})


@requires(level="member")
async def member_form(request: Request) -> Response:
    db = portal_of(request).db
    if request.method == "GET":
        token = request.query_params.get("draft")
        draft = drafts.load(db, token)
        values = prefill(request)
        if draft is not None:
            values = {"kind": draft.kind, "subject": draft.subject, "body": draft.body, "page": draft.page or "",
                      "draft": token}
        return form_page(request, values)
    form, chosen = await uploads.read_upload_form(request)
    try:
        return await submit(request, form, chosen)
    finally:
        await form.data.close()


async def submit(request: Request, form: Form, chosen: list) -> Response:
    values = typed_values(form)
    values["nonce"] = form.text("nonce", 100)
    if not NONCE.fullmatch(values["nonce"]):
        raise HTTPException(400, "bad_form")
    problems = check_request(values["kind"], values["subject"], values["body"])
    try:
        files = await uploads.read_files(attachments.POLICY, chosen)
    except uploads.UploadProblem as problem:
        problems["files"] = (problem.key, problem.values)
        return form_page(request, values, problems, problem.status)
    if problems:
        return form_page(request, values, problems, 400)
    if store.recent_count(portal_of(request).db, visitor(request).user.id, 3600) >= HOURLY_LIMIT:
        return form_page(request, values, {"_form": ("feedback.error.rate", {"limit": HOURLY_LIMIT})}, 429)
    return create(request, values, files)


def create(request: Request, values: dict, files: list[uploads.Upload]) -> Response:
    portal, who = portal_of(request), visitor(request)
    saved = uploads.save(portal.settings, attachments.POLICY, files)
    try:
        request_id = store.create_request(portal.db, who.user, values["kind"], values["subject"], values["body"],
                                          values["page"] or None, values["nonce"], saved)
    except store.Duplicate as duplicate:  # the same form sent twice: one request, the first one
        uploads.discard(portal.settings, attachments.POLICY, [stored for _name, stored, _type, _size in saved])
        if duplicate.author_id != who.user.id:
            raise HTTPException(400, "bad_form") from None
        return redirect(f"/account/requests/{duplicate.request_id}")
    except Exception:  # no request, so no files either (a busy database, a full disk)
        uploads.discard(portal.settings, attachments.POLICY, [stored for _name, stored, _type, _size in saved])
        raise
    drafts.drop(portal.db, values.get("draft"))
    return redirect(f"/account/requests/{request_id}?notice=sent")


@requires()
async def attachment(request: Request) -> Response:
    """The file, to the author, the company's representative and staff; 404 for everyone else."""
    portal, who = portal_of(request), visitor(request)
    found = store.get_attachment(portal.db, request.path_params["attachment_id"])
    owner = store.get_request(portal.db, found.request_id) if found else None
    if found is None or owner is None or not may_see(who.user, owner):
        raise HTTPException(404)
    return attachments.attachment_response(portal.settings, found)


@requires(level="member")
async def ideas_page(request: Request) -> Response:
    who = visitor(request)
    found = ideas.list_ideas(portal_of(request).db, who.user)
    notice = who.t("feedback.ideas.supported") if request.query_params.get("notice") == "supported" else None
    return render(request, "feedback/ideas.html", {"ideas": found, "notice": notice})


@requires(level="member")
async def support(request: Request) -> Response:
    await read_form(request)
    counted = ideas.support(portal_of(request).db, request.path_params["request_id"], visitor(request).user)
    if counted is None:
        raise HTTPException(404)
    return redirect("/feedback/ideas/?notice=supported")


ROUTES = [
    Route("/feedback/new", new_request, methods=["GET", "POST"]),
    Route("/feedback/files/{attachment_id:id}", attachment, methods=["GET"]),
    Route("/feedback/ideas/", ideas_page, methods=["GET"]),
    Route("/feedback/ideas/{request_id:id}/support", support, methods=["POST"]),
]
