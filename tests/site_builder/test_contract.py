"""The build↔portal contract: the manifest's version is checked, and a portal refuses what it cannot read."""

import json

import pytest
from starlette.testclient import TestClient

from portal.app import create_app
from site_builder.contract import MANIFEST_VERSION, GatedEntry, ManifestError, read_manifest, write_manifest
from tests.portal_fixtures import BASE_URL


def test_the_manifest_round_trips(tmp_path):
    entry = GatedEntry("/a/", "members", "Отчёт", "Кратко", "article", None, "<p>x</p>", "a/index.html")
    write_manifest(tmp_path / "manifest.json", [entry], {"/a/chart.png": "members"})
    manifest = read_manifest(tmp_path / "manifest.json")
    assert manifest.pages["/a/"]["title"] == "Отчёт" and manifest.media == {"/a/chart.png": "members"}


@pytest.mark.parametrize("data", [{"version": MANIFEST_VERSION + 1, "pages": {}}, {"pages": {}}, [1, 2],
                                  {"version": MANIFEST_VERSION, "pages": []}])
def test_an_unknown_or_broken_manifest_is_an_error_that_says_what_to_do(tmp_path, data):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ManifestError, match="club build|version"):
        read_manifest(path)


def test_a_portal_refuses_a_manifest_of_another_version_and_serves_no_page(settings, mini_site, caplog):
    data = json.loads((mini_site / "manifest.json").read_text())
    (mini_site / "manifest.json").write_text(json.dumps({**data, "version": MANIFEST_VERSION + 1}))
    app = create_app(settings)
    try:
        with TestClient(app, base_url=BASE_URL) as client:
            assert client.get("/analytics/report/").status_code == 503  # fail closed: nothing is served as public
        assert any("manifest version" in record.getMessage() for record in caplog.records)
    finally:
        app.state.portal.db.conn.close()
