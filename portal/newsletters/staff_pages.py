"""Staff pages for newsletters: the list (/staff/newsletters/) and one page per built e-mail.

The page of an e-mail shows its audience by segment, region and variant, a personalised sample and
the form to queue it (next slot, a chosen time, now), its sends with progress and a cancel button.
Roles staff, editor and admin only: moderators look after the forum, not the club's mail.

The sample is the recipient's real HTML in an `<iframe sandbox srcdoc>`: no scripts, no forms, an
opaque origin, and the portal's CSP still applies inside, so the letter's markup cannot touch the page.
"""

from __future__ import annotations

from datetime import datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.identity import normalise_email
from portal.newsletters import queue as nl
from portal.newsletters.message import personalise
from portal.newsletters.model import Newsletter, get_newsletter
from portal.web.context import Visitor, portal_of, visitor
from portal.web.forms import read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render
from site_builder.contract import MailArtefact, MailArtefactError, list_artefacts, load_artefact, page_key

AT_ERRORS = {"nl.error.bad_at", "nl.error.past", "nl.error.no_such_time", "nl.error.at_missing"}



def formatter(who: Visitor, timezone: str):
    """Times for templates: "вт 01.12.2026 12:30" in the club's time zone."""
    days = who.t("nl.weekdays").split()

    def when(value: float | datetime | None) -> str:
        if not value:
            return ""
        moment = value if isinstance(value, datetime) else datetime.fromtimestamp(value, nl.zone(timezone))
        return f"{days[moment.weekday()]} {moment:%d.%m.%Y %H:%M}"
    return when


def common(request: Request, who: Visitor) -> tuple[nl.ClubView, dict]:
    club = nl.club_view(portal_of(request).club, who.language)
    when = formatter(who, club.timezone)
    next_slot = nl.next_slot(datetime.now(nl.zone(club.timezone)), club.timezone, club.slots)
    return club, {"when": when, "zone": club.timezone, "next_slot": when(next_slot), "club": club,
                  "config_problem": club.problem}


@requires(roles=nl.NEWSLETTER_ROLES)
async def index(request: Request) -> Response:
    who = visitor(request)
    portal = portal_of(request)
    _, context = common(request, who)
    letters, problems = list_artefacts(portal.settings.site_dir)
    sends = nl.statuses(portal.db)
    latest: dict[str, nl.NewsletterStatus] = {}
    for item in sends:
        latest.setdefault(item.newsletter.page, item)
    return render(request, "newsletter_list.html", {
        **context, "letters": letters, "latest": latest, "sends": sends, "problems": problems,
        "built_pages": {letter.page for letter in letters}})


@requires(roles=nl.NEWSLETTER_ROLES)
async def letter_page(request: Request) -> Response:
    who = visitor(request)
    return detail(request, who, request.path_params["key"], notice=notice_of(request, who))


@requires(roles=nl.NEWSLETTER_ROLES)
async def by_id(request: Request) -> Response:
    letter = lookup(request, request.path_params["newsletter_id"])
    if letter is None:
        raise HTTPException(404)
    return redirect(page_url(letter.page))


def lookup(request: Request, number: int | str) -> Newsletter | None:
    """The newsletter with this number; None also for numbers SQLite cannot hold (never a 500)."""
    value = whole_number(str(number))
    return get_newsletter(portal_of(request).db, value) if value else None


def page_url(key: str) -> str:
    return f"/staff/newsletters/page/{key}"


def notice_of(request: Request, who: Visitor) -> str | None:
    for name, key in (("queued", "nl.queued"), ("cancelled", "nl.cancelled")):
        letter = lookup(request, request.query_params.get(name, ""))
        if letter is not None:
            club = nl.club_view(portal_of(request).club)
            return who.t(key, id=letter.id, when=formatter(who, club.timezone)(letter.scheduled_at))
    return None


def shown_letter(request: Request, key: str) -> tuple[MailArtefact | None, MailArtefact | None, bool]:
    """(the built e-mail, the one to show, whether the queued copy differs from the build).

    While a send is queued or going, staff see what will really go out: the copy taken when queuing.
    """
    portal = portal_of(request)
    try:
        built = load_artefact(portal.settings.site_dir, key)
    except MailArtefactError:
        built = None
    history = nl.list_newsletters(portal.db, key)
    active = next((n for n in history if n.status in nl.ACTIVE), None)
    source = active or (history[0] if history and built is None else None)
    if source is None:
        return built, built, False
    stored = get_newsletter(portal.db, source.id)
    try:
        copy = stored.mail if stored else None
    except MailArtefactError:
        copy = None
    differs = active is not None and built is not None and stored is not None and stored.mail_json != built.to_json()
    return built, copy or built, differs


def detail(request: Request, who: Visitor, raw_key: str, *, values: dict | None = None,
           errors: dict | None = None, status_code: int = 200, notice: str | None = None) -> Response:
    portal = portal_of(request)
    key = page_key(raw_key)
    built, shown, differs = shown_letter(request, key)
    if shown is None:
        raise HTTPException(404)
    club, context = common(request, who)
    history = nl.statuses(portal.db, key)
    return render(request, "newsletter_page.html", {
        **context, "key": key, "letter": shown, "built": built, "differs": differs, "history": history,
        "active": any(h.newsletter.status in nl.ACTIVE for h in history),
        "sent_before": nl.sent_before(portal.db, key) is not None,
        "breakdown": nl.audience_breakdown(portal.db, shown, club.segments, club.regions, who.t("nl.none")),
        "rules": rules(shown, club, who), "sample": sample(request, shown),
        "values": values or {"when": "slot"}, "errors": errors or {}, "notice": notice}, status_code=status_code)


def rules(letter: MailArtefact, club: nl.ClubView, who: Visitor) -> list[tuple[str, str]]:
    names = {"segments": club.segments, "regions": club.regions, "roles": club.roles, "topics": club.topics}
    return [(who.t(f"nl.rule.{key}"), ", ".join(names[key].get(v, v) for v in values) if values
             else who.t("nl.rule.everyone")) for key, values in letter.audience.items()]


def sample(request: Request, letter: MailArtefact) -> dict:
    """The personalised sample for ?variant= (full | preview) or ?to=e-mail, tracking off."""
    db = portal_of(request).db
    variants = ["full"] + (["preview"] if letter.preview is not None else [])
    wanted = request.query_params.get("to", "")[:254]
    recipient = nl.recipient_by_email(db, normalise_email(wanted) or "") if wanted else None
    to_unknown = bool(wanted) and recipient is None
    if recipient is not None:
        variant = nl.variant_of(letter, recipient.user)
    else:
        variant = request.query_params.get("variant", "full")
        variant = variant if variant in variants else "full"
        recipient = nl.first_recipient(db, letter, variant)
    send = nl.sample_send(letter, recipient, variant)
    result = {"variants": variants, "variant": variant, "send": send, "to": wanted, "made_up": recipient is None,
              "to_unknown": to_unknown, "mail": None, "problem": None}
    try:
        result["mail"] = personalise(letter, send, portal_of(request).settings)
    except MailArtefactError as exc:
        result["problem"] = str(exc)
    return result


@requires(roles=nl.NEWSLETTER_ROLES)
async def queue(request: Request) -> Response:
    who = visitor(request)
    portal, form = portal_of(request), await read_form(request)
    key = page_key(request.path_params["key"])
    values = {"when": form.text("when", 10), "at": form.text("at", 200), "again": form.checked("again")}
    try:
        letter = load_artefact(portal.settings.site_dir, key)
    except MailArtefactError:
        raise HTTPException(404) from None
    try:
        at = chosen_time(values, nl.club_view(portal.club))
        queued = nl.queue_newsletter(portal.db, letter, at, who.user.id if who.user else None,
                                     again=values["again"])
    except nl.QueueError as exc:
        field = "at" if exc.key in AT_ERRORS else "_form"
        return detail(request, who, key, values=values, errors={field: refusal(exc, who, portal.club)},
                      status_code=400)
    return redirect(f"{page_url(key)}?queued={queued.id}")


def refusal(exc: nl.QueueError, who: Visitor, club) -> str:
    """The refusal in the visitor's language, times written as on the rest of the page."""
    values = dict(exc.values)
    if values.get("at"):
        values["when"] = formatter(who, nl.club_view(club).timezone)(values["at"])
    return who.t(exc.key, **values)


def chosen_time(values: dict, club: nl.ClubView) -> datetime:
    now = datetime.now(nl.zone(club.timezone))
    if values["when"] == "slot":
        return nl.next_slot(now, club.timezone, club.slots)
    if values["when"] == "now":
        return now
    if values["when"] != "at":
        raise nl.QueueError("nl.error.when", "choose when to send")
    if not values["at"]:
        raise nl.QueueError("nl.error.at_missing", "enter the date and time")
    return nl.parse_at(values["at"], club.timezone, now)


@requires(roles=nl.NEWSLETTER_ROLES)
async def cancel(request: Request) -> Response:
    who = visitor(request)
    portal = portal_of(request)
    await read_form(request)  # the CSRF check
    letter = lookup(request, request.path_params["newsletter_id"])
    if letter is None:
        raise HTTPException(404)
    try:
        nl.cancel_newsletter(portal.db, letter.id)
    except nl.QueueError as exc:
        return detail(request, who, letter.page, errors={"_form": refusal(exc, who, portal.club)}, status_code=400)
    return redirect(f"{page_url(letter.page)}?cancelled={letter.id}")


ROUTES = [
    Route("/staff/newsletters", index, methods=["GET"]),
    Route("/staff/newsletters/", index, methods=["GET"]),
    Route("/staff/newsletters/page/{key:path}", letter_page, methods=["GET"]),
    Route("/staff/newsletters/page/{key:path}", queue, methods=["POST"]),
    Route("/staff/newsletters/{newsletter_id:id}", by_id, methods=["GET"]),
    Route("/staff/newsletters/{newsletter_id:id}/cancel", cancel, methods=["POST"]),
]
