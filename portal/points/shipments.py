"""Imported shipments: the one owner of `points_shipments` (append-only; the database refuses edits) and of
`points_inn_matches` (which company staff gave an unknown INN to).

The key of a line is its document number and product group. Importing a line whose key is new adds a
'shipment' row; the same line again changes nothing (so a re-imported or overlapping file is harmless);
a line whose INN, date or amount differ from what was imported before is a corrected document: a
'reversal' row cancelling the old one and a new 'shipment' row, never an edit. Lines whose INN matches
no company are kept with company_id NULL and reported; `attach` gives them a company later (again a
reversal and a new row), and later imports of that INN follow the match.

Rows are written in batches, one transaction per batch (a crash halfway leaves whole batches, and the
import can simply run again); a dry run does the same work inside one transaction it rolls back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlite_utils import Database

from portal.core.companies import company_ids_by_inn
from portal.core.db import write_transaction
from portal.points.shipments_file import Problem, Row

BATCH = 5000          # lines per transaction: big enough for speed, small enough not to hold the lock long
LISTED = 200          # problems kept word for word in a report (the rest are counted)
IMPORT_CACHE = -65536  # KiB of page cache while importing: the indexes' pages stay in memory (bounded, not per line)
_CHUNK = 500          # bound parameters per IN (...) query
COLUMNS = ("company_id, inn, doc_date, document, amount_kopecks, product_group, kind, replaces_id, file, line, "
           "imported_at, imported_by")
_INSERT = f"INSERT INTO points_shipments ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"  # noqa: S608


class Current(NamedTuple):
    """The row that stands for a key now (its latest shipment, not reversed)."""

    id: int
    company_id: int | None
    inn: str
    doc_date: str
    document: str
    amount_kopecks: int
    product_group: str


@dataclass
class Report:
    file: str
    dry_run: bool = False
    new: int = 0
    unchanged: int = 0
    corrected: int = 0
    matched: int = 0       # lines kept aside before whose INN now matches a company
    unmatched: int = 0     # lines kept aside (company unknown)
    problem_count: int = 0
    problems: list[str] = field(default_factory=list)     # FILE:LINE: what is wrong, how to fix it
    unknown: dict[str, list[int]] = field(default_factory=dict)  # INN -> [first line, lines]
    notes: list[str] = field(default_factory=list)         # corrections to months already accrued

    def problem(self, line: int, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < LISTED:
            self.problems.append(f"{self.file}:{line}: {text}")

    def lines(self) -> list[str]:
        """The report as a person reads it: problems, unknown INNs, notes, then the counts."""
        out = list(self.problems)
        if self.problem_count > len(self.problems):
            out.append(f"{self.file}: … and {self.problem_count - len(self.problems)} more problem lines")
        for inn, (first, count) in self.unknown.items():
            out.append(f"{self.file}:{first}: INN {inn} matches no company; {count} line{'' if count == 1 else 's'} "
                       f"kept aside — attach them with `club points match {inn} COMPANY`")
        out.extend(self.notes)
        dry = " (dry run: nothing was written)" if self.dry_run else ""
        out.append(f"{self.file}: {self.new} new, {self.unchanged} unchanged, {self.corrected} corrected, "
                   f"{self.matched} matched, {self.unmatched} kept aside (unknown INN), "
                   f"{self.problem_count} skipped with problems{dry}")
        return out


def import_rows(db: Database, rows: Iterable[Row | Problem], file: str, now: float, dry_run: bool = False,
                by: str = "", accrued: set[str] | frozenset[str] = frozenset()) -> Report:
    """Import parsed lines (shipments_file.read_file) of `file`. `accrued`: months (YYYY-MM) already
    turned into points, where a correction is noted for staff (the accrual does not run twice)."""
    report = Report(file, dry_run)
    lookup = InnLookup(db)
    cache = db.execute("PRAGMA cache_size").fetchone()[0]
    db.conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE}")
    if dry_run:
        db.conn.execute("BEGIN IMMEDIATE")
    try:
        for batch in _batches(rows, report):
            if dry_run:
                _apply(db, batch, lookup, report, (now, by, accrued))
            else:
                with write_transaction(db):
                    _apply(db, batch, lookup, report, (now, by, accrued))
    finally:
        if dry_run:
            db.conn.execute("ROLLBACK")
        db.conn.execute(f"PRAGMA cache_size = {int(cache)}")
    return report


def _batches(rows: Iterable[Row | Problem], report: Report) -> Iterator[dict[tuple[str, str], Row]]:
    """Lines in batches of unique keys: a key seen again in the file starts a new batch, so its second
    line is compared with the first (the later line wins, as a correction)."""
    batch: dict[tuple[str, str], Row] = {}
    for row in rows:
        if isinstance(row, Problem):
            report.problem(row.line, row.text)
            continue
        key = (row.document, row.product_group)
        if key in batch or len(batch) >= BATCH:
            yield batch
            batch = {}
        batch[key] = row
    if batch:
        yield batch


def _apply(db: Database, batch: dict[tuple[str, str], Row], lookup: InnLookup, report: Report,
           context: tuple[float, str, set[str] | frozenset[str]]) -> None:
    now, by, accrued = context
    current = current_rows(db, sorted({document for document, _ in batch}))
    companies = lookup.ids([row.inn for row in batch.values()])
    inserts: list[tuple] = []
    for key, row in batch.items():
        old, company = current.get(key), companies.get(row.inn)
        if old is not None:
            same = (old.inn, old.doc_date, old.amount_kopecks) == (row.inn, row.doc_date, row.amount_kopecks)
            if same and (old.company_id is not None or company is None):
                report.unchanged += 1
                continue
            if same:
                report.matched += 1
            else:
                report.corrected += 1
                company = company if company is not None or old.inn != row.inn else old.company_id
                _note_accrued(report, row, old, accrued)
            inserts.append((old.company_id, old.inn, old.doc_date, old.document, old.amount_kopecks,
                            old.product_group, "reversal", old.id, report.file, row.line, now, by))
        else:
            report.new += 1
        if company is None:
            _kept_aside(report, row)
        inserts.append((company, row.inn, row.doc_date, row.document, row.amount_kopecks, row.product_group,
                        "shipment", None, report.file, row.line, now, by))
    db.conn.executemany(_INSERT, inserts)


def _kept_aside(report: Report, row: Row) -> None:
    report.unmatched += 1
    seen = report.unknown.get(row.inn)
    if seen:
        seen[1] += 1
    elif len(report.unknown) < LISTED:
        report.unknown[row.inn] = [row.line, 1]


def _note_accrued(report: Report, row: Row, old: Current, accrued: set[str] | frozenset[str]) -> None:
    months = sorted({old.doc_date[:7], row.doc_date[:7]} & set(accrued))
    if months and len(report.notes) < LISTED:
        report.notes.append(f"{report.file}:{row.line}: document {row.document} corrects {', '.join(months)}, "
                            "already accrued: the next `club points accrue --month` of it writes the difference "
                            "in points (the monthly job does so for the previous month)")


def current_rows(db: Database, documents: list[str]) -> dict[tuple[str, str], Current]:
    """(document, product group) -> the row standing for it now, for these document numbers."""
    latest: dict[tuple[str, str], tuple] = {}
    for start in range(0, len(documents), _CHUNK):
        chunk = documents[start:start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        for row in db.execute("SELECT kind, id, company_id, inn, doc_date, document, amount_kopecks, product_group "  # noqa: S608
                              f"FROM points_shipments WHERE document IN ({marks}) ORDER BY id", chunk):
            latest[(row[5], row[7])] = row
    return {key: Current(*row[1:]) for key, row in latest.items() if row[0] == "shipment"}


class InnLookup:
    """INN -> company id: the company with that INN, else the company staff matched that INN to before
    (`club points match`); None when neither. Cached for one import (bounded by the INNs, not the lines)."""

    def __init__(self, db: Database) -> None:
        self.db, self.cache = db, {}

    def ids(self, inns: list[str]) -> dict[str, int | None]:
        missing = sorted({inn for inn in inns if inn not in self.cache})
        if missing:
            found: dict[str, int | None] = dict.fromkeys(missing)
            found.update(company_ids_by_inn(self.db, missing))
            self.cache.update(found)
            self.cache.update(matched_before(self.db, [inn for inn in missing if found[inn] is None]))
        return {inn: self.cache[inn] for inn in inns}


def matched_before(db: Database, inns: list[str]) -> dict[str, int]:
    """INN -> the company staff matched it to (`attach`)."""
    found: dict[str, int] = {}
    for start in range(0, len(inns), _CHUNK):
        chunk = inns[start:start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        found.update(db.execute(f"SELECT inn, company_id FROM points_inn_matches WHERE inn IN ({marks})",  # noqa: S608
                                chunk).fetchall())
    return found


_KEPT_ASIDE = ("FROM points_shipments AS s WHERE s.company_id IS NULL AND s.kind = 'shipment' AND NOT EXISTS "
               "(SELECT 1 FROM points_shipments AS r WHERE r.replaces_id = s.id)")


def kept_aside(db: Database, limit: int = 1000) -> list[tuple[str, int, int, str]]:
    """Lines whose INN matched no company, by INN: (INN, lines, kopecks, where the first one came from)."""
    return [tuple(row) for row in db.execute(  # noqa: S608 - constant SQL
        "SELECT s.inn, count(*), sum(s.amount_kopecks), min(s.file || ':' || s.line) " + _KEPT_ASIDE +
        " GROUP BY s.inn ORDER BY s.inn LIMIT ?", [limit]).fetchall()]


@dataclass(frozen=True)
class KeptInn:
    """An unknown INN's lines kept aside, for the staff page: how many, how much, when, from where."""

    inn: str
    lines: int
    kopecks: int
    first_date: str
    last_date: str
    examples: tuple[str, ...]  # FILE:LINE of the first few lines


def kept_inns(db: Database, limit: int = 200, examples: int = 3) -> list[KeptInn]:
    """The INNs with lines kept aside, the most lines first (the staff page's list)."""
    rows = db.execute(  # noqa: S608 - constant SQL
        "SELECT s.inn, count(*), sum(s.amount_kopecks), min(s.doc_date), max(s.doc_date) " + _KEPT_ASIDE +
        " GROUP BY s.inn ORDER BY count(*) DESC, s.inn LIMIT ?", [limit]).fetchall()
    return [KeptInn(*row, tuple(f"{file}:{line}" for file, line in db.execute(  # noqa: S608
        "SELECT s.file, s.line " + _KEPT_ASIDE + " AND s.inn = ? ORDER BY s.id LIMIT ?", [row[0], examples])))
        for row in rows]


def kept_inn_count(db: Database) -> int:
    """How many INNs have lines kept aside (the badge on /staff/points/)."""
    return int(db.execute("SELECT count(DISTINCT s.inn) " + _KEPT_ASIDE).fetchone()[0])  # noqa: S608


@dataclass(frozen=True)
class Attached:
    """What one `attach` did: lines given to the company, their roubles, the months (YYYY-MM) they are in."""

    lines: int
    kopecks: int
    months: tuple[str, ...]
    company_id: int | None = None


def attach(db: Database, inn: str, company_id: int, now: float, by: str = "") -> int:
    """Give the lines kept aside under `inn` to a company: each a reversal and a new row with the company
    (never an edit); the match is remembered (points_inn_matches), so later imports of this INN follow it.
    Returns how many lines were attached."""
    return attach_kept(db, inn, company_id, now, by, remember=True).lines


def attach_kept(db: Database, inn: str, company_id: int, now: float, by: str = "", remember: bool = False) -> Attached:
    """`attach`, saying which months the lines are in. With no lines kept aside under `inn` (someone gave them
    to a company meanwhile) nothing is written, not even the match, unless `remember` (the command line's
    `match`, which may name a company before its INN's first import)."""
    with write_transaction(db):
        rows = db.conn.execute("SELECT s.id, s.inn, s.doc_date, s.document, s.amount_kopecks, s.product_group, "  # noqa: S608
                               "s.file, s.line " + _KEPT_ASIDE + " AND s.inn = ? ORDER BY s.id", [inn]).fetchall()
        inserts = []
        for old_id, row_inn, doc_date, document, kopecks, group, file, line in rows:
            inserts.append((None, row_inn, doc_date, document, kopecks, group, "reversal", old_id, file, line, now, by))
            inserts.append((company_id, row_inn, doc_date, document, kopecks, group, "shipment", None, file, line,
                            now, by))
        db.conn.executemany(_INSERT, inserts)
        if rows or remember:
            db.conn.execute("INSERT INTO points_inn_matches (inn, company_id, matched_by, at) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT (inn) DO UPDATE SET company_id = excluded.company_id, "
                            "matched_by = excluded.matched_by, at = excluded.at", [inn, company_id, by, now])
    return Attached(len(rows), sum(row[4] for row in rows), tuple(sorted({row[2][:7] for row in rows})), company_id)


def attached_by(db: Database, inn: str, marker: str) -> Attached | None:
    """What an `attach_kept` under `inn` whose `by` ends with `marker` (a staff form's " form:<nonce>") did, read
    back from its reversal rows (they stay kept aside, so the small partial index finds them); None when none."""
    row = db.execute("SELECT count(*), coalesce(sum(amount_kopecks), 0), group_concat(DISTINCT substr(doc_date, 1, 7)) "
                     "FROM points_shipments WHERE company_id IS NULL AND inn = ? AND kind = 'reversal' "
                     "AND substr(imported_by, -?) = ?", [inn, len(marker), marker]).fetchone()
    if not row[0]:
        return None
    company = db.execute("SELECT company_id FROM points_inn_matches WHERE inn = ? AND substr(matched_by, -?) = ?",
                         [inn, len(marker), marker]).fetchone()  # None once someone matched the INN again since
    return Attached(row[0], row[1], tuple(sorted(row[2].split(","))), company[0] if company else None)


def month_totals(db: Database, month: str) -> list[tuple[int, str, str, int]]:
    """A month's purchases net of reversals, per (company id, product group, date): kopecks."""
    start, end = f"{month}-01", f"{month}-32"  # ISO dates of the month sort between these
    return [tuple(row) for row in db.execute(
        "SELECT company_id, product_group, doc_date, "
        "sum(CASE kind WHEN 'shipment' THEN amount_kopecks ELSE -amount_kopecks END) FROM points_shipments "
        "WHERE doc_date >= ? AND doc_date < ? AND company_id IS NOT NULL "
        "GROUP BY company_id, product_group, doc_date", [start, end]).fetchall()]


def purchases(db: Database, start: str, end: str, company_ids: list[int] | None = None) -> dict[int, int]:
    """Company id -> purchases net of reversals with doc_date in [start, end) (ISO dates): kopecks. Every
    company with lines there, or only `company_ids` (at most _CHUNK of them)."""
    where, values = "", [start, end]
    if company_ids is not None:
        where = f" AND company_id IN ({', '.join('?' * len(company_ids[:_CHUNK]))})"
        values += company_ids[:_CHUNK]
    return dict(db.execute(  # noqa: S608 - the IN list is placeholders only
        "SELECT company_id, sum(CASE kind WHEN 'shipment' THEN amount_kopecks ELSE -amount_kopecks END) "
        "FROM points_shipments WHERE doc_date >= ? AND doc_date < ? AND company_id IS NOT NULL" + where +
        " GROUP BY company_id", values).fetchall())


def first_purchases(db: Database, company_ids: list[int] | None = None) -> dict[int, str]:
    """Company id -> the date (ISO) of its first shipment that stands (not reversed)."""
    where, values = "", []
    if company_ids is not None:
        where = f" AND s.company_id IN ({', '.join('?' * len(company_ids[:_CHUNK]))})"
        values = company_ids[:_CHUNK]
    sql = ("SELECT s.company_id, min(s.doc_date) FROM points_shipments AS s WHERE s.kind = 'shipment' "  # noqa: S608
           "AND s.company_id IS NOT NULL" + where + " AND NOT EXISTS (SELECT 1 FROM points_shipments AS r "
           "WHERE r.replaces_id = s.id) GROUP BY s.company_id")  # the IN list is placeholders only
    return dict(db.execute(sql, values).fetchall())
def company_months(db: Database, company_ids: list[int], start: str, end: str) -> list[tuple[str, str, int]]:
    """These companies' purchases dated start <= day < end (ISO dates), net of reversals, per
    (YYYY-MM, product group): kopecks. A reversal carries its row's company, date and group, so the
    sums net out per company (the tiers and the cabinet's purchase analytics read this)."""
    ids = sorted(set(company_ids))[:_CHUNK]  # a company and its merged duplicates: a handful
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    return [tuple(row) for row in db.execute(
        "SELECT substr(doc_date, 1, 7), product_group, "  # noqa: S608 - only placeholders are formatted in
        "sum(CASE kind WHEN 'shipment' THEN amount_kopecks ELSE -amount_kopecks END) FROM points_shipments "
        f"WHERE company_id IN ({marks}) AND doc_date >= ? AND doc_date < ? GROUP BY 1, 2 ORDER BY 1, 2",
        [*ids, start, end]).fetchall()]


def inn_months(db: Database, end: str) -> list[tuple[str, str, int, int | None]]:
    """Every INN's purchases dated before `end` (ISO), net of reversals, per (INN, YYYY-MM): kopecks, and a
    company its lines there were given to (None: kept aside). By INN, not company: a member's lines kept aside
    before it joined count as its own, and a merged duplicate's (whose INN the merge cleared) follow its lines."""
    return [tuple(row) for row in db.execute(
        "SELECT inn, substr(doc_date, 1, 7), sum(CASE kind WHEN 'shipment' THEN amount_kopecks "
        "ELSE -amount_kopecks END), max(company_id) FROM points_shipments WHERE doc_date < ? GROUP BY 1, 2",
        [end]).fetchall()]


def inn_matches(db: Database) -> dict[str, int]:
    """Every INN staff gave to a company (`club points match`, the unmatched page): INN -> company id."""
    return dict(db.execute("SELECT inn, company_id FROM points_inn_matches").fetchall())
