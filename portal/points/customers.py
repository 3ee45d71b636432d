"""The manufacturer's customer register: the one owner of `points_customers` (migration 33).

The shipments file names a customer only by INN; the register adds its name, segment and region (so the
club-effect report can compare members with non-member customers of the same segment and region) and,
when the manufacturer knows it, the date it joined the club. One row per INN: importing the register again
replaces a customer's row when something changed, and leaves it when nothing did.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlite_utils import Database

from portal.core.db import write_transaction
from portal.points.customers_file import Customer
from portal.points.shipments_file import Problem

LISTED = 200   # problems kept word for word in a report
COLUMNS = "inn, name, segment, region, joined_on, file, line, imported_at, imported_by"


@dataclass(frozen=True)
class Registered:
    inn: str
    name: str
    segment: str
    region: str
    joined_on: str | None


@dataclass
class Report:
    file: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    problem_count: int = 0
    problems: list[str] = field(default_factory=list)   # FILE:LINE: what is wrong, how to fix it

    def problem(self, line: int, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < LISTED:
            self.problems.append(f"{self.file}:{line}: {text}")

    def lines(self) -> list[str]:
        out = list(self.problems)
        if self.problem_count > len(self.problems):
            out.append(f"{self.file}: … and {self.problem_count - len(self.problems)} more problem lines")
        out.append(f"{self.file}: {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
                   f"{self.problem_count} skipped with problems")
        return out


def import_rows(db: Database, rows: Iterable[Customer | Problem], file: str, now: float, by: str = "") -> Report:
    """Write the register's good lines (one transaction: a register is thousands of lines, not millions)."""
    report = Report(file)
    with write_transaction(db):
        for row in rows:
            if isinstance(row, Problem):
                report.problem(row.line, row.text)
                continue
            old = db.conn.execute("SELECT name, segment, region, joined_on FROM points_customers WHERE inn = ?",
                                  [row.inn]).fetchone()
            if old is not None and tuple(old) == (row.name, row.segment, row.region, row.joined_on):
                report.unchanged += 1
                continue
            if old is None:
                report.new += 1
            else:
                report.changed += 1
            db.conn.execute(f"INSERT INTO points_customers ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "  # noqa: S608
                            "ON CONFLICT (inn) DO UPDATE SET name = excluded.name, segment = excluded.segment, "
                            "region = excluded.region, joined_on = excluded.joined_on, file = excluded.file, "
                            "line = excluded.line, imported_at = excluded.imported_at, "
                            "imported_by = excluded.imported_by",
                            [row.inn, row.name, row.segment, row.region, row.joined_on, file, row.line, now, by])
    return report


def register(db: Database) -> dict[str, Registered]:
    """INN -> the register's row, every customer."""
    return {row[0]: Registered(*row) for row in db.execute(
        "SELECT inn, name, segment, region, joined_on FROM points_customers ORDER BY inn").fetchall()}


def count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM points_customers").fetchone()[0])


def registered(db: Database, inns: list[str]) -> dict[str, Registered]:
    """INN -> the register's row, for those of `inns` in it (the unknown-INN page names them)."""
    found: dict[str, Registered] = {}
    for start in range(0, len(inns), 500):  # under SQLite's limit of bound parameters
        chunk = inns[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT inn, name, segment, region, joined_on FROM points_customers WHERE inn IN ({marks})"  # noqa: S608 - placeholders only
        found.update((row[0], Registered(*row)) for row in db.execute(sql, chunk))
    return found
