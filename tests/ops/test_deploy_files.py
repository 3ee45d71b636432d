"""deploy/: the units run commands that exist, with arguments `club` and uvicorn accept, and every
file names the same user, folders, settings file and ports. nginx is tests/ops/test_deploy_nginx.py."""

from __future__ import annotations

import dataclasses
import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from uvicorn.main import main as uvicorn_command

from portal.capabilities import installed
from portal.cli import parser as build_parser
from portal.core.settings import Settings, load_settings
from portal.ops.backup import backups_like

from .deploy_files import DEPLOY, REPO, UNITS, VENV, nginx_directive, read_env, units


def club_parser():
    """The `club` command's parser with every capability's commands, as `club` itself builds it."""
    return build_parser([command for capability in installed() for command in capability.commands])


ENV_FILE = "/etc/club/club.env"
SERVICES, TIMERS = units("service"), units("timer")
ENV = read_env(DEPLOY / "club.env.example")
NGINX = (DEPLOY / "nginx" / "club.conf").read_text(encoding="utf-8")


def test_the_expected_units_are_there():
    assert set(SERVICES) == {"club-portal.service", "club-worker.service", "club-backup.service",
                             "club-digest.service"}
    assert set(TIMERS) == {"club-backup.timer", "club-digest.timer"}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_command_exists_and_accepts_its_arguments(name):
    commands = SERVICES[name].commands()
    assert commands, f"{name} runs nothing"
    for argv in commands:
        program = PurePosixPath(argv[0])
        assert str(program.parent) == f"{VENV}/bin" and program.name in ("club", "uvicorn"), argv
        if program.name == "club":
            club_parser().parse_args(argv[1:])  # SystemExit (a failed test) on anything `club` does not know
        else:
            uvicorn_command.make_context("uvicorn", argv[1:])  # the same for uvicorn's options


def club_args(name: str) -> list[list[str]]:
    return [argv[1:] for argv in SERVICES[name].commands() if argv[0].endswith("/club")]


def test_each_service_runs_what_its_name_says():
    assert club_args("club-worker.service") == [["worker"]]
    assert club_args("club-digest.service") == [["forum", "digest"]]
    assert club_args("club-portal.service") == [["db", "upgrade"]]  # before the workers, which would race for it
    (backup,) = club_args("club-backup.service")
    assert backup[:2] == ["db", "backup"] and "--keep" in backup
    backups_like(backup[2])  # a dated name --keep can match, or this raises


def test_the_portal_runs_like_the_documented_line_behind_nginx():
    (argv,) = [argv for argv in SERVICES["club-portal.service"].commands() if argv[0].endswith("/uvicorn")]
    options = uvicorn_command.make_context("uvicorn", argv[1:]).params
    assert options["app"] == "portal.app:create_app" and options["factory"]
    assert options["proxy_headers"] is False  # the portal decides, from CLUB_TRUSTED_PROXIES
    assert options["workers"] >= 2 and options["host"] == "127.0.0.1"
    assert nginx_directive(NGINX, "server") == [f"127.0.0.1:{options['port']}"]  # the upstream


def test_every_service_shares_user_folder_and_settings_and_is_hardened():
    for name, unit in SERVICES.items():
        assert unit.one("Service", "User") == unit.one("Service", "Group") == "club", name
        assert unit.one("Service", "WorkingDirectory") == "/srv/club", name
        assert unit.one("Service", "EnvironmentFile") == ENV_FILE, name
        for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes",
                           "ProtectHome": "yes", "CapabilityBoundingSet": ""}.items():
            assert unit.one("Service", key) == value, f"{name}: {key}"
        # ProtectSystem=strict: the database folder is the only place they may write (plus the backups).
        writable = set(unit.paths("Service", "ReadWritePaths"))
        assert str(Path(ENV["CLUB_DATABASE"]).parent) in writable, name
        assert writable <= {"/var/lib/club", "/var/backups/club"}, name


def test_the_backups_go_where_the_backup_service_may_write():
    (backup,) = club_args("club-backup.service")
    assert str(Path(backup[2]).parent) in SERVICES["club-backup.service"].paths("Service", "ReadWritePaths")


def test_timers_start_services_that_exist_and_catch_up_after_downtime():
    for name, timer in TIMERS.items():
        assert timer.one("Timer", "Unit") == name.replace(".timer", ".service") in SERVICES
        assert timer.one("Timer", "OnCalendar") and timer.one("Timer", "Persistent") == "true"
        assert timer.one("Install", "WantedBy") == "timers.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verify(tmp_path):
    """systemd's own check (keys, values, sections), with the commands pointed at this virtualenv."""
    for path in [*UNITS.glob("*.service"), *UNITS.glob("*.timer")]:
        text = path.read_text(encoding="utf-8").replace(f"{VENV}/bin", str(Path(sys.executable).parent))
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    done = subprocess.run(["systemd-analyze", "verify", *sorted(p.name for p in tmp_path.iterdir())],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


# --- the settings file -------------------------------------------------------------------------------------
def test_the_env_example_is_a_valid_production_configuration():
    settings = load_settings(env_file=None, environ_=ENV, var_dir=Path("/nonexistent"))
    assert settings.https and str(settings.database) == "/var/lib/club/club.db"
    assert [str(net) for net in settings.trusted_proxies] == ["127.0.0.1/32"]
    assert settings.accel_redirect == nginx_location_of_private_files()


def test_the_env_example_names_only_documented_settings():
    documented = (REPO / "docs" / "operators.md").read_text(encoding="utf-8")
    for name in ENV:
        assert f"`{name}`" in documented, f"{name} is not in docs/operators.md's settings table"


def test_paths_agree_between_env_nginx_and_units():
    site = ENV["CLUB_SITE_DIR"]
    assert sorted(nginx_directive(NGINX, "root")) == [f"{site}/public", "/var/www/html"]
    assert nginx_directive(NGINX, "alias") == [f"{site}/private/"]
    assert str(Path(site).parent) == str(Path(ENV["CLUB_CONFIG"]).parent) == "/srv/club"
    defaults = {f.name: f.default for f in dataclasses.fields(Settings)}
    units = {"k": 1024, "m": 1024 * 1024}
    assert [int(size[:-1]) * units[size[-1]] for size in nginx_directive(NGINX, "client_max_body_size")] == [
        defaults["max_body_bytes"], defaults["max_upload_bytes"]]  # every form; the feedback form with files


def nginx_location_of_private_files() -> str:
    return next(line.split()[2] for line in NGINX.splitlines() if line.strip().startswith("location ^~ /_club_"))


# --- the scripts ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("script", ["club", "club-build"])
def test_the_scripts_use_the_units_user_folders_and_settings(script):
    text = (DEPLOY / "bin" / script).read_text(encoding="utf-8")
    assert os.access(DEPLOY / "bin" / script, os.X_OK)
    assert "CLUB_USER=${CLUB_USER:-club}" in text and "CLUB_HOME=${CLUB_HOME:-/srv/club}" in text
    assert f"CLUB_VENV=${{CLUB_VENV:-{VENV}}}" in text
    if script == "club":
        assert f"CLUB_ENV_FILE=${{CLUB_ENV_FILE:-{ENV_FILE}}}" in text


def test_club_build_precompresses_the_assets_nginx_sends(tmp_path):
    home, venv = tmp_path / "srv", tmp_path / "venv"
    public = home / "site" / "public"
    files = {"assets/style.css": "body{color:red}" * 50, "assets/app.js": "let x = 1;\n" * 50,
             "sitemap.xml": "<urlset/>" * 50, "index.html": "<p>page</p>" * 50, "logo.png": "PNG" * 200,
             "tiny.css": "a{}"}
    for rel, text in files.items():
        (public / rel).parent.mkdir(parents=True, exist_ok=True)
        (public / rel).write_text(text, encoding="utf-8")
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "club").write_text('#!/bin/sh\necho "club $*" > "$CLUB_HOME/ran"\n', encoding="utf-8")
    (venv / "bin" / "club").chmod(0o755)
    env = {**os.environ, "CLUB_USER": subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip(),
           "CLUB_HOME": str(home), "CLUB_VENV": str(venv)}
    for _ in range(2):  # a second run replaces the .gz files
        done = subprocess.run([DEPLOY / "bin" / "club-build"], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    assert (home / "ran").read_text() == "club build --strict\n"
    compressed = sorted(str(path.relative_to(public)) for path in public.rglob("*.gz"))
    assert compressed == ["assets/app.js.gz", "assets/style.css.gz", "sitemap.xml.gz"]  # not HTML, images, tiny files
    for rel in ("assets/app.js", "assets/style.css", "sitemap.xml"):
        assert gzip.decompress((public / f"{rel}.gz").read_bytes()).decode() == files[rel]
    assert not list(public.rglob("*.tmp"))


def test_logrotate_covers_only_the_optional_log_folder():
    text = (DEPLOY / "logrotate" / "club").read_text(encoding="utf-8")
    blocks = [line.split("{")[0].strip() for line in text.splitlines() if line.rstrip().endswith("{")]
    assert blocks == ["/var/log/club/*.log"] and "copytruncate" in text
