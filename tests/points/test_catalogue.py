"""The portal's privilege catalogue: read through the contract, refreshed by mtime, never an error page."""

import logging

from portal.points.catalogue import catalogue_for
from site_builder.contract import PRIVILEGES
from tests.points.privilege_helpers import catalogue_of, privilege, publish


def test_offered_privileges_keep_the_catalogue_order_and_leave_out_withdrawn_ones(tmp_path):
    entries = catalogue_of(tmp_path)
    found = catalogue_for(tmp_path)
    assert found.offered() == entries[:2]
    assert found.get("staroe") == entries[2]  # old requests still find its name
    assert found.get("net-takoy") is None


def test_a_rebuild_shows_at_once(tmp_path):
    publish(tmp_path, privilege())
    found = catalogue_for(tmp_path)
    assert found.get("kopirayting").cost == 1200
    publish(tmp_path, privilege(cost=1300))
    assert found.get("kopirayting").cost == 1300


def test_no_file_is_an_empty_catalogue(tmp_path):
    assert catalogue_for(tmp_path).offered() == []


def test_a_file_of_another_version_is_logged_and_offers_nothing(tmp_path, caplog):
    (tmp_path / PRIVILEGES).write_text('{"version": 99, "privileges": []}', encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="portal.points"):
        assert catalogue_for(tmp_path).offered() == []
    assert "version 99" in caplog.text and "offering no privileges" in caplog.text
