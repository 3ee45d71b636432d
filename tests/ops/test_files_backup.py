"""`club db backup` keeps the uploaded files too (portal/ops/files_backup.py): new ones only, privately."""

import stat

from portal.cli import main
from portal.ops.files_backup import copy_new_files
from tests.ops.test_backup import club_env, copy_dir, live  # noqa: F401 - fixtures


def test_new_files_are_copied_once_and_kept_private(tmp_path):
    source, target = tmp_path / "files", tmp_path / "backup" / "files"
    (source / "forum").mkdir(parents=True)
    (source / "forum" / "a").write_bytes(b"first")
    first = copy_new_files(source, target)
    assert (first.copied, first.size) == (1, 5) and (target / "forum" / "a").read_bytes() == b"first"
    assert stat.S_IMODE((target / "forum" / "a").stat().st_mode) == 0o600
    (source / "feedback").mkdir()
    (source / "feedback" / "b").write_bytes(b"second")
    (source / "forum" / "a").unlink()  # gone from the portal: the backup keeps it
    again = copy_new_files(source, target)
    assert again.copied == 1 and (target / "forum" / "a").exists() and (target / "feedback" / "b").exists()
    assert not [p for p in target.rglob(".*")]  # no temporary files left
    assert copy_new_files(tmp_path / "none", target).copied == 0


def test_club_db_backup_copies_the_files_beside_the_database(club_env, copy_dir, capsys, monkeypatch, tmp_path):  # noqa: F811
    files = tmp_path / "uploads"
    (files / "forum").mkdir(parents=True)
    (files / "forum" / ("0" * 32)).write_bytes(b"picture")
    monkeypatch.setenv("CLUB_FILES_DIR", str(files))
    assert main(["db", "backup", str(copy_dir / "club.db")]) == 0
    assert (copy_dir / "files" / "forum" / ("0" * 32)).read_bytes() == b"picture"
    out = capsys.readouterr().out
    assert f"uploaded files in {copy_dir / 'files'}: 1 new" in out
