"""Saved calculations in the store: one owner, the project order, the one-time value, delete."""

import pytest

from portal.tools import store
from tests.feedback.helpers import person


@pytest.fixture
def two(db):
    return (person(db, "anna@svet-montazh.ru"), person(db, "ivan@drugoy-svet.ru", company="ООО «Другой Свет»"))


def save(db, user, project: str, nonce: str, at: float = 1_000_000.0) -> int:
    return store.save(db, user.id, user.company_id, "cable", project, None, {"length": "50"}, {"percent": 1.22},
                      nonce, at=at)


def test_saved_calculations_are_their_authors_only(db, two):
    anna, ivan = two
    number = save(db, anna, "Склад", "n" * 16)
    assert store.get(db, number, anna.id).results == {"percent": 1.22}
    assert store.get(db, number, ivan.id) is None
    assert store.delete(db, number, ivan.id) is False and store.count_of(db, anna.id) == 1


def test_the_list_is_by_project_and_newest_first(db, two):
    anna, _ivan = two
    save(db, anna, "склад", "a" * 16, at=1.0)
    save(db, anna, "Офис", "b" * 16, at=2.0)
    save(db, anna, "склад", "c" * 16, at=3.0)
    found = [(item.project, item.created_at) for item in store.saved_by(db, anna.id)]
    assert found == [("Офис", 2.0), ("склад", 3.0), ("склад", 1.0)]


def test_the_same_one_time_value_saves_once(db, two):
    anna, _ivan = two
    number = save(db, anna, "Склад", "x" * 16)
    with pytest.raises(store.Duplicate) as caught:
        save(db, anna, "Склад", "x" * 16)
    assert (caught.value.calculation_id, caught.value.user_id) == (number, anna.id)
    assert store.count_of(db, anna.id) == 1


def test_delete_and_the_data_download(db, two):
    anna, _ivan = two
    number = save(db, anna, "Склад", "d" * 16)
    assert store.personal_data(db, anna.id)["tools_calculations"][0]["project"] == "Склад"
    assert store.delete(db, number, anna.id) is True
    assert store.personal_data(db, anna.id) == {"tools_calculations": []} and store.is_empty(db)


def test_a_deleted_person_takes_their_calculations_along(db, two):
    from portal.core.identity import delete_user

    anna, _ivan = two
    save(db, anna, "Склад", "e" * 16)
    delete_user(db, anna.id)
    assert store.is_empty(db)
