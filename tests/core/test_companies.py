"""core.companies: one representative or none, every change a row that cannot be edited, merges and moves."""

import sqlite3
import threading

import pytest

from portal.core import companies
from portal.core.db import connect
from tests.portal_fixtures import make_user


@pytest.fixture
def people(db):
    """Two people of one company and one of another."""
    svet = companies.find_or_create_company(db, "ООО «Свет-Монтаж»")
    other = companies.find_or_create_company(db, "ИП Лампочкин")
    made = {}
    for email, company in (("anna@svet.ru", svet), ("ivan@svet.ru", svet), ("petr@lamp.ru", other)):
        user = make_user(db, email, name=email.split("@")[0].title())
        db.execute("UPDATE users SET company_id = ? WHERE id = ?", [company.id, user.id])
        made[email.split("@")[0]] = user.id
    return svet, other, made


def test_spellings_of_one_company_are_one_record(db):
    first = companies.find_or_create_company(db, 'ООО "Свет-Монтаж"')
    assert companies.find_or_create_company(db, "свет монтаж ооо").id == first.id
    assert companies.find_company(db, "Свет Монтаж").id == first.id
    assert companies.find_company(db, f"#{first.id}").id == first.id
    assert companies.find_company(db, "#99999999999999999999") is None


def test_a_company_has_one_representative_and_every_change_is_logged(db, people):
    svet, _other, ids = people
    assert companies.set_representative(db, svet.id, ids["anna"], None) is None
    assert companies.set_representative(db, svet.id, ids["ivan"], None, "по договору") == ids["anna"]
    assert companies.get_company(db, svet.id).representative_id == ids["ivan"]
    log = companies.changes(db, svet.id)
    assert [(c.kind, c.old, c.new) for c in log] == [("representative", str(ids["anna"]), str(ids["ivan"])),
                                                      ("representative", None, str(ids["anna"]))]
    assert log[0].note == "по договору"


def test_setting_the_same_representative_again_logs_nothing(db, people):
    svet, _other, ids = people
    companies.set_representative(db, svet.id, ids["anna"], None)
    companies.set_representative(db, svet.id, ids["anna"], None)
    assert len(companies.changes(db, svet.id)) == 1


def test_a_person_of_another_company_cannot_represent_it(db, people):
    svet, _other, ids = people
    with pytest.raises(ValueError, match="company's people"):
        companies.set_representative(db, svet.id, ids["petr"], None)
    assert companies.get_company(db, svet.id).representative_id is None
    assert companies.changes(db, svet.id) == []


@pytest.mark.parametrize("statement", ["UPDATE company_changes SET new = '1'", "DELETE FROM company_changes"])
def test_the_change_log_is_append_only(db, people, statement):
    svet, _other, ids = people
    companies.set_representative(db, svet.id, ids["anna"], None)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute(statement)


def test_moving_the_representative_away_leaves_the_company_without_one(db, people):
    svet, other, ids = people
    companies.set_representative(db, svet.id, ids["anna"], None)
    companies.move_person(db, ids["anna"], other.id, None)
    assert companies.get_company(db, svet.id).representative_id is None
    assert sorted(companies.members_of(db, other.id)) == sorted([ids["anna"], ids["petr"]])
    kinds = [(c.kind, c.old, c.new, c.note) for c in companies.changes(db, svet.id)]
    assert ("move", str(svet.id), str(other.id), "Anna") in kinds
    assert ("representative", str(ids["anna"]), None, "Anna") in kinds
    assert [(c.kind, c.old, c.new) for c in companies.changes(db, other.id)] == [("move", str(svet.id), str(other.id))]


def test_merge_moves_people_keeps_a_pointer_and_joins_later_spellings(db, people):
    svet, other, ids = people
    companies.set_representative(db, other.id, ids["petr"], None)
    db.execute("UPDATE companies SET inn = '7707083893', segment = 'installers' WHERE id = ?", [other.id])
    assert companies.merge(db, other.id, svet.id, None) == 1
    survivor, duplicate = companies.get_company(db, svet.id), companies.get_company(db, other.id)
    assert duplicate.merged_into == svet.id and duplicate.representative_id is None and duplicate.inn is None
    assert survivor.representative_id == ids["petr"]  # it had none: the duplicate's is kept
    assert (survivor.inn, survivor.segment) == ("7707083893", "installers")
    assert companies.find_or_create_company(db, "Лампочкин ИП").id == svet.id
    with pytest.raises(ValueError):
        companies.merge(db, other.id, svet.id, None)  # merged already
    with pytest.raises(ValueError):
        companies.merge(db, svet.id, svet.id, None)


def test_two_staff_changing_the_representative_at_once_are_both_logged(settings, people):
    svet, _other, ids = people
    barrier = threading.Barrier(2)
    errors = []

    def change(user_id):
        db = connect(settings.database)
        try:
            barrier.wait()
            companies.set_representative(db, svet.id, user_id, None)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.conn.close()

    threads = [threading.Thread(target=change, args=(ids[name],)) for name in ("anna", "ivan")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db = connect(settings.database)
    log = list(reversed(companies.changes(db, svet.id)))
    assert [c.old for c in log] == [None, log[0].new]  # the second saw the first: the history is a chain
    assert companies.get_company(db, svet.id).representative_id == int(log[-1].new)
    db.conn.close()


def test_note_contact_only_moves_forward(db, people):
    svet, _other, _ids = people
    companies.note_contact(db, svet.id, 2000.0)
    companies.note_contact(db, svet.id, 1000.0)
    assert companies.get_company(db, svet.id).last_contact_at == 2000.0


def test_with_duplicates_lists_the_company_and_what_was_merged_into_it(db):
    main, first, second, other = (companies.find_or_create_company(db, name).id
                                  for name in ("ООО «Основа»", "Основа-дубль", "Основа-2", "ООО «Другая»"))
    assert companies.with_duplicates(db, main) == [main]
    companies.merge(db, second, main, None)
    companies.merge(db, first, main, None)
    assert companies.with_duplicates(db, main) == [main, *sorted([first, second])]
    assert companies.with_duplicates(db, other) == [other]
