"""The company card's contents: the company, its people, its representative and manager, the next
planned contact, and the timeline every capability contributes to (capability.timeline)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.exceptions import HTTPException
from starlette.requests import Request

from portal.companies import contacts, directory
from portal.core import companies
from portal.core.capability import TimelineEntry
from portal.core.identity import get_user
from portal.web.context import portal_of, visitor
from portal.web.context import vocabularies as club_vocabularies

TIMELINE_SIZE = 50
NOTICES = {"representative": "companies.representative_saved", "moved": "companies.moved",
           "merged": "companies.merged"}


def company_or_404(request: Request) -> companies.Company:
    company = companies.get_company(portal_of(request).db, request.path_params["company_id"])
    if company is None:
        raise HTTPException(404)
    return company


def parse_when(text: str, zone: ZoneInfo) -> float | None:
    """A `datetime-local` value ("2026-12-05T14:30") in the club's time zone, as Unix seconds."""
    try:
        moment = datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return moment.replace(tzinfo=zone).timestamp()


def timeline(request: Request, company_id: int) -> list[TimelineEntry]:
    """Every capability's entries for the company, newest first, the latest TIMELINE_SIZE."""
    portal = portal_of(request)
    entries = [entry for capability in portal.capabilities if capability.timeline is not None
               for entry in capability.timeline(portal.db, company_id, TIMELINE_SIZE)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:TIMELINE_SIZE]


def card_values(request: Request, company: companies.Company) -> dict:
    db = portal_of(request).db
    merged_into = companies.get_company(db, company.merged_into) if company.merged_into else None
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return {
        "company": company, "merged_into": merged_into, "people": directory.people(db, company.id),
        "representative": get_user(db, company.representative_id) if company.representative_id else None,
        "manager": get_user(db, company.account_manager_id) if company.account_manager_id else None,
        "managers": directory.staff_people(db), "next_contact": contacts.next_planned(db, company.id),
        "planned": contacts.planned(db, company.id), "channels": contacts.CHANNELS,
        "timeline": timeline(request, company.id), "notice_key": notice,
        **club_vocabularies(portal_of(request).club, visitor(request).language)}


def company_timeline(db, company_id: int, limit: int) -> list[TimelineEntry]:
    """The companies capability's own entries: contacts planned and done, and the company's history."""
    url = f"/staff/companies/{company_id}#contacts"
    entries = [TimelineEntry(at=c.at, kind=f"timeline.{'contact' if c.done_at else 'planned'}.{c.channel}",
                             title=c.note, actor=c.staff_name, detail=c.outcome, url=url)
               for c in contacts.latest(db, company_id, limit)]
    entries += [TimelineEntry(at=change.at, kind=f"timeline.change_{change.kind}", title=change.note,
                              detail=f"{readable(db, change, change.old)} → {readable(db, change, change.new)}")
                for change in companies.changes(db, company_id, limit)]
    return entries


PERSON_CHANGES = ("representative", "manager")
COMPANY_CHANGES = ("move", "merge")


def readable(db, change: companies.Change, value: str | None) -> str:
    """A logged value as staff read it: people by name (the log keeps ids, which outlive renames)."""
    if value is None or value == "":
        return "—"
    if change.kind in PERSON_CHANGES and value.isdigit():
        person = get_user(db, int(value))
        return person.name if person else f"#{value}"
    if change.kind in COMPANY_CHANGES and value.isdigit():
        company = companies.get_company(db, int(value))
        return company.name if company else f"#{value}"
    return value
