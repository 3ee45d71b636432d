"""Events fixtures: the mini site with three events (public, registered-only, members-only)."""

import pytest

from tests.events.helpers import event, publish


@pytest.fixture
def events(mini_site):
    entries = {"akademiya": event(), "breakfast": event("breakfast", access="members", capacity=2, per_company=2),
               "brief": event("brief", access="registered", online=True,
                              online_link="https://webinar.example/room-42", questions=())}
    publish(mini_site, *entries.values())
    return entries
