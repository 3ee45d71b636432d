"""Which regions each distributor serves: append-only history, the latest row wins, only the distributors'
segment counts."""

from portal.core.companies import find_or_create_company, set_details
from portal.orders import routing


def test_serving_follows_the_latest_change(db):
    firm = find_or_create_company(db, "ООО «Свет-Опт»")
    set_details(db, firm.id, "distributors", "south", by_id=None)
    assert routing.serving(db, "south") == []
    assert routing.set_regions(db, firm.id, ["south", "central"], by_id=None)
    assert not routing.set_regions(db, firm.id, ["central", "south"], by_id=None)  # the same: no new row
    assert [c.id for c in routing.serving(db, "central")] == [firm.id]
    routing.set_regions(db, firm.id, [], by_id=None)
    assert routing.serving(db, "central") == [] and routing.regions_of(db, firm.id) == ()
    assert [change.regions for change in routing.history(db, firm.id)] == [(), ("central", "south")]
    assert routing.serving(db, None) == []


def test_a_company_that_leaves_the_segment_stops_serving(db):
    firm = find_or_create_company(db, "ООО «Бывший опт»")
    set_details(db, firm.id, "distributors", "volga", by_id=None)
    routing.set_regions(db, firm.id, ["volga"], by_id=None)
    set_details(db, firm.id, "installers", "volga", by_id=None)
    assert routing.serving(db, "volga") == [] and routing.distributors(db) == []
