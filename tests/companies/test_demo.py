"""The demo club (`club serve --demo`): people, then their companies' representatives, managers and contacts."""

from portal.accounts.demo import DEMO_PASSWORD, seed_demo_people
from portal.companies import contacts
from portal.companies.demo import seed_demo_companies
from portal.core import companies
from portal.core.passwords import verify_password
from tests.portal_fixtures import make_user


def test_the_demo_club_tells_a_story_and_is_added_once(db):
    assert "password 'club-demo-2026'" in seed_demo_people(db)
    assert seed_demo_companies(db)
    svet = companies.find_company(db, "Свет-Монтаж")
    anna = db.execute("SELECT id, password_hash FROM users WHERE email = 'anna@svet-montazh.example'").fetchone()
    assert svet.representative_id == anna[0] and svet.account_manager_id is not None
    assert verify_password(anna[1], DEMO_PASSWORD)
    assert contacts.next_planned(db, svet.id) is not None and svet.last_contact_at is not None
    assert companies.find_company(db, "7811234563").segment == "designers"
    assert seed_demo_people(db) is None and seed_demo_companies(db) is None  # a second start adds nothing
    assert len(companies.changes(db, svet.id)) == 2


def test_a_club_with_people_gets_no_demo(db):
    make_user(db, "real@partner.ru", member=True)
    assert seed_demo_people(db) is None
    assert seed_demo_companies(db) is None
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 1
