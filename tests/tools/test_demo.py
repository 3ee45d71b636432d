"""The tools demo: the first demo member keeps saved calculations, once; the school lit from the catalogue."""

from portal.accounts.demo import seed_demo_people
from portal.companies.demo import seed_demo_companies
from portal.tools import demo, store


def test_the_demo_member_gets_saved_calculations_once(db, settings, catalogue):
    seed_demo_people(db)
    seed_demo_companies(db)
    said = demo.seed_demo_calculations(db, settings)
    assert said == f"tools: {len(demo.DEMO)} demo calculations"
    member_id, _company = store.first_demo_member(db)
    saved = store.saved_by(db, member_id)
    assert len(saved) == len(demo.DEMO)
    school = next(item for item in saved if item.project.startswith("Школа"))
    assert school.sku == "OL-36" and school.results["uf_source"] == "photometry"  # from the catalogue's curve
    assert {item.kind for item in saved} == {"lumen", "cable"}
    assert demo.seed_demo_calculations(db, settings) is None  # a second start adds nothing


def test_without_a_catalogue_the_school_uses_its_own_numbers(db, settings):
    seed_demo_people(db)
    seed_demo_companies(db)
    demo.seed_demo_calculations(db, settings)
    member_id, _company = store.first_demo_member(db)
    school = next(item for item in store.saved_by(db, member_id) if item.project.startswith("Школа"))
    assert school.sku is None and school.results["uf_source"] == "given" and school.results["flux"] == 4200


def test_not_the_demo_club_gets_nothing(db, settings):
    assert demo.seed_demo_calculations(db, settings) is None
