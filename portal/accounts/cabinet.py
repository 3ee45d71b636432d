"""The personal cabinet: /account/ overview, profile, newsletters, sessions, data export, deletion."""

from __future__ import annotations

from email.utils import parseaddr

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from portal.accounts import store as account_store
from portal.accounts.devices import device_name
from portal.accounts.phones import display_phone
from portal.accounts.profile import profile_page, save_profile, vocabularies
from portal.core import identity, passwords
from portal.core.companies import get_company
from portal.core.identity import LEVEL_RANK
from portal.core.security import csrf_token
from portal.core.sessions import end_session, list_sessions, revoke_session, revoke_sessions
from portal.web.context import portal_of, visitor
from portal.web.forms import read_form
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import club_menu, format_when, render

NOTICES = {"saved": "cabinet.saved", "confirmed": "confirm.done", "signed_out_others": "cabinet.signed_out_others",
           "signed_out_one": "cabinet.signed_out_one", "password_changed": "reset.done",
           "retry": "aud.bounce.retry_done"}



@requires()
async def cabinet(request: Request) -> Response:
    """The overview: each capability's cards (capability.cabinet_cards) the member's level shows."""
    who = visitor(request)
    notice = NOTICES.get(request.query_params.get("notice", ""))
    rank = LEVEL_RANK.get(who.user.level, 0)
    declared = [card for capability in portal_of(request).capabilities for card in capability.cabinet_cards]
    cards = [(card.template, card.values(request) if card.values else {})
             for card in sorted(declared, key=lambda card: card.order) if rank >= LEVEL_RANK[card.level]]
    return render(request, "cabinet.html", {"notice": who.t(notice) if notice else None, "cards": cards})


def profile_card(request: Request) -> dict:
    user, portal = visitor(request).user, portal_of(request)
    return {"company": get_company(portal.db, user.company_id), "phone": display_phone(user.phone),
            **vocabularies(request)}


def newsletters_card(request: Request) -> dict:
    user, portal = visitor(request).user, portal_of(request)
    topics = vocabularies(request)["topics"]
    return {"subscribed": account_store.is_subscribed(portal.db, user.id), "contact": club_address(portal),
            "topic_labels": [topics.get(key, key) for key in user.topics]}


def sessions_card(request: Request) -> dict:
    who = visitor(request)
    return {"sessions": [{"id": s.id_hash, "current": who.session and s.id_hash == who.session.id_hash,
                          "device": device_name(s.user_agent, who.t), "ip": s.ip,
                          "last_seen": format_when(s.last_seen, portal_of(request).zone)}
                         for s in list_sessions(portal_of(request).db, who.user.id)]}


@requires()
async def newsletters_page(request: Request) -> Response:
    """Consent, topics and tracking on one page, with the bounce note when mail to the address fails."""
    who = visitor(request)
    notice = NOTICES.get(request.query_params.get("notice", ""))
    portal = portal_of(request)
    return render(request, "account_newsletters.html", {
        "notice": who.t(notice) if notice else None, "topics": vocabularies(request)["topics"],
        "subscribed": account_store.is_subscribed(portal.db, who.user.id), "contact": club_address(portal),
        "club_tracking": getattr(portal.settings, "newsletter_tracking", True)})


def club_address(portal) -> str:
    """Where a member whose mail bounces can write to: the club's sender address (CLUB_MAIL_FROM)."""
    return parseaddr(portal.settings.mail_from)[1]


@requires()
async def newsletters(request: Request) -> Response:
    who = visitor(request)
    form = await read_form(request)
    club_topics = vocabularies(request)["topics"]
    chosen = set(form.many("topics"))  # values not in the club's list come only from a tampered form: dropped
    account_store.set_newsletter_choice(portal_of(request).db, who.user.id, account_store.NewsletterChoice(
        subscribed=form.checked("newsletters"), topics=[key for key in club_topics if key in chosen],
        tracking=not form.checked("no_tracking")))
    return redirect("/account/newsletters?notice=saved")


@requires()
async def retry_address(request: Request) -> Response:
    who = visitor(request)
    await read_form(request)
    identity.clear_bounce(portal_of(request).db, who.user.id)
    return redirect("/account/newsletters?notice=retry")


@requires()
async def sessions(request: Request) -> Response:
    who = visitor(request)
    portal, form = portal_of(request), await read_form(request)
    if form.text("end") == "others":
        revoke_sessions(portal.db, who.user.id, keep=who.session)
        return redirect("/account/?notice=signed_out_others")  # «Сохранено.» said nothing here (issue 18)
    if form.text("end") and revoke_session(portal.db, who.user.id, form.text("end")):
        return redirect("/account/?notice=signed_out_one")
    return redirect("/account/")


@requires()
async def export(request: Request) -> Response:
    who, portal = visitor(request), portal_of(request)
    data = account_store.export_user(portal.db, who.user)
    for capability in portal.capabilities:  # each adds what it keeps about the person (152-FZ art. 14)
        if capability.personal_data is not None:
            data.update(capability.personal_data(portal.db, who.user.id))
    return JSONResponse(data, headers={
        "Content-Disposition": 'attachment; filename="club-account.json"', "Cache-Control": "no-store"})


@requires()
async def delete_page(request: Request) -> Response:
    who = visitor(request)
    return render(request, "delete.html", {"needs_password": who.user.password_hash is not None})


@requires()
async def delete(request: Request) -> Response:
    who = visitor(request)
    portal, form = portal_of(request), await read_form(request)
    if who.user.password_hash is not None:
        ok = await passwords.verify_password_async(who.user.password_hash, form.password())
        if not ok:
            return render(request, "delete.html", {"needs_password": True,
                                                   "errors": {"password": who.t("error.password_wrong")}},
                          status_code=400)
    identity.delete_user(portal.db, who.user.id)
    response = render(request, "message.html", {"title": who.t("delete.title"), "message": who.t("delete.done")})
    end_session(portal.db, portal.settings, response, None)
    return response


async def status(request: Request) -> Response:
    """What the static site's header shows: a small JSON, never cached."""
    who = visitor(request)
    data: dict = {"signed_in": who.user is not None}
    if who.user:
        portal = portal_of(request)
        data.update({"name": who.user.name, "level": who.level, "level_label": who.t(f"level.{who.level}"),
                     "account_url": "/account/",
                     # The club menu, as portal pages show it in the header (themes/site/assets/club/club.js).
                     "menu": [{"url": url, "label": who.t(label)} for url, label in club_menu(portal, who.user)],
                     # Sign out is a POST with the session's CSRF token (ASVS 5.0 3.5.1); the answer is
                     # same-origin JSON, no-store, which another site's page cannot read.
                     "sign_out": {"url": "/account/logout", "label": who.t("nav.logout"),
                                  "csrf": csrf_token(request, portal.settings, who.session.id_hash)}})
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
