"""The build↔portal contract: the manifest's version is checked, and a portal refuses what it cannot read."""

import json
import os
from dataclasses import asdict, replace

import pytest
from starlette.testclient import TestClient

from portal.app import create_app
from site_builder.contract import (
    EVENTS,
    EVENTS_VERSION,
    MANIFEST_VERSION,
    PRIVILEGES,
    PRIVILEGES_VERSION,
    EventEntry,
    EventsError,
    GatedEntry,
    ManifestError,
    PrivilegeEntry,
    PrivilegesError,
    Question,
    SiteLayout,
    read_events,
    read_manifest,
    read_privileges,
    write_events,
    write_manifest,
    write_privileges,
)
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


def an_event(**changes) -> EventEntry:
    entry = EventEntry(
        url="/events/a/", slug="a", source="content/events/a.md", title="Академия", access="public",
        starts="2027-02-18T09:30:00+03:00", ends=None, register_until="2027-02-16T18:00:00+03:00",
        timezone="Europe/Moscow", city="Екатеринбург", venue="", online=False, online_link="", capacity=30,
        per_company=2, questions=(Question("diet", "Питание", "choice", ("Мясо", "Рыба"), True, 0),
                                  Question("ask", "Вопрос", "long", (), False, 1000)),
        cancelled=False, registration=True, revision="0123456789abcdef")
    return replace(entry, **changes)


def test_the_events_file_round_trips(tmp_path):
    entries = [an_event(), an_event(slug="b", url="/events/b/", online=True, online_link="https://x.example/b",
                                     capacity=None, per_company=None, questions=())]
    write_events(tmp_path / EVENTS, entries)
    assert read_events(tmp_path / EVENTS) == {"a": entries[0], "b": entries[1]}


def test_an_unchanged_events_file_is_not_rewritten(tmp_path):
    path = tmp_path / EVENTS
    write_events(path, [an_event()])
    os.utime(path, ns=(1, 1))
    write_events(path, [an_event()])
    assert path.stat().st_mtime_ns == 1


@pytest.mark.parametrize("data", [{"version": EVENTS_VERSION + 1, "events": []}, {"events": []}, [1],
                                  {"version": EVENTS_VERSION, "events": {}},
                                  {"version": EVENTS_VERSION, "events": [{"slug": "a"}]},
                                  {"version": EVENTS_VERSION, "events": [{**json.loads(json.dumps(asdict(
                                      an_event()))), "seats_left": 3}]}])
def test_an_unknown_or_broken_events_file_is_an_error_that_says_what_to_do(tmp_path, data):
    path = tmp_path / EVENTS
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(EventsError, match="club build|version"):
        read_events(path)


def test_a_missing_events_file_is_an_error(tmp_path):
    with pytest.raises(EventsError, match="unreadable.*club build"):
        read_events(tmp_path / EVENTS)


def a_privilege(**changes) -> PrivilegeEntry:
    values = dict(id="kopirayting", name="Копирайтинг", description="Тексты.", cost=1200,
                  fulfilled_by="Отдел маркетинга", partner_provides="доступ к CMS", available=True,
                  page="/club/privileges/")
    return PrivilegeEntry(**{**values, **changes})


def test_the_privileges_file_round_trips_in_catalogue_order(tmp_path):
    entries = [a_privilege(id="b"), a_privilege(id="a", cost=1, available=False)]
    write_privileges(SiteLayout(tmp_path).privileges, entries)
    assert list(read_privileges(tmp_path / PRIVILEGES).values()) == entries


@pytest.mark.parametrize("data", [{"version": PRIVILEGES_VERSION + 1, "privileges": []}, {"privileges": []}, [1],
                                  {"version": PRIVILEGES_VERSION, "privileges": {}},
                                  {"version": PRIVILEGES_VERSION, "privileges": [{"id": "a"}]},
                                  {"version": PRIVILEGES_VERSION,
                                   "privileges": [{**asdict(a_privilege()), "cost": "1"}]}])
def test_an_unknown_or_broken_privileges_file_is_an_error_that_says_what_to_do(tmp_path, data):
    path = tmp_path / PRIVILEGES
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PrivilegesError, match="club build|same version of the club"):
        read_privileges(path)


def test_a_privileges_file_of_another_version_names_both_versions(tmp_path):
    path = tmp_path / PRIVILEGES
    path.write_text(json.dumps({"version": 99, "privileges": []}), encoding="utf-8")
    with pytest.raises(PrivilegesError, match=f"version 99, but this portal reads version {PRIVILEGES_VERSION}"):
        read_privileges(path)
