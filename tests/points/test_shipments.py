"""Importing shipments: new, unchanged on re-import, corrected through a reversal, unknown INNs kept aside."""

from portal.points import shipments
from portal.points.shipments_file import Problem, Row
from tests.points.helpers import company, inn

A, B, STRANGER = inn(111111111), inn(222222222), inn(333333333)


def run(db, rows, file="s.csv", **kwargs):
    return shipments.import_rows(db, rows, file, 1_000.0, by="cli:test", **kwargs)


def table(db):
    return db.execute("SELECT company_id, document, amount_kopecks, kind, replaces_id, file, line FROM "
                      "points_shipments ORDER BY id").fetchall()


def test_new_lines_then_the_same_file_again_changes_nothing(db):
    first = company(db, "ООО «Свет-Монтаж»", 111111111)
    lines = [Row(2, A, "2026-11-05", "УПД-1", 184000050, "Светильники"), Row(3, A, "2026-11-06", "УПД-2", 100)]
    report = run(db, lines)
    assert (report.new, report.unchanged, report.problem_count) == (2, 0, 0)
    again = run(db, lines)
    assert (again.new, again.unchanged, again.corrected) == (0, 2, 0)
    assert table(db) == [(first, "УПД-1", 184000050, "shipment", None, "s.csv", 2),
                         (first, "УПД-2", 100, "shipment", None, "s.csv", 3)]


def test_a_corrected_amount_is_a_reversal_and_a_new_row_never_an_edit(db):
    first = company(db, "ООО «Свет-Монтаж»", 111111111)
    run(db, [Row(2, A, "2026-11-05", "УПД-1", 50000)])
    report = run(db, [Row(7, A, "2026-11-05", "УПД-1", 30000)], file="fix.csv")
    assert (report.corrected, report.new) == (1, 0)
    assert table(db) == [(first, "УПД-1", 50000, "shipment", None, "s.csv", 2),
                         (first, "УПД-1", 50000, "reversal", 1, "fix.csv", 7),
                         (first, "УПД-1", 30000, "shipment", None, "fix.csv", 7)]
    assert shipments.month_totals(db, "2026-11") == [(first, "", "2026-11-05", 30000)]


def test_overlapping_files_add_only_what_is_new(db):
    company(db, "А", 111111111)
    run(db, [Row(2, A, "2026-11-01", "1", 100), Row(3, A, "2026-11-02", "2", 200)])
    report = run(db, [Row(2, A, "2026-11-02", "2", 200), Row(3, A, "2026-11-03", "3", 300)], file="next.csv")
    assert (report.new, report.unchanged) == (1, 1)
    assert len(table(db)) == 3


def test_document_and_group_are_the_key(db):
    company(db, "А", 111111111)
    report = run(db, [Row(2, A, "2026-11-01", "1", 100, "Лампы"), Row(3, A, "2026-11-01", "1", 200, "Треки")])
    assert report.new == 2


def test_a_document_twice_in_one_file_keeps_the_later_line(db):
    company(db, "А", 111111111)
    report = run(db, [Row(2, A, "2026-11-01", "1", 100), Row(3, A, "2026-11-01", "1", 150)])
    assert (report.new, report.corrected) == (1, 1)
    assert [row[2:4] for row in table(db)] == [(100, "shipment"), (100, "reversal"), (150, "shipment")]


def test_problems_are_reported_with_file_and_line(db):
    report = run(db, [Problem(4, "date '31.11.2026' is not a date — the line was skipped")], file="n.csv")
    assert report.problems == ["n.csv:4: date '31.11.2026' is not a date — the line was skipped"]
    assert report.problem_count == 1 and table(db) == []


def test_unknown_inn_is_kept_aside_reported_then_matched(db):
    report = run(db, [Row(5, STRANGER, "2026-11-01", "9", 100), Row(6, STRANGER, "2026-11-02", "10", 200)])
    assert report.unmatched == 2 and report.unknown == {STRANGER: [5, 2]}
    assert any(line.startswith(f"s.csv:5: INN {STRANGER} matches no company; 2 lines kept aside")
               for line in report.lines())
    assert shipments.kept_aside(db) == [(STRANGER, 2, 300, "s.csv:5")]
    found = company(db, "ООО «Новый»", 444444444)
    assert shipments.attach(db, STRANGER, found, 2_000.0, by="cli:test") == 2
    assert shipments.kept_aside(db) == []
    assert [(row[0], row[3]) for row in table(db)[2:]] == [(None, "reversal"), (found, "shipment")] * 2
    assert sum(row[3] for row in shipments.month_totals(db, "2026-11")) == 300
    later = run(db, [Row(2, STRANGER, "2026-11-03", "11", 50)], file="dec.csv")  # the match is remembered
    assert (later.new, later.unmatched) == (1, 0)


def test_a_company_found_later_takes_its_lines_on_reimport(db):
    run(db, [Row(2, B, "2026-11-01", "1", 100)])
    found = company(db, "Б", 222222222)
    report = run(db, [Row(2, B, "2026-11-01", "1", 100)])
    assert (report.matched, report.unmatched, report.unchanged) == (1, 0, 0)
    assert shipments.month_totals(db, "2026-11") == [(found, "", "2026-11-01", 100)]


def test_dry_run_writes_nothing(db):
    company(db, "А", 111111111)
    report = run(db, [Row(2, A, "2026-11-01", "1", 100)], dry_run=True)
    assert report.new == 1 and table(db) == []
    assert "dry run" in report.lines()[-1]


def test_a_correction_to_an_accrued_month_is_noted(db):
    company(db, "А", 111111111)
    run(db, [Row(2, A, "2026-10-01", "1", 100)])
    report = run(db, [Row(2, A, "2026-10-01", "1", 90)], accrued={"2026-10"})
    assert report.notes and "2026-10, already accrued" in report.notes[0]
