"""GET /healthz: 200 only while the database answers and is the file CLUB_DATABASE names, and the site is built."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import replace

import pytest

from portal.app import create_app
from portal.core.sessions import cookie_name
from portal.ops.backup import code_schema

HEALTHY = {"status": "ok", "database": "ok", "site": "ok", "schema": code_schema()}


def health(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-type"] == "application/json"
    return response.status_code, response.json()


def test_healthy(client):
    assert health(client) == (200, HEALTHY)
    assert client.head("/healthz").status_code == 200


def test_no_session_no_csrf_cookie_nothing_written(app, client, member):
    """Asked by a signed-in browser (the session is old enough to be touched): nothing is loaded or set."""
    db = app.state.portal.db
    assert cookie_name(app.state.portal.settings) in client.cookies
    db.execute("UPDATE sessions SET last_seen = last_seen - 3600")
    before, changes = db.execute("SELECT id_hash, last_seen FROM sessions").fetchall(), db.conn.total_changes
    response = client.get("/healthz")
    assert response.status_code == 200 and "set-cookie" not in response.headers
    assert db.conn.total_changes == changes
    assert db.execute("SELECT id_hash, last_seen FROM sessions").fetchall() == before


def test_the_database_file_removed(client, settings):
    settings.database.unlink()  # the open connection still answers, from a file nobody will find again
    status, body = health(client)
    assert status == 503 and body["status"] == "fail" and body["site"] == "ok"
    assert body["database"].startswith("file missing") and body["schema"] == code_schema()


def test_the_database_file_replaced(client, settings, tmp_path):
    other = tmp_path / "other.db"
    shutil.copy(settings.database, other)
    os.replace(other, settings.database)  # e.g. `club db restore --force` under the running portal
    status, body = health(client)
    assert status == 503 and "replaced since the portal started" in body["database"] and "restart" in body["database"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes any file")
def test_the_database_file_unreadable(client, settings):
    settings.database.chmod(0)
    try:
        status, body = health(client)
    finally:
        settings.database.chmod(0o644)
    assert status == 503 and body["database"] == "file not readable and writable by the portal's user"


def test_the_connection_not_answering(app, client):
    app.state.portal.db.conn.close()
    status, body = health(client)
    assert status == 503 and body["database"].startswith("not answering:") and body["schema"] is None


def test_a_schema_this_code_does_not_know(app, client):
    app.state.portal.db.execute("INSERT INTO schema_migrations VALUES (?, 'next release', '')", [code_schema() + 1])
    status, body = health(client)
    assert status == 503 and body["schema"] == code_schema() + 1 and "new release" in body["database"]


def test_the_site_missing(client, mini_site):
    shutil.rmtree(mini_site / "public")
    status, body = health(client)
    assert status == 503 and body["database"] == "ok" and body["site"].startswith("missing")


def test_the_manifest_broken_then_rebuilt(client, mini_site):
    manifest = mini_site / "manifest.json"
    good = manifest.read_text(encoding="utf-8")
    manifest.write_text('{"pages": ', encoding="utf-8")
    status, body = health(client)
    assert status == 503 and body["site"].startswith("manifest.json unreadable")
    assert client.get("/").status_code == 503  # what the pages answer meanwhile, which is why it is a failure
    manifest.write_text(good, encoding="utf-8")
    os.utime(manifest, (1, 1))  # a different mtime, however fast the two writes were
    assert health(client) == (200, HEALTHY)


def test_no_manifest_is_a_site_without_gated_pages(client, mini_site):
    (mini_site / "manifest.json").unlink()
    assert health(client) == (200, HEALTHY)


def test_a_page_called_healthz_in_the_site_does_not_hide_it(client, mini_site):
    (mini_site / "public" / "healthz").mkdir()
    (mini_site / "public" / "healthz" / "index.html").write_text("<p>a page</p>")
    assert json.loads(client.get("/healthz").text)["status"] == "ok"


def test_the_portal_holds_its_database_while_it_lives(app, settings):
    """The lock club db restore looks for (tests/ops/test_backup.py: refused while it is held)."""
    assert app.state.portal.parts["ops"].lock is not None
    probe = os.open(f"{settings.database}.portal.lock", os.O_RDONLY)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(probe)


def test_an_in_memory_database_is_not_watched(settings):
    memory = create_app(replace(settings, database=":memory:"))
    try:
        assert memory.state.portal.parts["ops"].lock is None and memory.state.portal.parts["ops"].identity is None
    finally:
        memory.state.portal.db.conn.close()
