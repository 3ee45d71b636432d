"""The orders demo: the demo distributor serves some regions, and four orders between the demo companies
show each path (accepted, a question waiting, overdue, routed by staff and declined), once."""

import time

from portal.accounts.demo import seed_demo_people
from portal.core.companies import find_company
from portal.orders import demo, routing, store, terms
from portal.web.context import club_zone


def test_the_demo_shows_orders_in_every_state_once(db, settings, catalogue):
    seed_demo_people(db)
    said = demo.seed_demo_orders(db, settings)
    assert said.startswith("orders: 4 demo orders")
    dist = find_company(db, "ЭлектроОпт Юг")
    assert routing.regions_of(db, dist.id) == tuple(sorted(demo.SERVED))
    orders = store.search(db, store.Filters())
    assert sorted(o.state for o in orders) == ["accepted", "declined", "question", "sent"]
    waiting = next(o for o in orders if o.state == "sent")
    # sent 80 hours ago: at most 48 of them were a weekend, so more than one working day has passed
    assert terms.is_overdue(waiting.changed_at, time.time(), terms.DEFAULT_ANSWER_HOURS, club_zone(None))
    declined = next(o for o in orders if o.state == "declined")
    assert [e.state for e in store.history(db, declined.id)] == ["sent", "passed", "declined"]
    assert store.history(db, declined.id)[0].distributor_id is None  # the north-west has no distributor
    assert demo.seed_demo_orders(db, settings) is None  # a second start adds nothing


def test_not_the_demo_club_gets_nothing(db, settings, catalogue):
    assert demo.seed_demo_orders(db, settings) is None
