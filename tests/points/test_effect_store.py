"""The club-effect data: monthly purchases by INN net of reversals, who is a member and since when, each
customer's segment and region (the company's, else the register's)."""

from datetime import date

from portal.core.companies import fill_missing_details, find_or_create_company, merge
from portal.points import customers, effect_store, shipments
from portal.points.customers_file import Customer
from portal.points.shipments_file import Row
from tests.points.helpers import inn

MEMBER, DUPLICATE, MATCHED, OTHER, STRANGER = inn(11), inn(22), inn(33), inn(44), inn(55)
TODAY = date(2026, 3, 10)


def by_key(data):
    return {unit.key: unit for unit in data.units}


def test_reversals_net_out_and_months_end_before_this_one(db):
    customers.import_rows(db, [Customer(2, OTHER, "ООО «Ампер»", "installers", "central", None)], "r.csv", 1.0)
    shipments.import_rows(db, [Row(2, OTHER, "2026-01-10", "D-1", 100_00), Row(3, OTHER, "2026-02-03", "D-2", 50_00),
                               Row(4, OTHER, "2026-03-01", "D-3", 7_00)], "a.csv", 1.0)
    # D-1 corrected to 30 roubles: a reversal of 100 and a new row of 30; D-2 moved to December
    shipments.import_rows(db, [Row(2, OTHER, "2026-01-10", "D-1", 30_00), Row(3, OTHER, "2025-12-20", "D-2", 50_00)],
                          "b.csv", 2.0)
    data = effect_store.load(db, TODAY)
    unit = by_key(data)[f"inn:{OTHER}"]
    assert dict(unit.series) == {"2026-01": 30_00, "2026-02": 0, "2025-12": 50_00}   # March is not over yet
    assert (unit.joined, unit.segment, unit.region) == (None, "installers", "central")
    assert (data.first, data.last, data.unregistered) == ("2025-12", "2026-02", 0)


def test_a_members_inns_joining_date_and_details(db):
    # lines of MEMBER imported before its company existed: kept aside, but its purchases all the same
    shipments.import_rows(db, [Row(2, MEMBER, "2025-06-05", "M-1", 10_00), Row(3, STRANGER, "2025-06-05", "S-1", 1)],
                          "old.csv", 1.0)
    company = find_or_create_company(db, "ООО «Светлый путь»", MEMBER)
    duplicate = find_or_create_company(db, "Светлый путь СПб", DUPLICATE)
    shipments.import_rows(db, [Row(2, MEMBER, "2025-07-05", "M-2", 20_00), Row(3, DUPLICATE, "2025-07-09", "M-3", 5_00),
                               Row(4, MATCHED, "2025-08-01", "M-4", 1_00)], "new.csv", 2.0)
    shipments.attach(db, MATCHED, company.id, 3.0)
    merge(db, duplicate.id, company.id, None)
    customers.import_rows(db, [Customer(2, DUPLICATE, "Светлый путь СПб", "designers", "south", "2025-04-11"),
                               Customer(3, MEMBER, "Светлый путь", "designers", "south", "2025-05-02")], "r.csv", 4.0)
    data = effect_store.load(db, TODAY)
    units = by_key(data)
    assert set(units) == {f"company:{company.id}"}   # the duplicate is no unit; registered INNs of members neither
    unit = units[f"company:{company.id}"]
    assert dict(unit.series) == {"2025-06": 10_00, "2025-07": 25_00, "2025-08": 1_00}
    assert unit.joined == "2025-04"                   # the register's earliest date of its INNs
    assert (unit.segment, unit.region) == ("designers", "south")   # the company has none: the register's
    fill_missing_details(db, company.id, "installers", "volga")
    unit = by_key(effect_store.load(db, TODAY))[f"company:{company.id}"]
    assert (unit.segment, unit.region) == ("installers", "volga")  # the company's own win
    assert data.unregistered == 1                                  # STRANGER: neither a member nor registered


def test_without_a_registered_date_a_member_joined_when_its_record_was_created(db):
    company = find_or_create_company(db, "ООО «Новичок»", MEMBER)
    unit = by_key(effect_store.load(db, TODAY))[f"company:{company.id}"]
    created = db.execute("SELECT created_at FROM companies WHERE id = ?", [company.id]).fetchone()[0]
    assert unit.joined == created[:7] and dict(unit.series) == {}


def test_no_data(db):
    data = effect_store.load(db, TODAY)
    assert (data.units, data.first, data.last, data.unregistered) == ((), "", "2026-02", 0)


def test_the_same_answer_until_something_is_written(db):
    customers.import_rows(db, [Customer(2, OTHER, "ООО «Ампер»", "installers", "central", None)], "r.csv", 1.0)
    first = effect_store.load(db, TODAY)
    assert effect_store.load(db, TODAY) is first
    assert effect_store.load(db, date(2026, 4, 1)) is not first          # another month
    shipments.import_rows(db, [Row(2, OTHER, "2026-01-10", "D-9", 1_00)], "c.csv", 1.0)
    assert dict(by_key(effect_store.load(db, TODAY))[f"inn:{OTHER}"].series) == {"2026-01": 1_00}
