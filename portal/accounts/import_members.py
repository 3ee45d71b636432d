"""`club members import FILE.csv`: bring the club's existing mailing list into the portal.

The file: a header row naming the columns (name, email, company, phone, segment, region, role, topics,
consent_at; extra columns are ignored), UTF-8 with or without BOM or Windows-1251, `,` or `;` between
cells. Every row is checked on its own; a bad row is refused with `FILE:LINE: reason, how to fix` and the
others go in. All writes happen in one transaction, so a crash leaves the database as it was.

The rule for people already in the database (same e-mail): the file only fills what is empty. What a
member set in the portal is never overwritten, and for people who use the portal themselves (a password,
an external sign-in or a staff role) the import neither confirms the address nor subscribes them: they
chose in the portal. A person the club knows only from imports is subscribed when the file records
consent, unless they unsubscribed after the date the file gives. Running a file twice changes nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
from sqlite_utils import Database

from portal.accounts.phones import DEFAULT_REGION, normalise_phone
from portal.core.companies import company_key, find_or_create_company
from portal.core.db import now_iso
from portal.core.identity import find_user_by_email, normalise_email
from portal.core.oneline import one_line

COLUMNS = ("name", "email", "company", "phone", "segment", "region", "role", "topics", "consent_at")
REQUIRED = ("name", "email", "consent_at")
ALIASES = {"e_mail": "email", "имя": "name", "фио": "name", "почта": "email", "компания": "company",
           "телефон": "phone", "сегмент": "segment", "регион": "region", "роль": "role", "темы": "topics",
           "согласие": "consent_at", "дата_согласия": "consent_at"}
DELIMITERS = (",", ";", "\t")
DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S")
_TOPIC_SEPARATORS = re.compile(r"[,;|]")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (nothing was written)."""


@dataclass(frozen=True)
class Vocabularies:
    segments: dict[str, str]
    regions: dict[str, str]
    roles: dict[str, str]
    topics: dict[str, str]

    @classmethod
    def of(cls, club) -> Vocabularies:
        """From the club's ClubConfig; the shipped defaults without one."""
        if club is None:
            from site_builder.config import DEFAULT_ROLES, DEFAULT_SEGMENTS, DEFAULT_TOPICS

            return cls(DEFAULT_SEGMENTS, {}, DEFAULT_ROLES, DEFAULT_TOPICS)
        return cls(club.segments, club.regions, club.roles, club.topics)


@dataclass(frozen=True)
class Person:
    """One row that passed the checks, in the portal's terms."""

    line: int
    email: str
    name: str
    company: str
    phone: str | None
    segment: str | None
    region: str | None
    job_role: str | None
    topics: list[str]
    consent_at: str | None  # ISO-8601 UTC, like the portal's other text times


@dataclass
class Report:
    file: str
    encoding: str = ""
    delimiter: str = ","
    dry_run: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    taken: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)  # "FILE:LINE: reason, how to fix"
    notes: list[str] = field(default_factory=list)  # accepted rows where the file's wish was not applied

    def lines(self) -> list[str]:
        names = {",": "','", ";": "';'", "\t": "tab"}
        out = [f"{self.file}: read as {self.encoding}, cells separated by {names[self.delimiter]}"]
        if self.ignored_columns:
            out.append(f"{self.file}: columns ignored (not used by the club): {', '.join(self.ignored_columns)}")
        out += self.refused + self.notes
        verb = "would be" if self.dry_run else "were"
        out.append(f"taken (new): {self.taken}, updated: {self.updated}, unchanged: {self.unchanged}, "
                   f"refused: {len(self.refused)}" + (f" — dry run: nothing {verb} written" if self.dry_run else ""))
        return out


# --- reading the file ------------------------------------------------------------------------


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and the name of its encoding: UTF-8 (BOM or not), else Windows-1251."""
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(f"{path}: this is an Excel workbook, not CSV; in Excel choose "
                              "File → Save As → «CSV UTF-8 (разделители — запятые)» and import that file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        raise ImportFileError(f"{path}: the file is UTF-16 («Unicode text»); save it as «CSV UTF-8» instead")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"{path}: starts like UTF-8 but byte {exc.start} is not UTF-8; "
                                  "save the file again as «CSV UTF-8»") from exc
    try:  # strict: Windows-1251 text almost never happens to be valid UTF-8
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251"), "Windows-1251"
    except UnicodeDecodeError as exc:  # 0x98 is the one byte cp1251 leaves undefined
        raise ImportFileError(f"{path}: neither UTF-8 nor Windows-1251 (byte {exc.start}); "
                              "save the file as «CSV UTF-8»") from exc


def column_name(cell: str) -> str:
    """'E-mail ' -> 'email', 'Consent at' -> 'consent_at', 'Телефон' -> 'phone'."""
    key = re.sub(r"[\s\-]+", "_", cell.strip().strip('"').casefold())
    return ALIASES.get(key, key)


def read_header(text: str, path: Path) -> tuple[str, list[str]]:
    """The delimiter that makes the most known column names out of the first line, and those names."""
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise ImportFileError(f"{path}:1: the file is empty or starts with an empty line; the first line must "
                              f"name the columns: {','.join(COLUMNS)}")
    best = max(DELIMITERS, key=lambda d: sum(column_name(c) in COLUMNS for c in next(csv.reader([first],
                                                                                              delimiter=d))))
    names = [column_name(cell) for cell in next(csv.reader([first], delimiter=best))]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise ImportFileError(f"{path}:1: no column {', '.join(missing)} in the header ({first.strip()[:200]!r}); "
                              f"the first line must name the columns: {','.join(COLUMNS)} "
                              f"(required: {', '.join(REQUIRED)}; the others may be left out)")
    for name in COLUMNS:
        if names.count(name) > 1:
            raise ImportFileError(f"{path}:1: the column {name} appears {names.count(name)} times; keep one")
    return best, names


def rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(physical line where the row starts, cells) for every row after the header, blank rows skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    end = 0
    for cells in reader:
        start, end = end + 1, reader.line_num  # a quoted cell may span lines: report where the row begins
        if start > 1 and any(cell.strip() for cell in cells):
            yield start, cells


# --- checking one row ------------------------------------------------------------------------


def fold(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())


def choice(value: str, vocabulary: dict[str, str], what: str, setting: str) -> str | None:
    """The vocabulary key for a key or a label (any case); ValueError naming the choices otherwise."""
    if not value:
        return None
    for key, label in vocabulary.items():
        if fold(value) in (fold(key), fold(label)):
            return key
    if not vocabulary:
        raise ValueError(f"{what} {value!r}: the club has no {setting} configured (extra.club.{setting} in "
                         "mkdocs.yml); leave the cell empty")
    known = "; ".join(f"{key} ({label})" for key, label in vocabulary.items())
    raise ValueError(f"unknown {what} {value!r}; write one of the keys or labels — {known} — or leave it empty")


def phone_problem(text: str) -> str:
    """Why libphonenumber refuses the number, in words an operator can act on."""
    parse_error, result = phonenumbers.NumberParseException, phonenumbers.ValidationResult
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except parse_error as exc:
        return {parse_error.INVALID_COUNTRY_CODE: "has an unknown country code",
                parse_error.TOO_SHORT_NSN: "has too few digits",
                parse_error.TOO_LONG: "has too many digits"}.get(exc.error_type, "is not a phone number")
    return {result.TOO_SHORT: "has too few digits", result.TOO_LONG: "has too many digits",
            result.INVALID_COUNTRY_CODE: "has an unknown country code",
            }.get(phonenumbers.is_possible_number_with_reason(number), "is not a valid number in its country")


def consent_time(text: str, zone: ZoneInfo, now: datetime) -> str | None:
    """ISO date/time or dd.mm.yyyy[ hh:mm[:ss]] (club time when no offset is given) -> ISO UTC text."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
        for pattern in DATE_FORMATS:
            try:
                moment = datetime.strptime(text, pattern)  # naive: the club zone is set just below
                break
            except ValueError:
                continue
    if moment is None:
        raise ValueError(f"consent_at {text!r} is not a date; write 2024-03-15, 2024-03-15 14:30 or 15.03.2024 "
                         "14:30, or leave it empty if the person did not agree to newsletters")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    if moment > now:
        raise ValueError(f"consent_at {text!r} is in the future; check the date")
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def check_row(line: int, values: dict[str, str], vocab: Vocabularies, zone: ZoneInfo, now: datetime) -> Person:
    """The row as a Person; ValueError with the reason and the fix when a cell is wrong."""
    raw_email = values.get("email", "")
    email = normalise_email(raw_email)
    if email is None:
        raise ValueError(f"e-mail {raw_email!r} is not an address; correct it or delete the row" if raw_email
                         else "no e-mail; every person needs one (or delete the row)")
    name, company, phone = (one_line(values.get(key, "")) for key in ("name", "company", "phone"))
    if len(name) > 200 or len(company) > 200:
        raise ValueError(f"the {'name' if len(name) > 200 else 'company'} is longer than 200 characters; shorten it")
    if company and not company_key(company):
        raise ValueError(f"company {company!r} has no name besides the legal form; write the company's name")
    if phone and normalise_phone(phone) is None:
        raise ValueError(f"phone {phone!r} {phone_problem(phone)}; write it like +7 912 345-67-89 "
                         "or leave the cell empty")
    topics = []
    for part in _TOPIC_SEPARATORS.split(values.get("topics", "")):
        key = choice(part.strip(), vocab.topics, "topic", "topics")
        if key and key not in topics:
            topics.append(key)
    return Person(
        line=line, email=email, name=name, company=company, phone=normalise_phone(phone) if phone else None,
        segment=choice(values.get("segment", ""), vocab.segments, "segment", "segments"),
        region=choice(values.get("region", ""), vocab.regions, "region", "regions"),
        job_role=choice(values.get("role", ""), vocab.roles, "role", "roles"),
        topics=[key for key in vocab.topics if key in topics],
        consent_at=consent_time(values.get("consent_at", ""), zone, now))


# --- writing ---------------------------------------------------------------------------------


def import_members(db: Database, path: Path, vocab: Vocabularies, *, zone: ZoneInfo, language: str = "ru",
                   dry_run: bool = False) -> Report:
    """Check and write every row in one transaction (rolled back at the end under dry_run)."""
    text, encoding = read_text(path)
    delimiter, names = read_header(text, path)
    report = Report(file=str(path), encoding=encoding, delimiter=delimiter, dry_run=dry_run,
                    ignored_columns=[n for n in dict.fromkeys(names) if n and n not in COLUMNS])
    now, stamp = datetime.now(UTC), now_iso()
    seen: dict[str, int] = {}
    with db.conn:  # one transaction: a crash (or Ctrl-C) part-way leaves nothing half-imported
        db.conn.execute("BEGIN IMMEDIATE")  # take the write lock now, not half-way through the file
        try:
            for line, cells in rows(text, delimiter):
                values = {name: cell.strip() for name, cell in zip(names, cells, strict=False) if name in COLUMNS}
                where = f"{path}:{line}: "
                try:
                    person = check_row(line, values, vocab, zone, now)
                    if person.email in seen:
                        raise ValueError(f"{person.email} is already on line {seen[person.email]}; "
                                         "keep one row per person")
                    seen[person.email] = line
                    outcome = write_person(db, person, stamp, language, report)
                except ValueError as exc:
                    report.refused.append(where + str(exc))
                    continue
                setattr(report, outcome, getattr(report, outcome) + 1)
        except csv.Error as exc:  # e.g. a cell beyond csv's field size limit: the file is damaged
            raise ImportFileError(f"{path}: cannot read the file as CSV ({exc})") from exc
        if dry_run:
            db.conn.execute("ROLLBACK")
    return report


def write_person(db: Database, person: Person, stamp: str, language: str, report: Report) -> str:
    """'taken', 'updated' or 'unchanged'; ValueError (a refusal) for a new person without a name."""
    user = find_user_by_email(db, person.email)
    if user is None:
        if not person.name:
            raise ValueError("no name for a new person; write the full name")
        create_person(db, person, stamp, language)
        return "taken"
    changes = blank_fills(db, user, person)
    portal_user = uses_portal(db, user)
    if person.consent_at and not user.confirmed and not portal_user:
        # An address that signs in is confirmed only by its owner (a link): never by a file (pre-hijacking).
        changes["email_confirmed_at"] = person.consent_at
    subscribe = person.consent_at is not None and not is_subscribed(db, user.id)
    if subscribe and portal_user:
        subscribe = False
        report.notes.append(f"{report.file}:{person.line}: {person.email} manages newsletters in the portal and "
                            "is not subscribed there; the file's consent was not applied")
    elif subscribe and unsubscribed_after(db, user.id, person.consent_at):
        subscribe = False
        report.notes.append(f"{report.file}:{person.line}: {person.email} unsubscribed after the consent date "
                            "in the file; kept unsubscribed")
    if not changes and not subscribe:
        return "unchanged"
    if changes:
        assignments = ", ".join(f"{column} = ?" for column in changes)  # column names are ours, not the file's
        db.conn.execute(f"UPDATE users SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608
                        [*changes.values(), stamp, user.id])
    if subscribe:
        db.conn.execute("INSERT OR IGNORE INTO subscriptions (user_id, list) VALUES (?, 'newsletters')", [user.id])
    return "updated"


def create_person(db: Database, person: Person, stamp: str, language: str) -> None:
    company_id = find_or_create_company(db, person.company).id if person.company else None
    # With consent in the file, the address counts as confirmed from that date: the club has been mailing
    # it under that consent already, and a confirmation letter to a whole list is itself unsolicited mail.
    # Such a person has no password; they get in through «Забыли пароль?», which proves the mailbox.
    cursor = db.conn.execute(
        "INSERT INTO users (email, name, password_hash, email_confirmed_at, consent_at, company_id, phone, "
        "segment, region, job_role, topics, language, created_at, updated_at, imported_at) "
        "VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [person.email, person.name, person.consent_at, person.consent_at, company_id, person.phone,
         person.segment, person.region, person.job_role, json.dumps(person.topics, ensure_ascii=False),
         language, stamp, stamp, stamp])
    if person.consent_at:  # 38-FZ art. 18: advertising mail only with the consent the file records
        db.conn.execute("INSERT INTO subscriptions (user_id, list) VALUES (?, 'newsletters')", [cursor.lastrowid])


def blank_fills(db: Database, user, person: Person) -> dict[str, object]:
    """Columns the file may fill: only those still empty (what the member set themselves wins)."""
    changes: dict[str, object] = {}
    if person.company and user.company_id is None:
        changes["company_id"] = find_or_create_company(db, person.company).id
    for column in ("phone", "segment", "region", "job_role"):
        if getattr(person, column) and not getattr(user, column):
            changes[column] = getattr(person, column)
    # [] is a choice too ("every topic"): only someone who never used the portal has nothing chosen yet.
    if person.topics and not user.topics and not uses_portal(db, user):
        changes["topics"] = json.dumps(person.topics, ensure_ascii=False)
    if person.consent_at and not user.consent_at:
        changes["consent_at"] = person.consent_at
    return changes


def uses_portal(db: Database, user) -> bool:
    """Signs in (password or external identity) or is staff: their choices are made in the portal."""
    if user.password_hash or user.role:
        return True
    return db.conn.execute("SELECT 1 FROM identities WHERE user_id = ?", [user.id]).fetchone() is not None


def is_subscribed(db: Database, user_id: int) -> bool:
    return db.conn.execute("SELECT 1 FROM subscriptions WHERE user_id = ? AND list = 'newsletters'",
                           [user_id]).fetchone() is not None


def unsubscribed_after(db: Database, user_id: int, consent_at: str) -> bool:
    """Did the person unsubscribe (a link in a newsletter) at or after the consent the file records?"""
    since = datetime.fromisoformat(consent_at).timestamp()
    row = db.conn.execute("SELECT 1 FROM newsletter_events e JOIN newsletter_sends s ON s.id = e.send_id "
                          "WHERE s.user_id = ? AND e.kind = 'unsubscribe' AND e.at >= ? LIMIT 1",
                          [user_id, since]).fetchone()
    return row is not None
