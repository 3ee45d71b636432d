"""The demo club's surveys: two past waves (spring −13, autumn +50), a detractor's request for the account
manager, two people who still see the autumn card; added once."""

from __future__ import annotations

import time

from portal.accounts.demo import seed_demo_people
from portal.companies.demo import seed_demo_companies
from portal.surveys import report, store
from portal.surveys.demo import seed_demo_surveys


def test_demo_surveys_tell_a_story(db, settings):
    seed_demo_people(db)
    seed_demo_companies(db)
    assert "spring −13" in seed_demo_surveys(db, settings)
    spring, autumn = [score for _wave, score, _asked in report.trend(db)]
    assert (spring.value, spring.answers, autumn.value, autumn.answers) == (-13, 8, 50, 6)
    maria = db.execute("SELECT id FROM users WHERE email = 'maria@elopt-yug.example'").fetchone()[0]
    owners = db.execute("SELECT author_id, owner_id FROM feedback_requests WHERE author_id = ? AND subject LIKE "
                        "'%3 из 10%'", [maria]).fetchall()
    assert len(owners) == 1 and owners[0][1] is not None         # the account manager has it
    pavel = db.execute("SELECT id FROM users WHERE email = 'pavel@svet-montazh.example'").fetchone()[0]
    assert store.open_for(db, pavel, time.time()) is not None   # not answered yet: the card shows
    assert seed_demo_surveys(db, settings) is None               # a second start adds nothing


def test_no_members_no_demo(db, settings):
    assert seed_demo_surveys(db, settings) is None and store.is_empty(db)
