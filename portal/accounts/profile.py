"""/account/profile: name, company, phone, role in the company and the rest. Company + valid phone make a member.

What the member hears about (topics) is chosen on the newsletters page (cabinet.py), not here.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from portal.accounts.phones import display_phone, normalise_phone
from portal.core import identity
from portal.core.companies import (
    company_key,
    fill_missing_details,
    find_or_create_company,
    get_company,
    inn_is_valid,
)
from portal.core.security import safe_next
from portal.web.context import Visitor, portal_of, visitor
from portal.web.context import vocabularies as club_vocabularies
from portal.web.forms import Form, read_form
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render


def vocabularies(request: Request) -> dict[str, dict[str, str]]:
    return club_vocabularies(portal_of(request).club, visitor(request).language)


def current_values(request: Request, user: identity.User) -> dict:
    company = get_company(portal_of(request).db, user.company_id)
    return {"name": user.name, "company": company.name if company else "", "inn": (company.inn if company else "")
            or "", "phone": display_phone(user.phone), "position": user.position or "",
            "segment": user.segment or "", "region": user.region or "", "job_role": user.job_role or "",
            "language": user.language}


@requires()
async def profile_page(request: Request) -> Response:
    who = visitor(request)
    return render(request, "profile.html", {"values": current_values(request, who.user),
                                            "next": safe_next(request.query_params.get("next"), ""),
                                            **vocabularies(request)})


def read_profile(form: Form, vocab: dict, who: Visitor) -> tuple[dict, dict]:
    values = {name: form.text(name, 1000) for name in ("inn", "phone", "segment", "region", "job_role", "language")}
    values.update({name: form.line(name, 1000) for name in ("name", "company", "position")})  # shown and mailed
    errors = {}
    if not values["name"]:
        errors["name"] = who.t("error.name_required")
    elif len(values["name"]) > 200:
        errors["name"] = who.t("error.name_too_long")
    if values["phone"] and normalise_phone(values["phone"]) is None:
        errors["phone"] = who.t("error.phone_invalid")
    if values["inn"] and not inn_is_valid(values["inn"].replace(" ", "")):
        errors["inn"] = who.t("error.inn_invalid")
    for name, vocabulary in (("segment", vocab["segments"]), ("region", vocab["regions"]),
                             ("job_role", vocab["roles"])):
        if values[name] and values[name] not in vocabulary:
            errors[name] = who.t("error.choice_invalid")
    if values["language"] not in ("ru", "en"):
        errors["language"] = who.t("error.choice_invalid")
    if values["company"] and not company_key(values["company"]):  # only a legal form or punctuation
        errors["company"] = who.t("error.company_required")
    if len(values["company"]) > 200 or len(values["position"]) > 200:
        errors["company" if len(values["company"]) > 200 else "position"] = who.t("error.name_too_long")
    return values, errors


@requires()
async def save_profile(request: Request) -> Response:
    who = visitor(request)
    portal, form = portal_of(request), await read_form(request)
    vocab = vocabularies(request)
    values, errors = read_profile(form, vocab, who)
    next_path = safe_next(form.text("next"), "")
    if errors:
        return render(request, "profile.html", {"values": values, "errors": errors, "next": next_path, **vocab},
                      status_code=400)
    company = None
    if values["company"]:
        company = find_or_create_company(portal.db, values["company"], values["inn"].replace(" ", "") or None)
        # A new company takes its first member's segment and region; staff correct them on its card.
        fill_missing_details(portal.db, company.id, values["segment"] or None, values["region"] or None)
    identity.update_profile(portal.db, who.user.id, identity.ProfileUpdate(
        name=values["name"], company_id=company.id if company else None,
        phone=normalise_phone(values["phone"]) if values["phone"] else None,
        position=values["position"] or None, segment=values["segment"] or None, region=values["region"] or None,
        job_role=values["job_role"] or None, language=values["language"]))
    return redirect(next_path or "/account/?notice=saved")
