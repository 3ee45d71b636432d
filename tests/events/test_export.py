"""The rows staff read and download: filters, counts, the table with a column per question, formula-safe
cells, real datetimes in the club's zone, the workbook."""

import io
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from portal.core import companies
from portal.events import attendance, export, store
from portal.web.context import vocabularies
from tests.events.helpers import event, person

ZONE = ZoneInfo("Asia/Yekaterinburg")


def words(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def filled(db):
    entry = event(capacity=1)
    anna, boris = person(db, "anna@example.ru"), person(db, "boris@example.ru", company="ООО «Б»", name="Борис")
    companies.set_details(db, anna.company_id, "installers", "central", None)
    store.register(db, entry, anna, anna, {"diet": "Вегетарианское", "ask": "@SUM(A1)"}, time.time())
    store.register(db, entry, boris, anna, {}, time.time())
    return entry, export.lines(db, entry), anna, boris


def test_lines_carry_company_segment_region_and_who_registered(db):
    _entry, found, anna, boris = filled(db)
    assert [(line.company, line.segment, line.region, line.by) for line in found] == [
        ("ООО «Свет-Монтаж»", "installers", "central", anna.name), ("ООО «Б»", "", "", anna.name)]
    assert export.counts(found) == {"registered": 1, "waiting": 1, "offered": 0, "cancelled": 0, "left": 0}
    assert export.companies_of(found) == [(boris.company_id, "ООО «Б»"), (anna.company_id, "ООО «Свет-Монтаж»")]


def test_filters_combine(db):
    _entry, found, _anna, boris = filled(db)
    assert [line.company for line in export.matching(found, export.Filters(status="waiting"))] == ["ООО «Б»"]
    assert export.matching(found, export.Filters(company=boris.company_id, segment="installers")) == []
    assert len(export.matching(found, export.Filters(region="central"))) == 1
    assert export.Filters(company=7, region="ural").query() == {"company": "7", "region": "ural"}


def test_the_table_has_a_column_per_question_and_safe_cells(db):
    entry, found, _anna, _boris = filled(db)
    rows = export.table(entry, found, words, vocabularies(None), ZONE)
    assert rows[0] == [*export.COLUMNS, "Особенности питания", "Вопрос инженеру"]
    assert rows[1][:3] == [1, "registered", "Анна Светлова"] and rows[1][-2:] == ["Вегетарианское", "'@SUM(A1)"]
    assert rows[1][5] == "Монтажные организации" and rows[2][-2:] == ["", ""]
    created = rows[1][8]
    assert isinstance(created, datetime) and created.tzinfo is None
    assert created == datetime.fromtimestamp(found[0].registration.created_at, ZONE).replace(tzinfo=None)
    assert export.csv_table(rows)[1][8] == created.strftime("%d.%m.%Y %H:%M")


def test_the_workbook_keeps_text_as_text(db):
    entry, found, _anna, _boris = filled(db)
    rows = export.table(entry, found, words, vocabularies(None), ZONE)
    rows[2][2] = "=HYPERLINK(\"http://x\")"  # even a cell that slipped past text_cell is no formula
    sheet = load_workbook(io.BytesIO(export.xlsx_bytes(rows, "Академия: [1/2]"))).active
    assert sheet.title == "Академия   1 2 " and sheet["C3"].data_type == "s"
    assert sheet["I2"].is_date


def test_file_names_are_ascii():
    assert export.filename(event("akademiya"), "csv") == "akademiya.csv"
    assert export.filename(event("день-открытых"), "xlsx") == "event.xlsx"


def test_attendance_is_a_column_from_the_latest_mark(db):
    entry, found, _anna, _boris = filled(db)
    before = export.table(entry, found, words, vocabularies(None), ZONE)
    assert before[0][10] == "attended" and before[1][10] == ""
    attendance.mark(db, found[0].registration, True, None, time.time())
    after = export.table(entry, export.lines(db, entry), words, vocabularies(None), ZONE)
    assert after[1][10] == "yes" and after[2][10] == ""  # the waiting person has no mark
