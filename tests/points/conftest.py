"""Points fixtures: a company to hold points (ledger tests need no web app)."""

import pytest

from portal.core.companies import find_or_create_company


@pytest.fixture
def firm(db) -> int:
    """A company's id, with no points yet."""
    return find_or_create_company(db, "ООО «Баллы»", "7707083893").id
