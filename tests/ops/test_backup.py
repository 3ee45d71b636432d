"""`club db backup` and `club db restore` on real SQLite files: what is copied, what is refused, what is kept.

The drill with a portal writing over HTTP meanwhile is tests/ops/test_restore_drill.py.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from portal.cli import main
from portal.core import identity
from portal.core.db import connect
from portal.core.inuse import DatabaseBusy, PortalLock, exclusive_use
from portal.newsletters.queue import queue_newsletter
from portal.ops.backup import BackupError, backup, code_schema, dated, prune, restore, verify
from tests.newsletter_fixtures import artefact

from .dbfiles import club_database, commit_and_crash, count_in_other_process, emails

TOKENS = "SELECT count(*) FROM used_tokens WHERE purpose = 'wal'"


@pytest.fixture
def live(tmp_path: Path) -> Path:
    return club_database(tmp_path / "var" / "club.db")


@pytest.fixture
def copy_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "backups"
    folder.mkdir()
    return folder


# --- backup ----------------------------------------------------------------------------------------------
def test_backup_is_one_verified_private_file(live, copy_dir):
    made = backup(live, copy_dir / "club.db")
    assert (made.path, made.schema, made.restarts) == (copy_dir / "club.db", code_schema(), 0)
    assert made.size == made.path.stat().st_size > 0
    assert emails(made.path) == emails(live)
    assert made.path.stat().st_mode & 0o777 == 0o600  # personal data and password hashes: the owner only
    conn = sqlite3.connect(made.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # needs no -wal beside it
    conn.close()
    assert sorted(path.name for path in copy_dir.iterdir()) == ["club.db"]  # no temporary files left


def test_backup_includes_commits_still_in_the_wal(live, copy_dir):
    commit_and_crash(live, 5)
    backup(live, copy_dir / "club.db")
    assert count_in_other_process(copy_dir / "club.db", TOKENS) == 5


def test_backup_never_overwrites_unless_forced(live, copy_dir):
    target = copy_dir / "club.db"
    target.write_text("last night's backup")
    with pytest.raises(BackupError, match="already exists"):
        backup(live, target)
    assert target.read_text() == "last night's backup"
    backup(live, target, force=True)
    assert emails(target) == emails(live)


@pytest.mark.parametrize("problem", ["no database", "no folder", "the database itself"])
def test_backup_refusals(live, copy_dir, problem):
    source, target = {"no database": (live.with_name("missing.db"), copy_dir / "x.db"),
                      "no folder": (live, copy_dir / "nowhere" / "x.db"),
                      "the database itself": (live, live)}[problem]
    with pytest.raises(BackupError):
        backup(source, target, force=True)
    assert emails(live)  # untouched


def test_backup_while_the_portal_writes_is_one_snapshot_from_its_start(live, copy_dir):
    """Writers on the portal's own connection commit all through a slow, paged copy: it never restarts,
    never blocks them, and holds exactly what was committed when it began."""
    db = connect(live)
    committed, stop = [], threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            db.execute("INSERT INTO used_tokens (jti, purpose, expires) VALUES (?, 'drill', 0)", [f"t{n}"])
            committed.append(f"t{n}")
            n += 1
            time.sleep(0.002)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(0.2)
        before = list(committed)
        made = backup(live, copy_dir / "club.db", pages=2, pause=0.01)
        during = len(committed) - len(before)
    finally:
        stop.set()
        writer.join()
        db.conn.close()
    assert during > 20 and made.restarts == 0  # the writer went on; the copy did not start over
    conn = sqlite3.connect(made.path)
    copied = {row[0] for row in conn.execute("SELECT jti FROM used_tokens WHERE purpose = 'drill'")}
    conn.close()
    assert set(before) <= copied and len(copied) < len(committed)


# --- dated names and retention ----------------------------------------------------------------------------
def test_dated_names_and_keep_deletes_only_older_backups_of_that_name(live, copy_dir):
    template = str(copy_dir / "club-%Y-%m-%d-%H%M%S.db")
    assert dated(template, datetime(2026, 5, 4, 3, 15, 0)).name == "club-2026-05-04-031500.db"
    for age, stamp in enumerate(["20260504", "20260503", "20260502", "20260501"]):
        path = copy_dir / f"club-{stamp[:4]}-{stamp[4:6]}-{stamp[6:]}-031500.db"
        path.write_text(stamp)
        os.utime(path, (time.time() - 86400 * (age + 1),) * 2)
    unrelated = [copy_dir / "club-notes.db", copy_dir / "club-2026-05-01.txt", copy_dir / "other-2026.db"]
    for path in unrelated:
        path.write_text("keep me")
    removed = prune(template, 2)
    assert sorted(path.name for path in removed) == ["club-2026-05-01-031500.db", "club-2026-05-02-031500.db"]
    assert all(path.exists() for path in unrelated)


def test_keep_refuses_names_it_could_not_match_safely(copy_dir):
    with pytest.raises(BackupError, match="dated PATH"):
        prune(copy_dir / "club.db", 3)
    with pytest.raises(BackupError, match="numeric"):
        prune(copy_dir / "club-%A.db", 3)  # weekday names: not something to delete by


# --- restore -----------------------------------------------------------------------------------------------
def test_restore_into_a_fresh_place(live, copy_dir, tmp_path):
    made = backup(live, copy_dir / "club.db")
    fresh = tmp_path / "new-server" / "var" / "club.db"
    done = restore(made.path, fresh)
    assert (done.database, done.schema, done.kept, done.forced_past) == (fresh, code_schema(), None, [])
    assert emails(fresh) == emails(live) and verify(fresh) == code_schema()
    db = connect(fresh)  # the portal opens it as its own
    assert identity.find_user_by_email(db, "person0@example.ru") is not None
    db.conn.close()


def test_restore_keeps_the_replaced_database_with_its_wal_commits(live, copy_dir, tmp_path):
    made = backup(live, copy_dir / "club.db")
    commit_and_crash(live, 7)  # after the backup, and only in club.db-wal
    done = restore(made.path, live, clock=lambda: datetime(2026, 5, 4, 12, 0, 0).timestamp())
    assert done.kept == live.with_name("club.db.before-restore-20260504-120000")
    assert count_in_other_process(done.kept, TOKENS) == 7  # nothing the old database had is lost
    assert count_in_other_process(live, TOKENS) == 0  # the restored one is the backup, not a mix
    assert not Path(f"{live}-wal").exists() and not Path(f"{live}-shm").exists()


def test_a_stale_wal_is_never_replayed_into_the_restored_database(live, copy_dir):
    """club.db deleted by hand, club.db-wal and -shm left behind: put beside the backup, SQLite would
    replay the old WAL's pages into it."""
    made = backup(live, copy_dir / "club.db")
    commit_and_crash(live, 50)
    live.unlink()
    done = restore(made.path, live)
    assert done.kept is not None and Path(f"{done.kept}-wal").exists()
    assert verify(live) == code_schema() and count_in_other_process(live, TOKENS) == 0
    assert emails(live) == emails(made.path)


def test_restore_while_a_reader_pins_the_wal_moves_it_along(live, copy_dir):
    """A reader whose open snapshot stops the checkpoint (as under --force past a running portal; here in
    this process, which the in-use check does not count): the WAL goes with the kept file."""
    made = backup(live, copy_dir / "club.db")
    reader = sqlite3.connect(live, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM users").fetchone()  # a snapshot older than the next commits
    try:
        commit_and_crash(live, 9)
        done = restore(made.path, live)
        assert Path(f"{done.kept}-wal").exists()
        assert count_in_other_process(done.kept, TOKENS) == 9
    finally:
        reader.close()
    assert count_in_other_process(live, TOKENS) == 0


@pytest.mark.parametrize("backup_file", ["newer", "not a club database", "not a database", "missing"])
def test_restore_refuses_a_bad_backup_and_touches_nothing(live, copy_dir, backup_file):
    bad = copy_dir / "bad.db"
    if backup_file == "newer":
        backup(live, bad)
        conn = sqlite3.connect(bad)
        conn.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', '')", [code_schema() + 1])
        conn.commit()
        conn.close()
    elif backup_file == "not a club database":
        sqlite3.connect(bad).execute("CREATE TABLE notes (x)").connection.close()
    elif backup_file == "not a database":
        bad.write_bytes(os.urandom(8192))
    before = live.read_bytes()
    reason = {"newer": "newer than this code", "not a club database": "not a Partner",
              "not a database": "not a database", "missing": "does not exist"}[backup_file]
    with pytest.raises(BackupError, match=reason):
        restore(bad, live)
    assert live.read_bytes() == before and not list(live.parent.glob("*before-restore*"))
    assert not list(live.parent.glob(".*restoring"))  # the staged copy is gone too


def test_restore_refuses_to_run_as_another_user_than_the_databases(live, copy_dir, monkeypatch):
    made = backup(live, copy_dir / "club.db")
    monkeypatch.setattr(os, "geteuid", lambda: live.parent.stat().st_uid + 1)
    with pytest.raises(BackupError, match="owner"):
        restore(made.path, live)


# --- in use: portal, worker, any other process ----------------------------------------------------------------
def test_restore_refuses_while_a_portal_holds_the_database(live, copy_dir):
    made = backup(live, copy_dir / "club.db")
    lock = PortalLock.hold(live)
    try:
        with pytest.raises(DatabaseBusy, match="portal is running"):
            restore(made.path, live)
        assert restore(made.path, live, force=True).forced_past
    finally:
        lock.release()
    assert restore(made.path, live).forced_past == []


def running_worker(database: Path, tmp_path: Path) -> subprocess.Popen:
    """`club worker` in a process of its own, once it holds the database's in-use lock."""
    env = {**os.environ, "CLUB_DATABASE": str(database), "CLUB_OUTBOX": str(tmp_path / "outbox"),
           "CLUB_SECRET_KEY": "k" * 40, "CLUB_SITE_DIR": str(tmp_path / "site")}
    worker = subprocess.Popen([sys.executable, "-m", "portal.cli", "worker"], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with exclusive_use(database):
                pass
        except DatabaseBusy:
            return worker
        time.sleep(0.1)
    worker.kill()
    raise AssertionError("club worker did not take the in-use lock")


def test_restore_refuses_while_the_newsletter_worker_runs(live, copy_dir, tmp_path):
    made = backup(live, copy_dir / "club.db")
    worker = running_worker(live, tmp_path)
    try:
        with pytest.raises(DatabaseBusy, match="club worker"):
            restore(made.path, live)
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def test_restore_refuses_while_another_process_has_the_file_open(live, copy_dir):
    made = backup(live, copy_dir / "club.db")
    code = ("import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT 1 FROM users')"
            ".fetchall(); print('open', flush=True); time.sleep(60)")
    shell = subprocess.Popen([sys.executable, "-c", code, str(live)], stdout=subprocess.PIPE, text=True)
    try:
        assert shell.stdout.readline().strip() == "open"
        with pytest.raises(DatabaseBusy, match=f"process {shell.pid} "):
            restore(made.path, live)
    finally:
        shell.kill()
        shell.wait()
        shell.stdout.close()


def test_a_portal_starting_during_a_restore_waits_for_it(live):
    restoring, done = threading.Event(), threading.Event()

    def slow_restore() -> None:
        with exclusive_use(live):
            restoring.set()
            done.wait(5)

    thread = threading.Thread(target=slow_restore)
    thread.start()
    try:
        restoring.wait(5)
        with pytest.raises(DatabaseBusy, match="being restored"):
            PortalLock.hold(live, wait=0.3)
        threading.Timer(0.3, done.set).start()
        started = time.monotonic()
        PortalLock.hold(live, wait=5).release()  # got it once the restore let go
        assert time.monotonic() - started >= 0.2
    finally:
        done.set()
        thread.join()


# --- the command line ------------------------------------------------------------------------------------------
@pytest.fixture
def club_env(live, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLUB_DATABASE", str(live))
    for name in ("CLUB_BASE_URL", "CLUB_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    return live


def test_club_db_backup_and_restore(club_env, copy_dir, capsys):
    target = copy_dir / "club-%Y-%m-%d-%H%M%S.db"
    assert main(["db", "backup", str(target), "--keep", "2"]) == 0
    out = capsys.readouterr().out
    made = next(copy_dir.iterdir())
    assert f"to {made}:" in out and f"schema version {code_schema()}, integrity ok" in out and "KB" in out
    assert main(["db", "backup", str(made)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["db", "restore", str(made)]) == 0
    out = capsys.readouterr().out
    assert f"restored {club_env} from {made}" in out and "kept as" in out


def test_club_db_restore_warns_of_newsletters_that_would_go_out_again(club_env, copy_dir, capsys):
    db = connect(club_env)
    queue_newsletter(db, artefact("public"), datetime(2026, 1, 1, tzinfo=UTC), None, again=True)
    db.conn.close()
    made = backup(club_env, copy_dir / "club.db")
    assert main(["db", "restore", str(made.path)]) == 0
    out = capsys.readouterr().out
    assert "1 newsletter(s) are scheduled or sending" in out and "club newsletter status" in out


def test_club_db_restore_says_who_uses_the_database(club_env, copy_dir, capsys, tmp_path):
    made = backup(club_env, copy_dir / "club.db")
    worker = running_worker(club_env, tmp_path)
    try:
        assert main(["db", "restore", str(made.path)]) == 1
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    err = capsys.readouterr().err
    assert "the database is in use: the portal is running on it" in err and "club worker" in err and "--force" in err


def test_club_db_backup_does_not_migrate_or_create_the_database(club_env, copy_dir, capsys, monkeypatch):
    missing = club_env.with_name("other.db")
    monkeypatch.setenv("CLUB_DATABASE", str(missing))
    assert main(["db", "backup", str(copy_dir / "x.db")]) == 1
    assert "does not exist" in capsys.readouterr().err and not missing.exists()
