"""The club-effect demo: a register and shipments that make the report show a plausible, positive effect."""

from datetime import date

from portal.accounts.demo import seed_demo_people
from portal.companies.demo import seed_demo_companies
from portal.points import customers, demo, effect_demo, effect_report


def seeded(db):
    seed_demo_people(db)
    seed_demo_companies(db)
    demo.seed_demo_points(db)
    return effect_demo.seed_demo_effect(db)


def test_the_demo_shows_a_positive_effect_with_companies_behind_it(db):
    said = seeded(db)
    assert said and "customer register" in said
    report = effect_report.build(db, date.today())
    result = report.result
    assert len(result.pairs) >= 8 and result.control_count >= 15
    assert result.did > 0 and result.did_frequency > 0
    assert result.members.after > result.members.before
    # plausible: the lift is a part of a member's month, not a multiple of it
    assert result.did < result.members.before / 2
    assert result.too_recent >= 2                                  # the newest members wait for their window
    assert report.churn_members.churned >= 1 and report.churn_others.churned >= 2
    assert len(report.cohorts) >= 5
    assert effect_demo.seed_demo_effect(db) is None                # a second start adds nothing
    assert customers.count(db) == len(effect_demo.MEMBERS) + len(effect_demo.OTHERS) + len(effect_demo.JOINED)


def test_not_the_demo_club_gets_nothing(db):
    assert effect_demo.seed_demo_effect(db) is None
    assert customers.count(db) == 0
