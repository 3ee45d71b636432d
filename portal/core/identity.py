"""People: the `users` table, their levels, profiles, external identities and subscriptions.

Levels (what a person may read): anonymous < registered (confirmed e-mail) < member (also a
company and a valid phone). Staff roles read everything; a suspended member reads like a
registered user until staff lift the suspension.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.db import now_iso
from portal.core.tokens import password_stamp
from site_builder.contract import ACCESS_RANK

ROLES = ("staff", "moderator", "editor", "admin")



# Who may act on whom (ban, suspend): a member has rank 0; only a strictly higher rank acts on staff.
ROLE_RANK = {None: 0, "editor": 1, "moderator": 1, "staff": 2, "admin": 3}






LEVEL_RANK = {"anonymous": 0, "unconfirmed": 0, "registered": 1, "member": 2, "staff": 2}



# No whitespace and no control characters (NUL, BEL, DEL): they end up in mail headers and logs.
_EMAIL_RE = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s.\x00-\x1f\x7f]{2,}$")



USER_COLUMNS = ("id, email, name, password_hash, email_confirmed_at, consent_at, company_id, phone, position, "
                "segment, region, topics, language, role, suspended_at, suspended_reason, created_at, job_role, "
                "mail_tracking, bounced_at")



@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    password_hash: str | None
    email_confirmed_at: str | None
    consent_at: str | None
    company_id: int | None
    phone: str | None
    position: str | None
    segment: str | None
    region: str | None
    topics: list[str]
    language: str
    role: str | None
    suspended_at: str | None
    suspended_reason: str | None
    created_at: str
    job_role: str | None = None  # role in the company (extra.club.roles), for newsletter audiences
    mail_tracking: bool = True  # False: newsletters carry no open pixel and plain links
    bounced_at: str | None = None  # a permanent SMTP failure stopped newsletters to this address

    @property
    def confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def has_member_details(self) -> bool:
        return self.company_id is not None and bool(self.phone)

    @property
    def level(self) -> str:
        if self.role:
            return "staff"
        if not self.confirmed:
            return "unconfirmed"
        if self.has_member_details and not self.suspended_at:
            return "member"
        return "registered"

    def may_read(self, access: str) -> bool:
        return LEVEL_RANK[self.level] >= ACCESS_RANK.get(access, 99)  # unknown level: closed



@dataclass(frozen=True)
class ProfileUpdate:
    name: str
    company_id: int | None
    phone: str | None
    position: str | None = None
    segment: str | None = None
    region: str | None = None
    language: str = "ru"
    job_role: str | None = None  # topics are chosen on the newsletters page (NewsletterChoice)



def normalise_email(text: str) -> str | None:
    """Trimmed, lower-cased address if it looks deliverable; None otherwise."""
    email = text.strip().lower()
    if len(email) > 254 or not _EMAIL_RE.match(email):
        return None
    return email



def user_from_row(row: tuple) -> User:
    values = list(row)
    values[11] = json.loads(values[11] or "[]")
    values[18] = bool(values[18])
    return User(*values)



def get_user(db: Database, user_id: int) -> User | None:
    row = db.execute(f"SELECT {USER_COLUMNS} FROM users WHERE id = ?", [user_id]).fetchone()  # noqa: S608
    return user_from_row(row) if row else None



def find_user_by_email(db: Database, email: str) -> User | None:
    row = db.execute(f"SELECT {USER_COLUMNS} FROM users WHERE email = ?", [email]).fetchone()  # noqa: S608
    return user_from_row(row) if row else None



def create_user(db: Database, *, name: str, email: str, password_hash: str | None, language: str,
                consent: bool, confirmed: bool = False, role: str | None = None) -> User:
    stamp = now_iso()
    cursor = db.execute(
        "INSERT INTO users (email, name, password_hash, email_confirmed_at, consent_at, language, role, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [email, name, password_hash, stamp if confirmed else None, stamp if consent else None, language, role,
         stamp, stamp])
    user = get_user(db, cursor.lastrowid)
    assert user is not None
    return user



def confirm_email(db: Database, user_id: int) -> None:
    db.execute("UPDATE users SET email_confirmed_at = COALESCE(email_confirmed_at, ?), updated_at = ? "
               "WHERE id = ?", [now_iso(), now_iso(), user_id])



def set_pending_password(db: Database, user_id: int, password_hash: str) -> None:
    """An unconfirmed address registered again: the new password waits for that registration's link."""
    db.execute("UPDATE users SET pending_password_hash = ?, updated_at = ? WHERE id = ? AND email_confirmed_at IS NULL",
               [password_hash, now_iso(), user_id])



def confirm_registration(db: Database, user_id: int, stamp: str) -> bool:
    """Confirm the address from a registration's link (`stamp`: the fingerprint of the password that
    registration chose, "" for the first one). While a later registration's password waits, only its
    own link confirms, and it makes that password the account's: someone who registered the address
    first, without owning the mailbox, never keeps a password on it (pre-account hijacking)."""
    with db.conn:
        db.conn.execute("BEGIN IMMEDIATE")
        row = db.conn.execute("SELECT pending_password_hash, email_confirmed_at FROM users WHERE id = ?",
                              [user_id]).fetchone()
        if row is None:
            return False
        pending, confirmed_at = row
        if pending is not None and confirmed_at is None:
            if not stamp or stamp != password_stamp(pending):
                return False
            db.conn.execute("UPDATE users SET password_hash = ?, pending_password_hash = NULL WHERE id = ?",
                            [pending, user_id])
        confirm_email(db, user_id)
    return True



def set_password_hash(db: Database, user_id: int, password_hash: str) -> None:
    db.execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
               [password_hash, now_iso(), user_id])



def update_profile(db: Database, user_id: int, update: ProfileUpdate) -> None:
    db.execute(
        "UPDATE users SET name = ?, company_id = ?, phone = ?, position = ?, segment = ?, region = ?, "
        "job_role = ?, language = ?, updated_at = ? WHERE id = ?",
        [update.name, update.company_id, update.phone, update.position, update.segment, update.region,
         update.job_role, update.language, now_iso(), user_id])



def set_role(db: Database, user_id: int, role: str | None) -> None:
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    db.execute("UPDATE users SET role = ?, updated_at = ? WHERE id = ?", [role, now_iso(), user_id])



def outranks(actor: User, target: User) -> bool:
    """May `actor` act on `target` (ban, suspend)? Members: any staff; staff: only a higher role
    (ASVS 5.0 8.2.2: a moderator cannot ban an admin)."""
    return actor.id != target.id and ROLE_RANK.get(actor.role, 0) > ROLE_RANK.get(target.role, 0)



def suspend_user(db: Database, user_id: int, reason: str) -> None:
    db.execute("UPDATE users SET suspended_at = ?, suspended_reason = ?, updated_at = ? WHERE id = ?",
               [now_iso(), reason, now_iso(), user_id])



def unsuspend_user(db: Database, user_id: int) -> None:
    db.execute("UPDATE users SET suspended_at = NULL, suspended_reason = NULL, updated_at = ? WHERE id = ?",
               [now_iso(), user_id])



def delete_user(db: Database, user_id: int) -> None:
    """Erase the person (sessions, identities and subscriptions go with them). The company stays."""
    db.execute("DELETE FROM users WHERE id = ?", [user_id])



def clear_bounce(db: Database, user_id: int) -> None:
    """The member says the address works again: newsletters are tried again from the next one."""
    db.execute("UPDATE users SET bounced_at = NULL, bounce_reason = NULL, updated_at = ? WHERE id = ?",
               [now_iso(), user_id])


def fold(text: str | None) -> str:
    """Case-insensitive for Cyrillic too (SQLite's LIKE folds ASCII only); ё matches е."""
    return (text or "").casefold().replace("ё", "е")


def find_people(db: Database, query: str, limit: int = 50) -> list[dict]:
    """People whose name, e-mail or company contains `query` (any case, ё = е), newest first."""
    needle = fold(query.strip())  # a plain substring: % and _ are not wildcards here
    db.conn.create_function("club_fold", 1, fold, deterministic=True)
    rows = db.execute(
        "SELECT u.id, u.name, u.email, c.name, u.phone, u.role, u.suspended_at, u.email_confirmed_at "
        "FROM users u LEFT JOIN companies c ON c.id = u.company_id "
        "WHERE instr(club_fold(u.name), ?) OR instr(club_fold(u.email), ?) OR instr(club_fold(c.name), ?) "
        "ORDER BY u.created_at DESC LIMIT ?",
        [needle, needle, needle, limit]).fetchall()
    keys = ("id", "name", "email", "company", "phone", "role", "suspended_at", "confirmed_at")
    return [dict(zip(keys, row, strict=True)) for row in rows]
