"""The points ledger: the one owner of `points_ledger`, append-only (the database refuses edits).

Sign rule: a row's `amount` is its change to the company's *available* points, so available is the
sum of its rows. earn +N and adjust +N are lots that expire (expires_at); adjust -N takes points by
hand; hold -N reserves points for a privilege request; release +N returns a hold; debit 0 makes a hold
final (the points were gone from available since the hold); expire -N names the lot (ref_id) it empties;
reverse is -amount of the earn or adjust it corrects. held = what open holds reserve; total = available
+ held (the points the company has, reserved ones included).

Expiry is FIFO: every take (adjust -N, a reverse of a lot, a hold that was not released) consumes the
lots that expire first; a lot's remainder after that and after its own expire rows is what expires.
Every change that spends points checks and writes inside one BEGIN IMMEDIATE transaction, so two
requests at once (threads or uvicorn workers) can never spend the same points.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlite_utils import Database

from portal.core.db import write_transaction
from portal.points.invariants import CHECKS
from portal.points.terms import DAY, DEFAULT_TERMS, add_months, club_terms

KINDS = ("earn", "hold", "release", "debit", "expire", "adjust", "reverse")
LOT = "kind IN ('earn', 'adjust', 'reverse') AND amount > 0"
# What consumes lots: takes, reversals of lots, holds (a released hold is given back by its release row).
TAKES = "((kind IN ('adjust', 'reverse', 'hold') AND amount < 0) OR kind = 'release')"
MAX_AMOUNT = 1_000_000_000  # far beyond any purchase; keeps sums far from SQLite's integer limit


class LedgerError(ValueError):
    """A request the ledger refuses: a bad amount, no such hold, a row that cannot be reversed."""


class NotEnoughPoints(LedgerError):  # noqa: N818 (the name says what happened, as callers show it)
    """Fewer points available than a hold or a take needs."""

    def __init__(self, available: int, wanted: int) -> None:
        super().__init__(f"not enough points: {available} available, {wanted} needed")
        self.available, self.wanted = available, wanted


@dataclass(frozen=True)
class Balance:
    total: int              # available + held
    held: int               # reserved by open holds
    available: int          # the sum of the rows: what can be spent now
    expiring: int           # what expires within `warning_days` (the cabinet's 90 days)
    next_expiry: float | None        # when the next lot expires (Unix seconds), None when nothing does
    next_expiry_amount: int = 0      # how much expires then


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    amount: int
    reason: str
    source: str
    ref_id: int | None
    expires_at: float | None
    by_id: int | None
    by_name: str | None
    at: float
    settled: int = 0  # for debits and releases: the hold's amount (positive)


@dataclass
class Lot:
    id: int
    amount: int
    expires_at: float
    remaining: int


@contextmanager
def _transaction(db: Database) -> Iterator[None]:
    """BEGIN IMMEDIATE, or the caller's transaction when it has one (a request's state change and its hold)."""
    if db.conn.in_transaction:
        yield
        return
    with write_transaction(db):
        yield


def _amount(amount: object, allow_negative: bool = False) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0 or abs(amount) > MAX_AMOUNT:
        raise LedgerError(f"the amount must be a whole number of points, not {amount!r}")
    if amount < 0 and not allow_negative:
        raise LedgerError(f"the amount must be positive, not {amount}")
    return amount


def _insert(db: Database, company_id: int, kind: str, amount: int, *, reason: str, source: str = "",
            ref_id: int | None = None, expires_at: float | None = None, by_id: int | None = None,
            at: float) -> int:
    cursor = db.conn.execute(
        "INSERT INTO points_ledger (company_id, kind, amount, reason, source, ref_id, expires_at, by_id, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [company_id, kind, amount, reason, source, ref_id, expires_at, by_id, at])
    return int(cursor.lastrowid)


def earn(db: Database, company_id: int, amount: int, *, reason: str, source: str, by_id: int | None = None,
         now: float, earned_at: float | None = None, expiry_months: int | None = None) -> int | None:
    """Points earned (an accrual, an award): the new row's id, or None when `source` has earned for this
    company already (so accrual and imports can run again). They expire `expiry_months` (by default the
    club's, see terms.py) after `earned_at` (default: now)."""
    _amount(amount)
    months = expiry_months or CONFIGURED.expiry_months
    try:
        with _transaction(db):
            return _insert(db, company_id, "earn", amount, reason=reason, source=source, by_id=by_id, at=now,
                           expires_at=add_months(now if earned_at is None else earned_at, months))
    except sqlite3.IntegrityError:
        if db.execute("SELECT 1 FROM points_ledger WHERE company_id = ? AND kind = 'earn' AND source = ?",
                      [company_id, source]).fetchone():
            return None
        raise


def adjust(db: Database, company_id: int, amount: int, *, reason: str, by_id: int | None, now: float,
           source: str = "manual", expiry_months: int | None = None) -> int:
    """Staff grant (+) or take (-) by hand. A take may not push available below 0 (NotEnoughPoints).
    A `source` of form:<nonce> is written once: a second call with it returns the first row's id."""
    _amount(amount, allow_negative=True)
    if not reason.strip():
        raise LedgerError("a grant or a take needs a reason")
    expires = add_months(now, expiry_months or CONFIGURED.expiry_months) if amount > 0 else None
    if amount < 0:
        expire_company(db, company_id, now)
    with _transaction(db):
        done = _form_row(db, company_id, source)
        if done is not None:
            return done  # the same form again (a double click): one row
        if amount < 0:
            _need(db, company_id, -amount, now)
        return _insert(db, company_id, "adjust", amount, reason=reason, source=source, by_id=by_id, at=now,
                       expires_at=expires)


def _form_row(db: Database, company_id: int, source: str) -> int | None:
    if not source.startswith("form:"):
        return None
    row = db.execute("SELECT id FROM points_ledger WHERE kind = 'adjust' AND source = ? AND company_id = ?",
                     [source, company_id]).fetchone()
    return None if row is None else int(row[0])


def _need(db: Database, company_id: int, wanted: int, now: float) -> None:
    """Inside the write transaction: expire what is due, then refuse when fewer than `wanted` are available.
    The expiry is committed first on its own, so a refused take still leaves the expired lots expired."""
    if not db.conn.in_transaction:
        raise RuntimeError("_need runs inside a write transaction")
    _expire_company(db, company_id, now)
    available = _available(db, company_id)
    if available < wanted:
        raise NotEnoughPoints(available, wanted)


def hold(db: Database, company_id: int, amount: int, *, reason: str, source: str, by_id: int | None,
         now: float) -> int:
    """Reserve points for a request; NotEnoughPoints when fewer are available. The check and the row are
    one BEGIN IMMEDIATE transaction: two holds at once never spend the same points."""
    _amount(amount)
    expire_company(db, company_id, now)
    with _transaction(db):
        _need(db, company_id, amount, now)
        return _insert(db, company_id, "hold", -amount, reason=reason, source=source, by_id=by_id, at=now)


def _settle(db: Database, hold_id: int, kind: str, *, reason: str, by_id: int | None, now: float) -> int | None:
    with _transaction(db):
        row = db.execute("SELECT company_id, kind, amount, source FROM points_ledger WHERE id = ?",
                         [hold_id]).fetchone()
        if row is None or row[1] != "hold":
            raise LedgerError(f"row {hold_id} is not a hold")
        if db.execute("SELECT 1 FROM points_ledger WHERE ref_id = ? AND kind IN ('release', 'debit')",
                      [hold_id]).fetchone():
            return None  # settled already: exactly once (the unique index says the same)
        amount = -row[2] if kind == "release" else 0
        return _insert(db, row[0], kind, amount, reason=reason, source=row[3], ref_id=hold_id, by_id=by_id, at=now)


def release(db: Database, hold_id: int, *, reason: str, by_id: int | None, now: float) -> int | None:
    """Give a hold's points back (a rejected or cancelled request): the row's id, None when already settled."""
    return _settle(db, hold_id, "release", reason=reason, by_id=by_id, now=now)


def debit(db: Database, hold_id: int, *, reason: str, by_id: int | None, now: float) -> int | None:
    """Spend a hold for good (the privilege was delivered): the row's id, None when already settled."""
    return _settle(db, hold_id, "debit", reason=reason, by_id=by_id, now=now)


def reverse(db: Database, row_id: int, *, reason: str, by_id: int | None, now: float) -> int | None:
    """Correct an earn or an adjust with a new row of the opposite amount; None when reversed already.
    Reversing points the company has spent meanwhile raises NotEnoughPoints."""
    with _transaction(db):
        row = db.execute("SELECT company_id, kind, amount, source FROM points_ledger WHERE id = ?",
                         [row_id]).fetchone()
        if row is None or row[1] not in ("earn", "adjust"):
            raise LedgerError(f"row {row_id} is not an earn or an adjust (a hold is released instead)")
        if db.execute("SELECT 1 FROM points_ledger WHERE ref_id = ? AND kind = 'reverse'", [row_id]).fetchone():
            return None
        if row[2] > 0:
            _need(db, row[0], row[2], now)
        expires = add_months(now, CONFIGURED.expiry_months) if row[2] < 0 else None
        return _insert(db, row[0], "reverse", -row[2], reason=reason, source=row[3], ref_id=row_id,
                       expires_at=expires, by_id=by_id, at=now)


def _available(db: Database, company_id: int) -> int:
    return int(db.execute("SELECT coalesce(sum(amount), 0) FROM points_ledger WHERE company_id = ?",
                          [company_id]).fetchone()[0])


def _held(db: Database, company_id: int) -> int:
    return -int(db.execute(
        "SELECT coalesce(sum(h.amount), 0) FROM points_ledger h WHERE h.company_id = ? AND h.kind = 'hold' "
        "AND NOT EXISTS (SELECT 1 FROM points_ledger s WHERE s.ref_id = h.id AND s.kind IN ('release', 'debit'))",
        [company_id]).fetchone()[0])


def lots(db: Database, company_id: int) -> list[Lot]:
    """The company's lots, soonest to expire first, each with what is left of it (FIFO)."""
    found = [Lot(row[0], row[1], row[2], row[1]) for row in db.execute(
        f"SELECT id, amount, expires_at FROM points_ledger WHERE company_id = ? AND {LOT} "  # noqa: S608
        "ORDER BY expires_at, id", [company_id]).fetchall()]
    expired = dict(db.execute("SELECT ref_id, -sum(amount) FROM points_ledger WHERE company_id = ? "
                              "AND kind = 'expire' GROUP BY ref_id", [company_id]).fetchall())
    taken = -int(db.execute(f"SELECT coalesce(sum(amount), 0) FROM points_ledger WHERE company_id = ? "  # noqa: S608
                            f"AND {TAKES}", [company_id]).fetchone()[0])
    return consume(found, expired, taken)


def consume(found: list[Lot], expired: dict[int, int], taken: int) -> list[Lot]:
    """FIFO: each lot (soonest to expire first) less its expire rows, then the takes from the first on."""
    for lot in found:
        lot.remaining -= expired.get(lot.id, 0)
        used = min(max(lot.remaining, 0), taken)
        lot.remaining -= used
        taken -= used
    if found and taken > 0:  # more taken than ever earned: only a broken ledger; verify() reports it
        found[-1].remaining -= taken
    return found


def _sums(db: Database, company_id: int, cutoff: float) -> tuple[int, int, int]:
    """(available, what the lots due by `cutoff` hold after their expire rows, all that takes consumed): one
    pass over the company's rows in the covering index (migration 15), never the table."""
    row = db.execute(
        f"SELECT coalesce(sum(amount), 0), coalesce(sum(CASE WHEN kind = 'expire' OR ({LOT} AND expires_at <= ?) "  # noqa: S608
        f"THEN amount ELSE 0 END), 0), coalesce(-sum(CASE WHEN {TAKES} THEN amount ELSE 0 END), 0) "
        "FROM points_ledger WHERE company_id = ?", [cutoff, company_id]).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def live_lots(db: Database, company_id: int, now: float) -> list[Lot] | None:
    """The lots with points left, as lots() finds them, reading only the lots not yet due: FIFO spends the
    lots due first, so when the due ones hold nothing any more (their remainders expired, or takes used
    them up) what takes left over falls on the later lots alone. None when a due lot still holds points
    (its expire row is not written yet): then only lots() knows which. A company with years of history
    costs one index pass and a handful of rows, not thousands of Lot objects (bench/points_cabinet.py)."""
    # Expire rows belong to lots due when they were written: a caller asking about an earlier moment
    # (a test, a replay) moves the line up to the latest of them, so every expired lot counts as due.
    last_expiry = db.execute("SELECT max(at) FROM points_ledger WHERE company_id = ? AND kind = 'expire'",
                             [company_id]).fetchone()[0]
    now = max(now, last_expiry or now)
    _, due_left, taken = _sums(db, company_id, now)
    if due_left > taken:
        return None
    left = taken - due_left
    found = []
    for lot_id, amount, expires_at in db.execute(
            f"SELECT id, amount, expires_at FROM points_ledger WHERE company_id = ? AND {LOT} AND expires_at > ? "  # noqa: S608
            "ORDER BY expires_at, id", [company_id, now]).fetchall():
        used = min(amount, left)
        left -= used
        if amount > used:
            found.append(Lot(lot_id, amount, expires_at, amount - used))
    return found


def _expire_company(db: Database, company_id: int, now: float) -> int:
    """Inside a write transaction: an expire row for each lot past its time with points left."""
    if live_lots(db, company_id, now) is not None:
        return 0  # no lot past its time holds points: nothing to expire (the common case, cheaply)
    written = 0
    for lot in lots(db, company_id):
        if lot.expires_at <= now and lot.remaining > 0:
            _insert(db, company_id, "expire", -lot.remaining, reason="expired", ref_id=lot.id, at=now)
            written += 1
    return written


def expire_company(db: Database, company_id: int, now: float) -> int:
    """One company's due lots expired, in a transaction of its own (or the caller's)."""
    with _transaction(db):
        return _expire_company(db, company_id, now)


def expire_due(db: Database, now: float) -> int:
    """Write expire rows for every lot past its time, oldest first; the number of rows written.
    Safe to run from several processes (each company in its own write transaction)."""
    companies = [row[0] for row in db.execute(
        f"SELECT DISTINCT company_id FROM points_ledger WHERE expires_at <= ? AND {LOT}", [now]).fetchall()]  # noqa: S608
    written = 0
    for company_id in companies:
        written += expire_company(db, company_id, now)
    return written


def expiring_lots(db: Database, after: float, until: float) -> dict[int, list[Lot]]:
    """Per company, its lots with points left that expire in (after, until] (the warning letter's)."""
    companies = [row[0] for row in db.execute(
        f"SELECT DISTINCT company_id FROM points_ledger WHERE expires_at > ? AND expires_at <= ? AND {LOT}",  # noqa: S608
        [after, until]).fetchall()]
    found = {company_id: [lot for lot in lots(db, company_id)
                          if lot.remaining > 0 and after < lot.expires_at <= until] for company_id in companies}
    return {company_id: due for company_id, due in found.items() if due}


def balance(db: Database, company_id: int, now: float, warning_days: int | None = None) -> Balance:
    """Available, held and what expires within `warning_days` (the club's, by default 90)."""
    days = warning_days or CONFIGURED.warning_days
    live = live_lots(db, company_id, now)
    if live is None:
        live = [lot for lot in lots(db, company_id) if lot.remaining > 0]
    available, held = _available(db, company_id), _held(db, company_id)
    expiring = sum(lot.remaining for lot in live if lot.expires_at <= now + days * DAY)
    first = min((lot.expires_at for lot in live), default=None)
    first_amount = sum(lot.remaining for lot in live if lot.expires_at == first)
    return Balance(available + held, held, available, expiring, first, first_amount)


def history(db: Database, company_id: int, limit: int = 50, offset: int = 0) -> list[Entry]:
    """The company's rows, newest first, with who made each and, for a settle, the hold's amount."""
    rows = db.execute(
        "SELECT p.id, p.kind, p.amount, p.reason, p.source, p.ref_id, p.expires_at, p.by_id, u.name, p.at, "
        "coalesce(-h.amount, 0) FROM points_ledger p LEFT JOIN users u ON u.id = p.by_id "
        "LEFT JOIN points_ledger h ON h.id = p.ref_id AND p.kind IN ('release', 'debit') "
        "WHERE p.company_id = ? ORDER BY p.at DESC, p.id DESC LIMIT ? OFFSET ?",
        [company_id, limit, offset]).fetchall()
    return [Entry(*row) for row in rows]


@dataclass(frozen=True)
class Earned:
    id: int
    source: str
    amount: int
    reversed: bool


def earned_under(db: Database, company_id: int, source: str) -> list[Earned]:
    """The company's earn rows of `source` or of `source:<suffix>`, oldest first, each with whether it was
    reversed (an award that can be withdrawn and given again, e.g. activities.py's event attendance)."""
    rows = db.execute(
        "SELECT e.id, e.source, e.amount, EXISTS (SELECT 1 FROM points_ledger r WHERE r.ref_id = e.id "
        "AND r.kind = 'reverse') FROM points_ledger e WHERE e.company_id = ? AND e.kind = 'earn' "
        "AND (e.source = ? OR substr(e.source, 1, ?) = ?) ORDER BY e.id",
        [company_id, source, len(source) + 1, f"{source}:"]).fetchall()
    return [Earned(row[0], row[1], row[2], bool(row[3])) for row in rows]


def verify(db: Database) -> list[str]:
    """Every broken invariant, one line each (empty: sound): rows that settle, expire or reverse the wrong
    thing, a hold settled twice, a balance or a lot below zero."""
    problems = [f"row {row[0]}: {message}" for message, sql in CHECKS for row in db.execute(sql).fetchall()]
    for company_id, total in db.execute("SELECT company_id, sum(amount) FROM points_ledger GROUP BY company_id "
                                        "ORDER BY company_id").fetchall():
        if total < 0:
            problems.append(f"company {company_id}: the balance is {total}, below zero")
        problems += [f"company {company_id}: lot {lot.id} has {lot.remaining} left, below zero"
                     for lot in lots(db, company_id) if lot.remaining < 0]
    return problems


def count(db: Database, company_id: int) -> int:
    return int(db.execute("SELECT count(*) FROM points_ledger WHERE company_id = ?", [company_id]).fetchone()[0])


class _Configured:
    """The club's terms for calls that do not pass their own (set by the capability's on_start)."""

    expiry_months = DEFAULT_TERMS.expiry_months
    warning_days = DEFAULT_TERMS.warning_days


CONFIGURED = _Configured()


def configure(portal: object) -> None:
    """The capability's on_start: the club's terms (extra.club.points) for calls that pass none."""
    terms = club_terms(getattr(portal, "club", None))
    CONFIGURED.expiry_months, CONFIGURED.warning_days = terms.expiry_months, terms.warning_days
