"""Orders fixtures: the catalogue in the test's site, a sender company in the centre and a distributor serving it."""

import pytest

from tests.orders.helpers import distributor, join, publish


@pytest.fixture
def catalogue(mini_site):
    publish(mini_site)
    return mini_site


@pytest.fixture
def parties(db, catalogue):
    """(sender user, sender company id, distributor company id, distributor's person) on the test database."""
    sender, firm = join(db, "buyer@montazh.example", "ООО «Монтаж-Центр»", segment="installers", region="central",
                        name="Борис Покупателев")
    dist = distributor(db)
    agent, _ = join(db, "agent@opt-svet.example", "ООО «Опт-Свет»", name="Алла Оптова", language="en")
    return sender, firm.id, dist, agent
