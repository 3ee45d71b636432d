"""The customer register's store: new, changed and unchanged rows, problems listed with FILE:LINE."""

from portal.points import customers
from portal.points.customers_file import Customer
from portal.points.shipments_file import Problem
from tests.points.helpers import inn

A, B = inn(101), inn(202)


def test_import_then_again_with_a_change(db):
    report = customers.import_rows(db, [Customer(2, A, "Ампер", "installers", "central", None),
                                        Problem(3, "INN '1' is not 10 digits — the line was skipped"),
                                        Customer(4, B, "Луч", "designers", "south", "2025-03-05")], "r.csv", 1.0, "t")
    assert (report.new, report.changed, report.unchanged, report.problem_count) == (2, 0, 0, 1)
    assert report.lines() == ["r.csv:3: INN '1' is not 10 digits — the line was skipped",
                              "r.csv: 2 new, 0 changed, 0 unchanged, 1 skipped with problems"]
    again = customers.import_rows(db, [Customer(2, A, "Ампер", "installers", "central", None),
                                       Customer(3, B, "Луч", "designers", "central", "2025-03-05")], "s.csv", 2.0)
    assert (again.new, again.changed, again.unchanged) == (0, 1, 1)
    assert customers.register(db)[B] == customers.Registered(B, "Луч", "designers", "central", "2025-03-05")
    assert customers.count(db) == 2
    row = db.execute("SELECT file, line, imported_at FROM points_customers WHERE inn = ?", [B]).fetchone()
    assert tuple(row) == ("s.csv", 3, 2.0)


def test_a_long_list_of_problems_is_counted(db):
    report = customers.import_rows(db, [Problem(n, "bad") for n in range(2, 2 + customers.LISTED + 5)], "r.csv", 1.0)
    assert len(report.problems) == customers.LISTED and report.problem_count == customers.LISTED + 5
    assert "r.csv: … and 5 more problem lines" in report.lines()
