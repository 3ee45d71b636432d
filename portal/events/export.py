"""One event's registrations as staff see them: each row with its company, segment, region and who
registered it; the filters of /staff/events/<slug>/; and the same rows as a table for CSV and XLSX.

The staff page, its downloads and `club events export` all build their rows here, so the three never
disagree about what a column holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from portal.core.companies import Company, get_company
from portal.core.identity import User, get_user
from portal.events import attendance, store
from portal.events.model import STATUSES, Registration
from portal.web.csvfile import text_cell
from portal.web.xlsxfile import MEDIA_TYPE
from portal.web.xlsxfile import xlsx_bytes as workbook
from site_builder.contract import EventEntry

FORMATS = ("csv", "xlsx")
XLSX_TYPE = MEDIA_TYPE
DATE_FORMAT = "DD.MM.YYYY HH:MM"
COLUMNS = ("position", "status", "person", "email", "company", "segment", "region", "by", "created", "changed",
           "attended")


@dataclass(frozen=True)
class Filters:
    status: str = ""
    company: int | None = None
    segment: str = ""
    region: str = ""

    def query(self) -> dict[str, str]:
        """The filters as query parameters (only the ones set), for the export links."""
        pairs = {"status": self.status, "company": str(self.company or ""), "segment": self.segment,
                 "region": self.region}
        return {key: value for key, value in pairs.items() if value}


@dataclass(frozen=True)
class Line:
    """A registration with what staff filter and read it by."""

    registration: Registration
    company_id: int | None
    company: str
    segment: str  # a vocabulary key (the company's, else the person's own), or ""
    region: str
    by: str  # who registered the person: themselves, a colleague or staff
    present: bool | None = None  # the latest check-in mark: here, marked absent, or never marked


def lines(db: Database, event: EventEntry) -> list[Line]:
    """Every row of the event, in arrival order."""
    users: dict[int, User | None] = {}
    companies: dict[int, Company | None] = {}

    def user(user_id: int | None) -> User | None:
        if user_id is None:
            return None
        if user_id not in users:
            users[user_id] = get_user(db, user_id)
        return users[user_id]

    def company(company_id: int | None) -> Company | None:
        if company_id is None:
            return None
        if company_id not in companies:
            companies[company_id] = get_company(db, company_id)
        return companies[company_id]

    found, marks = [], attendance.of_event(db, event.slug)
    for row in store.of_event(db, event.slug):
        person, firm, by = user(row.user_id), company(row.company_id), user(row.registered_by)
        segment = (firm.segment if firm else None) or (person.segment if person else None) or ""
        region = (firm.region if firm else None) or (person.region if person else None) or ""
        found.append(Line(row, row.company_id, firm.name if firm else "", segment, region, by.name if by else "",
                          marks.get(row.id)))
    return found


def matching(found: list[Line], filters: Filters) -> list[Line]:
    return [line for line in found
            if (not filters.status or line.registration.status == filters.status)
            and (filters.company is None or line.company_id == filters.company)
            and (not filters.segment or line.segment == filters.segment)
            and (not filters.region or line.region == filters.region)]


def counts(found: list[Line]) -> dict[str, int]:
    """How many rows of each status, every status present (0 when none)."""
    tally = dict.fromkeys(STATUSES, 0)
    for line in found:
        tally[line.registration.status] = tally.get(line.registration.status, 0) + 1
    return tally


def companies_of(found: list[Line]) -> list[tuple[int, str]]:
    """The companies that have a row, by name: the choices of the company filter."""
    return sorted({(line.company_id, line.company) for line in found if line.company_id is not None},
                  key=lambda pair: (pair[1].casefold(), pair[0]))


def local(timestamp: float, zone: ZoneInfo) -> datetime:
    """A naive datetime on the club's clock: spreadsheets keep no zone, so the wall time is what they show."""
    return datetime.fromtimestamp(timestamp, zone).replace(tzinfo=None)


def table(event: EventEntry, found: list[Line], t: Callable[[str], str], vocab: dict[str, dict[str, str]],
          zone: ZoneInfo) -> list[list]:
    """The header row, then one row per registration: times as datetimes, a column per question."""
    header = [t(f"events.export.{key}") for key in COLUMNS] + [q.label for q in event.questions]
    rows: list[list] = [[text_cell(cell) for cell in header]]
    for line in found:
        row = line.registration
        texts = [t(f"events.staff.status.{row.status}"), row.user_name, row.user_email, line.company,
                 vocab["segments"].get(line.segment, line.segment), vocab["regions"].get(line.region, line.region),
                 line.by]
        answers = [row.answers.get(q.name, "") for q in event.questions]
        attended = "" if line.present is None else t(f"events.export.present.{'yes' if line.present else 'no'}")
        rows.append([row.position, *(text_cell(cell) for cell in texts), local(row.created_at, zone),
                     local(row.updated_at, zone), attended, *(text_cell(answer) for answer in answers)])
    return rows


def csv_table(rows: list[list]) -> list[list]:
    """The table for CSV: times written as the club writes them (18.02.2027 09:30)."""
    return [[cell.strftime("%d.%m.%Y %H:%M") if isinstance(cell, datetime) else cell for cell in row] for row in rows]


def xlsx_bytes(rows: list[list], title: str) -> bytes:
    """The table as a workbook: an autofilter over the header, times as real dates. A cell a person typed (a
    name, an answer) went through text_cell, so a spreadsheet never runs "=HYPERLINK(...)" from a form."""
    return workbook(rows, title, fallback="Event", autofilter=True,
                    number_format=lambda cell: DATE_FORMAT if isinstance(cell.value, datetime) else None)


def filename(event: EventEntry, fmt: str) -> str:
    """ASCII only: the name goes into a Content-Disposition header as is."""
    return f"{re.sub(r'[^A-Za-z0-9._-]+', '-', event.slug).strip('-') or 'event'}.{fmt}"
