"""`club db upgrade` and `club user add`, run in-process as `club` would run them."""

import pytest

from portal.cli import main
from portal.core import identity, passwords
from portal.core.capability import REGISTRY
from portal.core.db import connect
from tests.portal_fixtures import sign_in

ADMIN_PASSWORD = "svetlaya-golova-2026"


@pytest.fixture
def club_env(tmp_path, monkeypatch):
    """A clean CLUB_* environment in an empty folder; returns the database path."""
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "var" / "club.db"
    monkeypatch.setenv("CLUB_DATABASE", str(database))
    monkeypatch.setenv("CLUB_USER_PASSWORD", ADMIN_PASSWORD)
    for name in ("CLUB_BASE_URL", "CLUB_SECRET_KEY", "CLUB_LANGUAGE", "CLUB_OIDC_DISCOVERY_URL"):
        monkeypatch.delenv(name, raising=False)
    return database


def user_in(database, email):
    db = connect(database)
    try:
        return identity.find_user_by_email(db, email)
    finally:
        db.conn.close()


def add(*extra):
    return main(["user", "add", "ann@example.ru", "--name", "Анна Админова", *extra])


def test_db_upgrade_creates_the_database_and_prints_the_version(club_env, capsys):
    assert main(["db", "upgrade"]) == 0
    assert f"schema version {REGISTRY.migrations()[-1].version}" in capsys.readouterr().out
    assert club_env.is_file()
    assert main(["db", "upgrade"]) == 0  # again: nothing to do, same answer
    assert f"schema version {REGISTRY.migrations()[-1].version}" in capsys.readouterr().out


def test_user_add_creates_a_confirmed_admin(club_env, capsys):
    assert add("--role", "admin") == 0
    out = capsys.readouterr().out
    assert "created admin ann@example.ru" in out and ADMIN_PASSWORD not in out
    user = user_in(club_env, "ann@example.ru")
    assert (user.name, user.role, user.confirmed, user.level) == ("Анна Админова", "admin", True, "staff")
    assert passwords.verify_password(user.password_hash, ADMIN_PASSWORD)


def test_user_add_stores_the_name_on_one_line(club_env):
    assert main(["user", "add", "ann@example.ru", "--name", "Анна\nАдминова\u202e\x1b[2J", "--role", "admin"]) == 0
    assert user_in(club_env, "ann@example.ru").name == "Анна Админова [2J"


def test_user_add_refuses_a_name_of_only_control_characters(club_env, capsys):
    assert main(["user", "add", "ann@example.ru", "--name", "\n\u202e", "--role", "admin"]) == 2
    assert "--name" in capsys.readouterr().err and user_in(club_env, "ann@example.ru") is None


def test_the_new_admin_can_sign_in_through_the_app(settings, client, monkeypatch, club_env):
    monkeypatch.setenv("CLUB_DATABASE", str(settings.database))  # the database the app of `client` uses
    assert add("--role", "admin") == 0
    sign_in(client, "ann@example.ru", ADMIN_PASSWORD)
    assert client.get("/account/status").json()["level"] == "staff"
    assert client.get("/staff/members").status_code == 200


def test_adding_the_same_address_again_changes_the_role(club_env, capsys):
    assert add("--role", "admin") == 0
    first = user_in(club_env, "ann@example.ru")
    assert main(["user", "add", "Ann@Example.RU", "--name", "Другое Имя", "--role", "editor"]) == 0
    assert "role set to editor" in capsys.readouterr().out
    again = user_in(club_env, "ann@example.ru")
    assert (again.id, again.role, again.password_hash) == (first.id, "editor", first.password_hash)


def test_a_bad_email_is_exit_code_2_with_a_message(club_env, capsys):
    assert main(["user", "add", "not-an-address", "--name", "Анна", "--role", "staff"]) == 2
    assert "'not-an-address' is not an e-mail address" in capsys.readouterr().err


def test_a_too_short_password_is_exit_code_2(club_env, capsys, monkeypatch):
    monkeypatch.setenv("CLUB_USER_PASSWORD", "short")
    assert add("--role", "staff") == 2
    assert "password is too short" in capsys.readouterr().err
    assert user_in(club_env, "ann@example.ru") is None


def test_an_empty_password_is_generated_and_printed(club_env, capsys, monkeypatch):
    monkeypatch.setenv("CLUB_USER_PASSWORD", "")
    assert add("--role", "moderator") == 0
    generated = capsys.readouterr().out.rsplit("with password ", 1)[1].strip()
    assert len(generated) >= 12
    assert passwords.verify_password(user_in(club_env, "ann@example.ru").password_hash, generated)


def test_an_unknown_role_is_refused_by_argparse(club_env, capsys):
    with pytest.raises(SystemExit) as exit_:
        add("--role", "boss")
    assert exit_.value.code == 2
    assert "invalid choice: 'boss'" in capsys.readouterr().err
    assert not club_env.exists()


def test_a_bad_setting_is_exit_code_2_naming_it(club_env, capsys, monkeypatch):
    monkeypatch.setenv("CLUB_BASE_URL", "ftp://club.example.ru")
    assert main(["db", "upgrade"]) == 2
    assert "CLUB_BASE_URL" in capsys.readouterr().err
