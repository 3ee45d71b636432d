"""The shipments table is append-only: the database itself refuses UPDATE and DELETE."""

import sqlite3

import pytest

from portal.points import shipments
from portal.points.shipments_file import Row
from tests.points.helpers import inn


def test_shipments_refuse_update_and_delete(db):
    shipments.import_rows(db, [Row(2, inn(1), "2026-11-01", "1", 100)], "s.csv", 0.0)
    for statement in ("UPDATE points_shipments SET amount_kopecks = 1", "DELETE FROM points_shipments"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(statement)
    assert db.execute("SELECT amount_kopecks FROM points_shipments").fetchall() == [(100,)]


def test_a_reversal_must_name_its_row(db):
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO points_shipments (inn, doc_date, document, amount_kopecks, kind, file, line, "
                   "imported_at) VALUES ('1', '2026-11-01', '1', 1, 'reversal', 'f', 1, 0)")
