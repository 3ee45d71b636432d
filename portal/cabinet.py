"""The personal cabinet: /account/ overview, profile, newsletters, sessions, data export, deletion."""

from __future__ import annotations

from email.utils import parseaddr

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import accounts, passwords
from .companies import get_company
from .context import Visitor, portal_of, visitor
from .forms import read_form
from .navigation import login_redirect, redirect
from .phones import display_phone
from .profile import profile_page, save_profile, vocabularies
from .sessions import end_session, list_sessions, revoke_session, revoke_sessions
from .templating import format_when, render

NOTICES = {"saved": "cabinet.saved", "password_changed": "reset.done", "retry": "aud.bounce.retry_done"}


def signed_in(request: Request) -> Visitor | Response:
    """The visitor if signed in; otherwise the redirect to sign in and come back."""
    who = visitor(request)
    if who.user is None:
        return login_redirect(request)
    return who


async def cabinet(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    portal, user = portal_of(request), who.user
    notice = NOTICES.get(request.query_params.get("notice", ""))
    sessions = [{"id": s.id_hash, "current": who.session and s.id_hash == who.session.id_hash,
                 "user_agent": s.user_agent or "?", "ip": s.ip,
                 "last_seen": format_when(s.last_seen, portal.zone)}
                for s in list_sessions(portal.db, user.id)]
    company, vocab = get_company(portal.db, user.company_id), vocabularies(request)
    return render(request, "cabinet.html", {
        "notice": who.t(notice) if notice else None, "company": company, "phone": display_phone(user.phone),
        "sessions": sessions, "subscribed": accounts.is_subscribed(portal.db, user.id),
        "sections": member_sections(portal), "club": portal.club, **vocab,
        "topic_labels": [vocab["topics"].get(key, key) for key in user.topics], "contact": club_address(portal),
        "forum_digest": portal.db.execute("SELECT forum_digest FROM users WHERE id = ?", [user.id]).fetchone()[0]})


def member_sections(portal) -> list[dict]:
    """Gated pages grouped by section, from the manifest, for the cabinet's quick links."""
    pages = portal.site.gated.pages()
    return [{"url": url, "title": entry["title"], "access": entry["access"]}
            for url, entry in sorted(pages.items(), key=lambda item: item[1]["title"])][:20]


async def newsletters_page(request: Request) -> Response:
    """Consent, topics and tracking on one page, with the bounce note when mail to the address fails."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    notice = NOTICES.get(request.query_params.get("notice", ""))
    portal = portal_of(request)
    return render(request, "account_newsletters.html", {
        "notice": who.t(notice) if notice else None, "topics": vocabularies(request)["topics"],
        "subscribed": accounts.is_subscribed(portal.db, who.user.id), "contact": club_address(portal),
        "club_tracking": getattr(portal.settings, "newsletter_tracking", True)})


def club_address(portal) -> str:
    """Where a member whose mail bounces can write to: the club's sender address (CLUB_MAIL_FROM)."""
    return parseaddr(portal.settings.mail_from)[1]


async def newsletters(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    form = await read_form(request)
    club_topics = vocabularies(request)["topics"]
    chosen = set(form.many("topics"))  # values not in the club's list come only from a tampered form: dropped
    accounts.set_newsletter_choice(portal_of(request).db, who.user.id, accounts.NewsletterChoice(
        subscribed=form.checked("newsletters"), topics=[key for key in club_topics if key in chosen],
        tracking=not form.checked("no_tracking")))
    return redirect("/account/newsletters?notice=saved")


async def retry_address(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    await read_form(request)
    accounts.clear_bounce(portal_of(request).db, who.user.id)
    return redirect("/account/newsletters?notice=retry")


async def sessions(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    portal, form = portal_of(request), await read_form(request)
    if form.text("end") == "others":
        revoke_sessions(portal.db, who.user.id, keep=who.session)
    elif form.text("end"):
        revoke_session(portal.db, who.user.id, form.text("end"))
    return redirect("/account/?notice=saved")


async def export(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    data = accounts.export_user(portal_of(request).db, who.user)
    return JSONResponse(data, headers={
        "Content-Disposition": 'attachment; filename="club-account.json"', "Cache-Control": "no-store"})


async def delete_page(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    return render(request, "delete.html", {"needs_password": who.user.password_hash is not None})


async def delete(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    portal, form = portal_of(request), await read_form(request)
    if who.user.password_hash is not None:
        ok = await passwords.verify_password_async(who.user.password_hash, form.password())
        if not ok:
            return render(request, "delete.html", {"needs_password": True,
                                                   "errors": {"password": who.t("error.password_wrong")}},
                          status_code=400)
    accounts.delete_user(portal.db, who.user.id)
    response = render(request, "message.html", {"title": who.t("delete.title"), "message": who.t("delete.done")})
    end_session(portal.db, portal.settings, response, None)
    return response


async def status(request: Request) -> Response:
    """What the static site's header shows: a small JSON, never cached."""
    who = visitor(request)
    data: dict = {"signed_in": who.user is not None}
    if who.user:
        data.update({"name": who.user.name, "level": who.level, "level_label": who.t(f"level.{who.level}"),
                     "account_url": "/account/"})
    return JSONResponse(data, headers={"Cache-Control": "no-store", "Vary": "Cookie"})


ROUTES = [
    Route("/account/", cabinet, methods=["GET"]),
    Route("/account/profile", profile_page, methods=["GET"]),
    Route("/account/profile", save_profile, methods=["POST"]),
    Route("/account/newsletters", newsletters_page, methods=["GET"]),
    Route("/account/newsletters", newsletters, methods=["POST"]),
    Route("/account/newsletters/retry", retry_address, methods=["POST"]),
    Route("/account/sessions", sessions, methods=["POST"]),
    Route("/account/export", export, methods=["GET"]),
    Route("/account/delete", delete_page, methods=["GET"]),
    Route("/account/delete", delete, methods=["POST"]),
    Route("/account/status", status, methods=["GET"]),
]
