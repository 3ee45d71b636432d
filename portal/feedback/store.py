"""Feedback reads and writes: the one owner of the feedback_* tables (explicit columns, parameterised SQL).

Every change of a request (created, status, owner, reply, note) writes a row of feedback_log in the
same transaction as the change; the log's triggers refuse UPDATE and DELETE.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence

from sqlite_utils import Database

from portal.core.companies import company_key, note_contact
from portal.core.db import write_transaction
from portal.core.identity import User
from portal.core.usertext import render_user_markdown
from portal.feedback.model import (
    OPEN_STATUSES,
    STAFF_ROLES,
    STATUSES,
    Attachment,
    Filters,
    LogEntry,
    Message,
    Request,
)

REQUEST_COLUMNS = ("r.id, r.kind, r.subject, r.body, r.html, r.page, r.author_id, r.company_id, r.status, r.owner_id, "
                   "r.supporters, r.created_at, r.updated_at, r.first_reply_at, r.closed_at, a.name, c.name, o.name, "
                   "c.representative_id, c.segment")
# A request keeps the company it was written for; once that record is merged into another, the
# surviving company (its name, representative, segment) answers for it: `COMPANY_JOIN` follows merged_into.
COMPANY_JOIN = ("LEFT JOIN companies c0 ON c0.id = r.company_id "
                "LEFT JOIN companies c ON c.id = coalesce(c0.merged_into, c0.id) ")
REQUEST_FROM = ("FROM feedback_requests r LEFT JOIN users a ON a.id = r.author_id " + COMPANY_JOIN +
                "LEFT JOIN users o ON o.id = r.owner_id ")
ATTACHMENT_COLUMNS = "id, request_id, filename, stored_name, content_type, size, created_at"
INBOX_PAGE = 30


class Duplicate(Exception):
    """The form's one-time value was used already: the request it made is `request_id`."""

    def __init__(self, request_id: int, author_id: int | None) -> None:
        super().__init__(request_id)
        self.request_id, self.author_id = request_id, author_id


def log(db: Database, request_id: int, action: str, old: object, new: object, by_id: int | None) -> None:
    """Inside the caller's transaction: one line of the request's history."""
    db.conn.execute("INSERT INTO feedback_log (request_id, action, old, new, by_id, at) VALUES (?, ?, ?, ?, ?, ?)",
                    [request_id, action, None if old is None else str(old), None if new is None else str(new),
                     by_id, time.time()])


def create_request(db: Database, author: User, kind: str, subject: str, body: str, page: str | None,
                   nonce: str, files: Sequence[tuple[str, str, str, int]] = (), at: float | None = None) -> int:
    """A new request with its attachments (filename, stored name, type, size); its number.

    Raises Duplicate when `nonce` made a request already (a double click, a resent form). `at`: when it
    was written, for requests brought in from elsewhere (and the demo club's history); now by default.
    """
    now = time.time() if at is None else at
    try:
        with write_transaction(db):
            cursor = db.conn.execute(
                "INSERT INTO feedback_requests (kind, subject, body, html, page, author_id, company_id, status, "
                "nonce, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?)",
                [kind, subject, body, render_user_markdown(body), page, author.id, author.company_id, nonce, now,
                 now])
            request_id = cursor.lastrowid
            for filename, stored_name, content_type, size in files:
                db.conn.execute("INSERT INTO feedback_attachments (request_id, filename, stored_name, content_type, "
                                "size, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                                [request_id, filename, stored_name, content_type, size, now])
            log(db, request_id, "created", None, kind, author.id)
    except sqlite3.IntegrityError:
        row = db.execute("SELECT id, author_id FROM feedback_requests WHERE nonce = ?", [nonce]).fetchone()
        if row is None:
            raise
        raise Duplicate(row[0], row[1]) from None
    note_contact(db, author.company_id, now)
    return request_id


def recent_count(db: Database, author_id: int, seconds: float) -> int:
    """Requests this person made in the last `seconds` (the form's rate limit)."""
    return db.execute("SELECT count(*) FROM feedback_requests WHERE author_id = ? AND created_at > ?",
                      [author_id, time.time() - seconds]).fetchone()[0]


def get_request(db: Database, request_id: int) -> Request | None:
    row = db.execute(f"SELECT {REQUEST_COLUMNS} {REQUEST_FROM} WHERE r.id = ?", [request_id]).fetchone()  # noqa: S608
    return Request(*row) if row else None


def requests_of(db: Database, user: User, limit: int = 200) -> list[Request]:
    """What a partner sees in the cabinet: their own requests, and all of the company's for its representative."""
    rows = db.execute(f"SELECT {REQUEST_COLUMNS} {REQUEST_FROM} WHERE r.author_id = ? "  # noqa: S608
                      "OR (r.company_id IS NOT NULL AND c.representative_id = ?) "
                      "ORDER BY r.updated_at DESC, r.id DESC LIMIT ?", [user.id, user.id, limit]).fetchall()
    return [Request(*row) for row in rows]


def open_count(db: Database, user: User) -> int:
    marks = ",".join("?" * len(OPEN_STATUSES))
    return db.execute(f"SELECT count(*) FROM feedback_requests r {COMPANY_JOIN}"  # noqa: S608
                      f"WHERE r.status IN ({marks}) AND (r.author_id = ? OR (r.company_id IS NOT NULL AND "
                      "c.representative_id = ?))", [*OPEN_STATUSES, user.id, user.id]).fetchone()[0]


def messages(db: Database, request_id: int, with_notes: bool) -> list[Message]:
    """Replies in order; internal notes only for staff (`with_notes`)."""
    rows = db.execute("SELECT m.id, m.request_id, m.author_id, m.side, m.internal, m.body, m.html, m.created_at, "
                      "u.name FROM feedback_messages m LEFT JOIN users u ON u.id = m.author_id "
                      "WHERE m.request_id = ? AND (m.internal = 0 OR ?) ORDER BY m.created_at, m.id",
                      [request_id, int(with_notes)]).fetchall()
    return [Message(*row[:4], bool(row[4]), *row[5:]) for row in rows]


def add_message(db: Database, request: Request, author: User, side: str, body: str, internal: bool = False,
                reply_clock: Callable[[float, float], float] | None = None, at: float | None = None) -> int:
    """A reply (partner or staff) or an internal note, with the status it implies, all logged.

    A staff reply makes the request `answered` (and sets the first reply time once, with the working
    time to it when `reply_clock(created, replied)` counts it); a partner's reply puts the ball back
    with the club (`in_progress`, reopening a closed request). A note changes nothing. `at` as for requests.
    """
    now = time.time() if at is None else at
    with write_transaction(db):
        current = db.conn.execute("SELECT status FROM feedback_requests WHERE id = ?", [request.id]).fetchone()[0]
        cursor = db.conn.execute(
            "INSERT INTO feedback_messages (request_id, author_id, side, internal, body, html, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", [request.id, author.id, side, int(internal), body,
                                             render_user_markdown(body), now])
        action = "note" if internal else ("reply" if side == "staff" else "partner_reply")
        log(db, request.id, action, None, cursor.lastrowid, author.id)
        status = None if internal else ("answered" if side == "staff" else "in_progress")
        if status and status != current:
            _set_status(db, request.id, current, status, author.id, now)
        if side == "staff" and not internal:
            work = reply_clock(request.created_at, now) if reply_clock and request.first_reply_at is None else None
            db.conn.execute("UPDATE feedback_requests SET first_reply_work = CASE WHEN first_reply_at IS NULL "
                            "THEN ? ELSE first_reply_work END, first_reply_at = coalesce(first_reply_at, ?) "
                            "WHERE id = ?", [work, now, request.id])
        db.conn.execute("UPDATE feedback_requests SET updated_at = ? WHERE id = ?", [now, request.id])
    if not internal:
        note_contact(db, request.company_id, now)
    return cursor.lastrowid


def _set_status(db: Database, request_id: int, old: str, new: str, by_id: int | None, now: float) -> None:
    db.conn.execute("UPDATE feedback_requests SET status = ?, updated_at = ?, closed_at = ? WHERE id = ?",
                    [new, now, now if new == "closed" else None, request_id])
    log(db, request_id, "status", old, new, by_id)


def set_status(db: Database, request_id: int, status: str, by_id: int | None) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    with write_transaction(db):
        row = db.conn.execute("SELECT status FROM feedback_requests WHERE id = ?", [request_id]).fetchone()
        if row is not None and row[0] != status:
            _set_status(db, request_id, row[0], status, by_id, time.time())


def set_owner(db: Database, request_id: int, owner_id: int | None, by_id: int | None) -> None:
    """Assign the request to a staff member (or nobody); only people with a feedback role qualify."""
    with write_transaction(db):
        if owner_id is not None and not _is_feedback_staff(db, owner_id):
            raise ValueError("the owner must be a staff member")
        row = db.conn.execute("SELECT owner_id FROM feedback_requests WHERE id = ?", [request_id]).fetchone()
        if row is not None and row[0] != owner_id:
            db.conn.execute("UPDATE feedback_requests SET owner_id = ?, updated_at = ? WHERE id = ?",
                            [owner_id, time.time(), request_id])
            log(db, request_id, "owner", row[0], owner_id, by_id)


def _is_feedback_staff(db: Database, user_id: int) -> bool:
    marks = ",".join("?" * len(STAFF_ROLES))
    return db.execute(f"SELECT 1 FROM users WHERE id = ? AND role IN ({marks})",  # noqa: S608
                      [user_id, *STAFF_ROLES]).fetchone() is not None


def staff_people(db: Database) -> list[tuple[int, str]]:
    """(id, name) of everyone who may own a request."""
    marks = ",".join("?" * len(STAFF_ROLES))
    return [tuple(row) for row in db.execute(f"SELECT id, name FROM users WHERE role IN ({marks}) "  # noqa: S608
                                             "ORDER BY name, id", list(STAFF_ROLES)).fetchall()]


def history(db: Database, request_id: int) -> list[LogEntry]:
    rows = db.execute("SELECT l.id, l.request_id, l.action, l.old, l.new, l.by_id, l.at, u.name FROM feedback_log l "
                      "LEFT JOIN users u ON u.id = l.by_id WHERE l.request_id = ? ORDER BY l.at, l.id",
                      [request_id]).fetchall()
    return [LogEntry(*row) for row in rows]


def attachments(db: Database, request_id: int) -> list[Attachment]:
    rows = db.execute(f"SELECT {ATTACHMENT_COLUMNS} FROM feedback_attachments WHERE request_id = ? "  # noqa: S608
                      "ORDER BY id", [request_id]).fetchall()
    return [Attachment(*row) for row in rows]


def get_attachment(db: Database, attachment_id: int) -> Attachment | None:
    row = db.execute(f"SELECT {ATTACHMENT_COLUMNS} FROM feedback_attachments WHERE id = ?",  # noqa: S608
                     [attachment_id]).fetchone()
    return Attachment(*row) if row else None


# A request's company answers through merged_into (COMPANY_JOIN): the records whose surviving company
# matches are the company itself and those merged into it. They are found once per page, so every inbox
# filter is a condition on feedback_requests alone and neither the page nor its count joins companies.
MATCHING_COMPANIES = ("SELECT c.id FROM companies c WHERE c.merged_into IS NULL AND {condition} UNION ALL "
                      "SELECT d.id FROM companies c JOIN companies d ON d.merged_into = c.id WHERE {condition}")
FEW_COMPANIES = 200  # up to this many, requests are read by company (an index); beyond, newest first with a check


def _company_clause(db: Database, condition: str, value: str) -> str:
    ids = [row[0] for row in db.execute(MATCHING_COMPANIES.format(condition=condition), [value, value]).fetchall()]
    # `+` keeps SQLite from reading thousands of companies' requests to sort them when it can walk the
    # newest requests and stop at a page; ids are integers from the database, so they are inlined.
    column = "r.company_id" if len(ids) <= FEW_COMPANIES else "+r.company_id"
    return f"{column} IN ({','.join(str(int(i)) for i in ids) or 'NULL'})"


def inbox_where(db: Database, filters: Filters) -> tuple[str, list]:
    """The filters as one SQL condition on feedback_requests `r` and its parameters."""
    clauses, params = ["1 = 1"], []
    for column, value in (("r.status", filters.status), ("r.kind", filters.kind)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if filters.segment:
        clauses.append(_company_clause(db, "c.segment = ?", filters.segment))
    if filters.owner == "none":
        clauses.append("r.owner_id IS NULL")
    elif filters.owner.isdigit():
        clauses.append("r.owner_id = ?")
        params.append(int(filters.owner))
    key = company_key(filters.company) if filters.company else ""
    if key:  # the normalised name: «Свет-Монтаж», 'свет монтаж ооо' and 'СВЕТ' find the same company
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(_company_clause(db, "c.name_key LIKE ? ESCAPE '\\'", f"%{escaped}%"))
    return " AND ".join(clauses), params


MAX_PAGES = 100  # the pager counts this far: an exact count of 100,000 requests costs more than the page


def inbox(db: Database, filters: Filters, where: tuple[str, list] | None = None) -> tuple[list[Request], int, bool]:
    """A page of requests for staff, the number of pages (at most MAX_PAGES) and whether there are more;
    ideas by support with sort=support.

    `where` is inbox_where(db, filters) when the caller has it already (the page reads reply_times too).
    """
    where, params = where or inbox_where(db, filters)
    order = "r.supporters DESC, r.id DESC" if filters.sort == "support" else "r.id DESC"
    rows = db.execute(f"SELECT {REQUEST_COLUMNS} {REQUEST_FROM} WHERE {where} ORDER BY {order} "  # noqa: S608
                      "LIMIT ? OFFSET ?", [*params, INBOX_PAGE, (filters.page - 1) * INBOX_PAGE]).fetchall()
    counted = MAX_PAGES * INBOX_PAGE
    total = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM feedback_requests r WHERE {where} LIMIT ?)",  # noqa: S608
                       [*params, counted + 1]).fetchone()[0]
    return [Request(*row) for row in rows], max(1, -(-min(total, counted) // INBOX_PAGE)), total > counted


MEDIAN_OF = 1000  # the median of the latest thousand answered requests: how the club answers now


def reply_times(db: Database, filters: Filters, where: tuple[str, list] | None = None,
                limit: int = MEDIAN_OF) -> list[tuple[float, float, float | None]]:
    """(created, first reply, working seconds counted then) of the latest answered requests the filters select."""
    where, params = where or inbox_where(db, filters)
    return [tuple(row) for row in db.execute(
        f"SELECT r.created_at, r.first_reply_at, r.first_reply_work FROM feedback_requests r WHERE {where} "  # noqa: S608
        "AND r.first_reply_at IS NOT NULL ORDER BY r.id DESC LIMIT ?", [*params, limit]).fetchall()]


MERGED = "SELECT id FROM companies WHERE id = ? OR merged_into = ?"  # a company and the records merged into it


def company_activity(db: Database, company_id: int, limit: int) -> list[tuple]:
    """The company's requests and staff replies, newest first: (kind, at, request id, subject, who)."""
    # MERGED is a constant; every value is a parameter.
    sql = ("SELECT 'request', r.created_at, r.id, r.subject, a.name FROM feedback_requests r "  # noqa: S608
           f"LEFT JOIN users a ON a.id = r.author_id WHERE r.company_id IN ({MERGED}) "
           "UNION ALL SELECT 'reply', m.created_at, r.id, r.subject, u.name FROM feedback_messages m "
           "JOIN feedback_requests r ON r.id = m.request_id LEFT JOIN users u ON u.id = m.author_id "
           f"WHERE r.company_id IN ({MERGED}) AND m.side = 'staff' AND m.internal = 0 ORDER BY 2 DESC LIMIT ?")
    rows = db.execute(sql, [company_id, company_id, company_id, company_id, limit]).fetchall()
    return [tuple(row) for row in rows]


def is_empty(db: Database) -> bool:
    return db.execute("SELECT 1 FROM feedback_requests LIMIT 1").fetchone() is None


def personal_data(db: Database, user_id: int) -> dict[str, list[dict]]:
    """What the person wrote (requests with their files, replies) for their data download (152-FZ art. 14).

    Staff replies to them are part of the request; internal notes are the club's own and stay out.
    """
    requests = [dict(zip(("number", "kind", "subject", "text", "page", "status", "created_at"), row, strict=True))
                for row in db.execute("SELECT id, kind, subject, body, page, status, created_at FROM feedback_requests "
                                      "WHERE author_id = ? ORDER BY id", [user_id]).fetchall()]
    for item in requests:
        item["files"] = [{"name": name, "type": kind, "size": size} for name, kind, size in db.execute(
            "SELECT filename, content_type, size FROM feedback_attachments WHERE request_id = ? ORDER BY id",
            [item["number"]]).fetchall()]
        item["replies"] = [dict(zip(("side", "text", "at"), row, strict=True)) for row in db.execute(
            "SELECT side, body, created_at FROM feedback_messages WHERE request_id = ? AND internal = 0 "
            "ORDER BY created_at, id", [item["number"]]).fetchall()]
    written = [dict(zip(("request", "text", "at"), row, strict=True)) for row in db.execute(
        "SELECT request_id, body, created_at FROM feedback_messages WHERE author_id = ? AND side = 'partner' "
        "AND request_id NOT IN (SELECT id FROM feedback_requests WHERE author_id = ?) ORDER BY id",
        [user_id, user_id]).fetchall()]  # replies in colleagues' requests (a representative's)
    return {"feedback_requests": requests, "feedback_replies_elsewhere": written}
