"""The companies' health columns: the account manager's name and the day of the last contact, per company."""

from datetime import datetime
from zoneinfo import ZoneInfo

from portal.companies import figures
from portal.core import companies
from tests.portal_fixtures import make_user


def test_manager_and_last_contact_per_live_company(db, settings):
    olga = make_user(db, "olga@club.example", role="staff", name="Ольга Кураторова")
    first = companies.find_or_create_company(db, "ООО «Первый»").id
    second = companies.find_or_create_company(db, "ООО «Второй»").id
    merged = companies.find_or_create_company(db, "ООО «Дубль»").id
    companies.set_account_manager(db, first, olga.id, None)
    late_evening = datetime(2026, 11, 30, 23, 30, tzinfo=ZoneInfo("Europe/Moscow")).timestamp()  # 20:30 UTC
    companies.note_contact(db, second, late_evening)
    companies.note_contact(db, merged, late_evening)
    companies.merge(db, merged, first, None)
    assert figures.managers(db, settings, 0.0) == {first: "Ольга Кураторова"}
    assert figures.last_contacts(db, settings, 0.0) == {second: "2026-11-30"}  # the club's day, not UTC's
    assert [row.id for row in companies.roster(db)] == [second, first]  # by name, no merged duplicate
    assert companies.account_managers(db) == [(olga.id, "Ольга Кураторова")]
